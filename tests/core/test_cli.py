"""The `portal` command as an administrator runs it."""
from click.testing import CliRunner

from portal.cli import build_cli
from portal.db import database
from portal.org.models import User


def run(tmp_path, monkeypatch, *args, input=None):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    return CliRunner().invoke(build_cli(), list(args), input=input)


def test_init_db_with_demo_prints_logins_and_keeps_data_on_second_run(tmp_path, monkeypatch):
    first = run(tmp_path, monkeypatch, "init-db", "--demo")
    assert first.exit_code == 0, first.output
    assert "已写入演示数据" in first.output and "Demo2026" in first.output and "leader" in first.output
    with database.connection_context():
        User.update(name="改过的名字").where(User.username == "leader").execute()
    second = run(tmp_path, monkeypatch, "init-db", "--demo")
    assert "保留不变" in second.output
    with database.connection_context():
        assert User.get(User.username == "leader").name == "改过的名字"
    assert (tmp_path / "instance" / "portal.db").exists()


def test_create_user(tmp_path, monkeypatch):
    run(tmp_path, monkeypatch, "init-db")
    result = run(tmp_path, monkeypatch, "create-user", "--username", "zhang", "--name", "张三丰",
                 "--department", "信息中心", "--role", "office", "--role", "monitor", "--password", "Strong2026")
    assert result.exit_code == 0, result.output
    with database.connection_context():
        user = User.get(User.username == "zhang")
        assert user.roles == ["office", "monitor"] and user.check_password("Strong2026")
        assert user.department.name == "信息中心"
    weak = run(tmp_path, monkeypatch, "create-user", "--username", "li", "--name", "李", "--department", "x",
               "--role", "staff", "--password", "123")
    assert weak.exit_code != 0 and "密码至少需要8个字符" in weak.output
    again = run(tmp_path, monkeypatch, "create-user", "--username", "zhang", "--name", "x", "--department", "x",
                "--role", "staff", "--password", "Strong2026")
    assert "已被使用" in again.output
    unknown = run(tmp_path, monkeypatch, "create-user", "--username", "wang", "--name", "x", "--department", "x",
                  "--role", "nosuch", "--password", "Strong2026")
    assert unknown.exit_code != 0 and "没有这个角色：nosuch" in unknown.output


def test_tick_fires_each_case_once(tmp_path, monkeypatch):
    from datetime import timedelta

    from portal.cases.models import Case
    from portal.db import now

    run(tmp_path, monkeypatch, "init-db", "--demo")  # the demo already ticked once
    assert "超期 0 件" in run(tmp_path, monkeypatch, "tick").output
    with database.connection_context():  # (its deadline may have passed already, between 00:00 and 08:00)
        Case.update(due_at=now() - timedelta(hours=1), overdue_fired_at=None).where(
            Case.number.endswith("-0005")).execute()
    assert "超期 1 件" in run(tmp_path, monkeypatch, "tick").output
    assert "超期 0 件" in run(tmp_path, monkeypatch, "tick").output
