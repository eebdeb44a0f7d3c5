"""The `portal` command: init-db, create-user, demo, run and the plugins' commands."""
import os

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from portal import create_app
from portal.db import database
from portal.db import init_schema as db_init_schema
from portal.demo import DEMO_PASSWORD, create_demo, demo_logins
from portal.org.models import Department, User, password_problem
from portal.auth.permissions import roles as role_names


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_default_commands=True, load_dotenv=False)
def cli():
    """网络舆情工作平台。"""


def init_schema():
    from portal.migrate import MigrationError

    try:
        db_init_schema(current_app, log=click.echo)  # the migrations applied, then what the set-ups did
    except MigrationError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command("init-db")
@click.option("--demo", is_flag=True, help="数据库为空时写入演示数据。")
@with_appcontext
def init_db(demo):
    """建表（已有的表和数据保留）。"""
    init_schema()
    click.echo(f"数据库已就绪：{current_app.config['DATABASE_URL']}")
    if demo:
        _demo()


@cli.command("migrate")
@click.option("--list", "show", is_flag=True, help="只列出各模块已执行和待执行的迁移。")
@with_appcontext
def migrate_command(show):
    """执行待执行的数据库迁移（升级前请先备份：portal backup）。"""
    from portal.migrate import status

    if show:
        for owner, name, applied in status(current_app):
            click.echo(f"{owner:<16}{name:<40}{'已执行' if applied else '待执行'}")
        return
    pending = [row for row in status(current_app) if not row[2]]
    init_schema()
    click.echo(f"已执行 {len(pending)} 个迁移，数据库结构已是最新。" if pending else "没有待执行的迁移，数据库结构已是最新。")


@cli.command("demo")
@click.option("--cases", "case_count", type=int, default=0, help="再批量生成这么多件事项（用于性能测试）。")
@click.option("--seed", type=int, default=2026, show_default=True)
@with_appcontext
def demo_command(case_count, seed):
    """写入演示数据（仅在数据库中尚无用户时）；--cases N 批量生成 N 件历年事项。"""
    import time

    from portal.bulk import generate

    init_schema()
    _demo()
    if case_count > 0:
        started = time.perf_counter()
        with database.connection_context():
            made = generate(case_count, seed=seed)
        click.echo(f"已生成 {made['cases']} 件事项、{made['events']} 条办理记录，用时 {time.perf_counter() - started:.1f} 秒。")


def _demo():
    with database.connection_context():
        created = create_demo()
    click.echo("已写入演示数据。" if created else "数据库已有数据，保留不变。")
    click.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    names = role_names()
    for username, name, roles in demo_logins():
        click.echo(f"  {username:<16}{name}（{'、'.join(names[r] for r in roles.split('、'))}）")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--worker", is_flag=True, help="同时启动后台任务处理程序（portal worker），随门户一同停止。")
def serve(host, port, threads, worker):
    """以生产方式（waitress，多线程）提供门户服务。"""
    import subprocess
    import sys

    from waitress import serve as waitress_serve

    app = create_app()
    consumer = subprocess.Popen([sys.executable, "-m", "portal.cli", "worker"]) if worker else None
    if consumer is not None:  # a service manager stops the portal with SIGTERM: stop the worker with it
        import signal

        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    click.echo(f"门户已启动：http://{host}:{port}/ （Ctrl+C 停止）")
    try:
        # waitress drops X-Forwarded-* by default: behind trusted proxies the app's ProxyFix reads them
        waitress_serve(app, host=host, port=port, threads=threads, ident="portal",
                       clear_untrusted_proxy_headers=not app.config["TRUSTED_PROXIES"])
    finally:
        if consumer is not None:
            consumer.terminate()
            consumer.wait(timeout=30)


@cli.command("worker")
@click.option("--workers", type=int, default=None, help="并行处理的任务数（默认取配置 QUEUE_WORKERS）。")
@click.option("--no-tick", is_flag=True, help="不执行每分钟的定时检查（另有 cron 调用 portal tick 时）。")
@with_appcontext
def worker_command(workers, no_tick):
    """后台任务处理程序：生成 PDF、导出导入等耗时工作，并每分钟执行定时检查（可作为系统服务运行）。"""
    import logging

    from portal.jobs.queue import describe

    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    huey = app.extensions["portal_queue"]
    huey.immediate = False
    count = workers or int(app.config["QUEUE_WORKERS"])
    if int(app.config["QUEUE_NICE"]) > 0:  # pages first: a machine busy with PDFs still serves them
        os.nice(int(app.config["QUEUE_NICE"]))
    click.echo(f"后台任务处理程序已启动：队列 {describe(app)}，{count} 个线程"
               f"{'' if no_tick or not app.config.get('QUEUE_TICK', True) else '，每分钟执行定时检查'}。")
    huey.create_consumer(workers=count, worker_type="thread", periodic=not no_tick).run()


@cli.command("tick")
@with_appcontext
def tick_command():
    """触发到期提醒与超期通报，并更新审计日志检查点（供 cron 每分钟调用）。"""
    from portal.scheduled import scheduled_check

    fired, verdict = scheduled_check()
    click.echo(f"即将到期 {fired.pop('due_soon')} 件，超期 {fired.pop('overdue')} 件。")
    for label, count in fired.items():  # the plugins' reminders
        click.echo(f"{label} {count} 件。")
    if verdict is not None and not verdict.ok:
        raise click.ClickException("审计日志校验未通过，检查点未更新：请运行 portal audit-verify 查看。")


@cli.command("audit-verify")
@click.option("--backup", "archives", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="同时核对这些备份文件清单中的检查点（可多次给出）。")
@with_appcontext
def audit_verify_command(archives):
    """校验审计日志：带密钥的哈希链，以及检查点文件和备份清单中的检查点（发现改动、删除和截断）。"""
    from pathlib import Path

    from portal.audit_anchor import anchor, check
    from portal.backup import BackupError, manifest_of

    try:
        extra = [(f"备份 {a} 的检查点", manifest_of(Path(a)).get("audit_checkpoint")) for a in archives]
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    with database.connection_context():
        verdict = check([(label, cp) for label, cp in extra if cp])
        anchor(verdict)
    for label, cp in extra:
        if not cp:
            click.echo(f"{label}：该备份没有检查点（本版本之前的备份）。")
    for note in verdict.notes:
        click.echo(f"说明：{note}")
    broken = verdict.broken
    if broken is not None:
        click.echo(f"审计日志第 {broken.id} 条（{broken.at}，{broken.action}）与哈希链不符：该条或其前一条已被改动或删除。", err=True)
    for problem in verdict.problems:
        click.echo(f"发现问题：{problem}", err=True)
    if not verdict.ok:
        raise click.ClickException(f"审计日志未通过校验（此前 {verdict.checked} 条记录完好）。")
    click.echo(f"审计日志完整：已校验 {verdict.checked} 条记录，与 {verdict.anchors} 个检查点相符。")


@cli.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(dest):
    """在线备份数据库和附件到一个 .tar.gz 文件（门户运行时也可执行）。"""
    from pathlib import Path

    from portal.backup import backup

    manifest = backup(current_app.config["DATABASE_URL"], Path(current_app.instance_path), Path(dest),
                      audit_key=current_app.config["AUDIT_KEY"])
    click.echo(f"已备份到 {dest}：数据库与 {len(manifest['members']) - 1} 个附件。")


@cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="不再询问，直接恢复。")
@with_appcontext
def restore_command(archive, yes):
    """从备份恢复数据库和附件（请先停止门户；被替换的文件保留为 *.before-restore-时间）。

    恢复后审计日志回到备份时的状态：原有检查点移入 audit_checkpoints/before-restore-时间/，
    恢复本身记入审计日志，并以它重新锚定。"""
    from pathlib import Path

    from portal.audit_anchor import reanchor
    from portal.backup import BackupError, describe, restore

    url = current_app.config["DATABASE_URL"]
    if not yes:
        click.confirm(f"将用 {archive} 覆盖 {describe(url)} 及附件，确定吗？", abort=True)
    try:
        manifest = restore(url, Path(current_app.instance_path), Path(archive))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已恢复 {manifest['made_at']} 的备份。")
    init_schema()  # a backup made by an older release
    with database.connection_context():
        verdict, event = reanchor(manifest.get("audit_checkpoint"), manifest["made_at"], Path(archive).name)
    for note in verdict.notes:
        click.echo(f"说明：{note}")
    if not verdict.ok:
        for problem in verdict.problems + ([f"第 {verdict.broken.id} 条记录与哈希链不符"] if verdict.broken else []):
            click.echo(f"发现问题：{problem}", err=True)
        raise click.ClickException("恢复已完成，但恢复出的审计日志未通过校验（已记入审计日志）：请保全备份并报告。")
    click.echo(f"审计日志已校验并重新锚定：恢复记为第 {event.id} 条记录。")


@cli.group("db")
def db_group():
    """数据库：在 SQLite 与 PostgreSQL 之间整体迁移数据。"""


@db_group.command("copy")
@click.option("--to", "target", required=True, metavar="URL",
              help="目标数据库（须为空）：postgresql://用户@主机/库名 或 sqlite:////路径/portal.db")
@with_appcontext
def db_copy_command(target):
    """把当前数据库的全部表（含插件的表）复制到一个空数据库：一致快照，修正序列，逐表核对行数与校验和，并校验审计日志。"""
    from portal.dbcopy import CopyError, copy, describe

    init_schema()  # the source at the current schema
    click.echo(f"正在从 {describe(current_app.config['DATABASE_URL'])} 复制到 {describe(target)}……")
    try:
        reports = copy(current_app._get_current_object(), target, log=click.echo)
    except CopyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"复制完成：{len(reports)} 张表、{sum(r.rows for r in reports)} 行，行数与校验和全部一致。"
               f"将配置 DATABASE_URL 改为目标数据库并重启门户即可使用。")


@cli.command("create-user")
@click.option("--username", required=True)
@click.option("--name", required=True, help="姓名")
@click.option("--department", "department_name", required=True, help="所属科室名称")
@click.option("--role", "roles", multiple=True, required=True, help="角色代码，可多次给出（插件声明的角色亦可）")
@click.password_option("--password", help="初始密码")
@with_appcontext
def create_user(username, name, department_name, roles, password):
    """创建用户。"""
    from portal import audit

    if unknown := [r for r in roles if r not in role_names()]:
        raise click.ClickException(f"没有这个角色：{'、'.join(unknown)}。可选：{'、'.join(role_names())}")
    with database.connection_context():
        if problem := password_problem(password):
            raise click.ClickException(problem)
        if User.select().where(User.username == username).exists():
            raise click.ClickException(f"用户名“{username}”已被使用。")
        with database.atomic():
            dept, _ = Department.get_or_create(name=department_name)
            user = User(username=username, name=name, department=dept, must_change_password=True)
            user.set_password(password)
            user.save()
            user.set_roles(roles)
            audit.record("user.created", f"命令行创建用户 {name}（{username}）", obj=user, roles=list(roles))
    click.echo(f"已创建用户 {username}。首次登录时须修改初始密码。")


@cli.group("plugin")
def plugin_group():
    """插件开发。"""


@plugin_group.command("new")
@click.argument("name")
@click.option("--label", help="插件的中文名称（默认为 NAME）")
@click.option("--department", default="电力科", show_default=True, help="插件服务的科室（名称）")
@click.option("--dir", "dest", default=".", show_default=True, type=click.Path(file_okay=False),
              help="在此目录下创建 NAME/")
def plugin_new(name, label, department, dest):
    """生成一个可用 pip 安装的插件骨架：页面、表单、数据表及迁移、首页组件、科室栏目、测试。"""
    from pathlib import Path

    from portal import scaffold

    for problem in scaffold.problems(name):
        raise click.ClickException(problem)
    try:
        files = scaffold.create(name, Path(dest), label=label or name, department=department)
    except FileExistsError as exc:
        raise click.ClickException(f"{exc} 已存在，未做任何改动。") from None
    root = Path(dest) / name
    click.echo(f"已生成插件 {name}：{root}（{len(files)} 个文件）")
    click.echo(f"下一步：cd {root} && pip install -e . && portal migrate && pytest")


def build_cli():
    """The command group with every enabled plugin's commands added."""
    from portal.config import disabled_plugins
    from portal.plugins import make_plugin_manager

    pm, _ = make_plugin_manager(disabled_plugins({"DISABLED_PLUGINS": os.environ.get("PORTAL_DISABLED_PLUGINS", "")}))
    pm.hook.portal_cli(cli=cli)
    return cli


def main():
    build_cli()()


if __name__ == "__main__":
    main()
