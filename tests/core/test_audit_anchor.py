"""The audit chain is keyed and anchored outside the database: whoever holds only the database
(its file, a dump, its administrator) can neither delete the newest events nor rewrite one and
recompute the chain without the verifiers noticing; a `portal restore` is not mistaken for that."""
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from portal import audit
from portal.audit import AuditEvent, AuditLegacy
from portal.cli import audit_verify_command, build_cli, tick_command
from portal.db import database, open_database
from tests.core.case_helpers import register
from tests.core.test_audit_chain import drop_protection


def anchor(app):
    """What `portal tick` does every minute, after its reminders."""
    result = app.test_cli_runner().invoke(tick_command)
    assert result.exit_code == 0, result.output


def verify_page(client) -> str:
    return client.get("/admin/audit/verify").get_data(as_text=True)


def cli_verify(app, *args):
    return app.test_cli_runner().invoke(audit_verify_command, list(args))


def drop_all_protection():
    drop_protection()
    if database.obj.__class__.__name__.startswith("Sqlite"):
        database.execute_sql("DROP TRIGGER audit_legacy_no_update")
        database.execute_sql("DROP TRIGGER audit_legacy_no_delete")
    else:
        database.execute_sql("DROP TRIGGER audit_legacy_append_only ON audit_legacy")


def test_the_audit_key_lives_in_the_instance_folder_not_the_database(app, tmp_path):
    from portal import create_app

    fresh = create_app({"INSTANCE_PATH": str(tmp_path / "new"), "TESTING": True})  # first start
    made = Path(fresh.instance_path) / "audit_key"
    assert made.stat().st_mode & 0o077 == 0 and fresh.config["AUDIT_KEY"] == made.read_text().strip()
    open_database(app.config["DATABASE_URL"])  # (creating an app binds the database to its own)
    key = app.config["AUDIT_KEY"]
    assert key == (Path(app.instance_path) / "audit_key").read_text().strip() and len(key) == 64
    with database.connection_context():
        for table in database.get_tables():
            dump = repr(database.execute_sql(f'SELECT * FROM "{table}"').fetchall())
            assert key not in dump, table


def test_deleting_the_newest_events_is_found(app, login):
    office = login("office")
    register(login("monitor"))
    anchor(app)
    assert "审计日志完整：" in verify_page(office)
    with database.connection_context():
        newest = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
        drop_protection()
        AuditEvent.delete().where(AuditEvent.id >= newest.id - 2).execute()
        assert audit_check_of_the_chain_alone(app) is None  # what is left is still a sound chain
    page = verify_page(office)
    assert "发现问题" in page and f"第 {newest.id} 条记录已不在数据库中" in page
    assert "审计日志完整：" not in page
    result = cli_verify(app)
    assert result.exit_code != 0 and f"第 {newest.id} 条记录已不在数据库中" in result.output


def audit_check_of_the_chain_alone(app):
    with app.app_context():
        return audit.verify()[1]


def recompute_with_sha256(start_id: int):
    """What someone with the database but not the key can do: redo every hash from start_id on."""
    previous = AuditEvent.select().where(AuditEvent.id < start_id).order_by(AuditEvent.id.desc()).first()
    prev_hash = previous.hash if previous else audit.GENESIS
    for event in AuditEvent.select().where(AuditEvent.id >= start_id).order_by(AuditEvent.id):
        event.prev_hash = prev_hash
        event.hash = event.content_hash(None)
        AuditEvent.update(prev_hash=event.prev_hash, hash=event.hash).where(AuditEvent.id == event.id).execute()
        prev_hash = event.hash


@pytest.mark.parametrize("cover", ["recompute", "recompute_and_call_it_legacy"])
def test_rewriting_an_event_and_recomputing_the_chain_is_found(app, login, cover):
    office = login("office")
    register(login("monitor"), title="原来的标题")
    anchor(app)
    with database.connection_context():
        victim = AuditEvent.get(AuditEvent.action == "case.registered", AuditEvent.summary.contains("原来的标题"))
        drop_all_protection()
        AuditEvent.update(summary="无事发生").where(AuditEvent.id == victim.id).execute()
        if cover == "recompute":
            recompute_with_sha256(victim.id)
        else:
            # every hash redone, and every event claimed to be from before the key: the chain
            # then checks out with SHA-256 alone
            recompute_with_sha256(1)
            head = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
            AuditLegacy.delete().execute()
            AuditLegacy.create(last_id=head.id, last_hash=head.hash)
    page = verify_page(office)
    assert "发现问题" in page and "审计日志完整：" not in page
    if cover == "recompute":
        assert f"第 {victim.id} 条记录" in page  # the keyed chain breaks at the rewritten event
    else:
        assert audit_check_of_the_chain_alone(app) is None
        assert "边界被改动" in page  # only the checkpoint outside the database tells
    assert cli_verify(app).exit_code != 0


def test_a_checkpoint_another_server_wrote_is_checked_too(app, login):
    """Several servers share one database: each writes its own checkpoint file; the verifier
    checks every file it finds (a shared AUDIT_CHECKPOINT_DIR shows it all of them)."""
    office = login("office")
    register(login("monitor"))
    anchor(app)
    folder = audit_checkpoints(app)
    mine = folder / next(p.name for p in folder.glob("*.json"))
    mine.rename(folder / "app-server-2.json")
    with database.connection_context():
        newest = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
        drop_protection()
        AuditEvent.delete().where(AuditEvent.id == newest.id).execute()
    page = verify_page(office)
    assert f"第 {newest.id} 条记录已不在数据库中（检查点文件 app-server-2.json" in page


def test_a_forged_checkpoint_is_refused(app, login):
    office = login("office")
    register(login("monitor"))
    anchor(app)
    path = next(audit_checkpoints(app).glob("*.json"))
    forged = json.loads(path.read_text())
    forged["event_id"] -= 3  # to make room for deleting the last three events
    path.write_text(json.dumps(forged))
    page = verify_page(office)
    assert "签名无效" in page and "审计日志完整：" not in page


def audit_checkpoints(app) -> Path:
    return Path(app.instance_path) / "audit_checkpoints"


def test_a_backups_checkpoint_finds_truncation_when_the_checkpoint_files_are_gone(app, login, tmp_path):
    from portal.backup import backup

    register(login("monitor"))
    archive = tmp_path / "backup.tar.gz"
    with app.app_context():
        manifest = backup(app.config["DATABASE_URL"], Path(app.instance_path), archive)
    with database.connection_context():
        newest = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
        assert manifest["audit_checkpoint"]["event_id"] == newest.id
        drop_protection()
        AuditEvent.delete().where(AuditEvent.id == newest.id).execute()
    shutil.rmtree(audit_checkpoints(app), ignore_errors=True)
    alone = cli_verify(app)
    assert alone.exit_code == 0 and "尚无检查点" in alone.output  # what the verifier cannot know alone
    shutil.rmtree(audit_checkpoints(app), ignore_errors=True)  # (that run anchored the truncated head)
    against = cli_verify(app, "--backup", str(archive))
    assert against.exit_code != 0 and f"第 {newest.id} 条记录已不在数据库中（备份" in against.output


def run(*args):
    result = CliRunner().invoke(build_cli(), list(args))
    return result.exit_code, result.output  # (stdout and stderr)


def test_portal_restore_of_an_older_backup_is_recorded_and_verifies(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    assert run("init-db", "--demo")[0] == 0
    assert run("tick")[0] == 0
    assert run("backup", str(tmp_path / "older.tar.gz"))[0] == 0
    code, _ = run("create-user", "--username", "later", "--name", "后来者", "--department", "办公室",
                  "--role", "staff", "--password", "Later2026")
    assert code == 0
    assert run("tick")[0] == 0
    before = {p.name: json.loads(p.read_text()) for p in (instance / "audit_checkpoints").glob("*.json")}
    assert before

    code, output = run("restore", str(tmp_path / "older.tar.gz"), "--yes")
    assert code == 0, output
    assert "已恢复" in output and "重新锚定" in output
    code, output = run("audit-verify")
    assert code == 0, output
    assert "审计日志完整" in output
    with sqlite3.connect(instance / "portal.db") as con:
        restored = con.execute("SELECT id, data FROM audit_event WHERE action = 'audit.restored'").fetchall()
        assert not con.execute("SELECT 1 FROM user WHERE username = 'later'").fetchall()
    assert len(restored) == 1
    replaced = json.loads(restored[0][1])["replaced_checkpoints"]
    assert {(c["file"], c["event_id"]) for c in replaced} == {(n, cp["event_id"]) for n, cp in before.items()}
    kept = list((instance / "audit_checkpoints").glob("before-restore-*/*.json"))
    assert {p.name for p in kept} == set(before)
    # a second server whose checkpoint folder is not shared still holds a pre-restore checkpoint
    shutil.copy(kept[0], instance / "audit_checkpoints" / "app-server-2.json")
    code, output = run("audit-verify")
    assert code == 0 and "已由该次恢复重新锚定" in output, output


def test_an_older_database_put_back_without_portal_restore_is_found(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(instance))
    assert run("init-db", "--demo")[0] == 0
    shutil.copy(instance / "portal.db", tmp_path / "older.db")
    assert run("create-user", "--username", "later", "--name", "后来者", "--department", "办公室",
               "--role", "staff", "--password", "Later2026")[0] == 0
    assert run("tick")[0] == 0
    for suffix in ("-wal", "-shm"):
        Path(f"{instance / 'portal.db'}{suffix}").unlink(missing_ok=True)
    shutil.copy(tmp_path / "older.db", instance / "portal.db")
    code, output = run("audit-verify")
    assert code != 0 and "已不在数据库中" in output
    code, output = run("tick")  # and the minute's tick does not move the anchor back
    assert code != 0 and "检查点未更新" in output
