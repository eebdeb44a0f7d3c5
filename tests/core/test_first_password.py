"""A password an administrator chose (the user form, a reset, `portal create-user`) is replaced by
its owner at first login, before anything else; the demo's users are not asked."""
from click.testing import CliRunner

from portal.audit import AuditEvent
from portal.db import database
from portal.org.models import User

CHANGE = "/account/password"


def create_clerk(admin):
    response = admin.post("/admin/users/new", data={
        "username": "newclerk", "name": "新同事", "department": "5", "roles": ["staff"],
        "password": "Clerk2026", "active": "y"})
    assert response.status_code == 302


def test_a_new_user_changes_the_password_before_anything_else(app, login):
    create_clerk(login("admin"))
    clerk = app.test_client()
    assert clerk.login("newclerk", "Clerk2026").status_code == 302
    for path in ("/", "/cases/", "/circulars/", "/cases/1", "/departments"):
        response = clerk.get(path)
        assert response.status_code == 302 and response.headers["Location"] == CHANGE, path
    assert clerk.get("/cases/", headers={"HX-Request": "true"}).headers["HX-Redirect"] == CHANGE
    page = clerk.get(CHANGE).get_data(as_text=True)
    assert "您的密码是系统管理员设置的" in page
    same = clerk.post(CHANGE, data={"current": "Clerk2026", "new": "Clerk2026", "confirm": "Clerk2026"})
    assert "新密码不能与当前密码相同" in same.get_data(as_text=True)
    assert clerk.post(CHANGE, data={"current": "Clerk2026", "new": "Mine2026x", "confirm": "Mine2026x"}).status_code == 302
    home = clerk.get("/")
    assert home.status_code == 200 and "新同事" in home.get_data(as_text=True)
    with database.connection_context():
        assert not User.get(User.username == "newclerk").must_change_password
        assert AuditEvent.select().where(AuditEvent.action == "password.changed").count() == 1


def test_a_refused_post_changes_nothing_before_the_password_is_changed(app, login):
    create_clerk(login("admin"))
    clerk = app.test_client()
    clerk.login("newclerk", "Clerk2026")
    response = clerk.post("/notifications/read")  # else on to /notifications
    assert response.status_code == 302 and response.headers["Location"] == CHANGE
    assert clerk.post("/logout").status_code == 302  # signing out stays possible


def test_a_reset_password_must_be_changed_too(app, login):
    admin = login("admin")
    with database.connection_context():
        staff = User.get(User.username == "staff")
    page = admin.post(f"/admin/users/{staff.id}/password", data={"password": "Reset2026x"}, follow_redirects=True)
    assert "下次登录时须先修改密码" in page.get_data(as_text=True)
    client = app.test_client()
    client.login("staff", "Reset2026x")
    assert client.get("/").headers["Location"] == CHANGE


def test_the_demo_users_are_not_asked(app, login):
    assert login("staff").get("/").status_code == 200


def test_create_user_on_the_command_line_is_asked_too(app):
    from portal.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["create-user", "--username", "zhang", "--name", "张三丰", "--department", "信息中心",
                                 "--role", "office", "--password", "Strong2026"], obj=_script_info(app))
    assert result.exit_code == 0, result.output
    assert "首次登录时须修改初始密码" in result.output
    client = app.test_client()
    client.login("zhang", "Strong2026")
    assert client.get("/").headers["Location"] == CHANGE


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)
