"""Every signed-in page reads its user once: department, roles and the header's unread count in
one statement, never the password hash (docs/performance.md)."""
from portal.cases.models import Notification
from portal.db import database, statements_run as statements
from portal.org.models import User


def test_the_header_counts_unread_notifications_read_with_the_user(app, login):
    client = login("liaison")
    with app.app_context(), database.connection_context():
        user = User.get(User.username == "liaison")
        before = Notification.select().where((Notification.user == user.id) & Notification.read_at.is_null()).count()
        Notification.insert_many([{"user": user.id, "kind": "test", "message": f"通知{i}"} for i in range(3)]).execute()
    with statements() as seen:
        page = client.get("/cases/todo").get_data(as_text=True)
    assert f"{before + 3}条未读通知" in page
    reading_user = [s for s in seen if 'FROM "user" AS' in s and '"user_role"' in s]
    assert len(reading_user) == 1 and '"notification"' in reading_user[0]
    assert not [s for s in seen if s.startswith('SELECT "t1"."id", "t1"."user_id", "t1"."role" FROM "user_role"')]
    assert not [s for s in seen if "password_hash" in s]


def test_roles_read_with_the_user_still_decide_what_a_page_allows(login):
    assert login("monitor").get("/cases/new").status_code == 200  # 网络评论员 registers cases
    assert login("staff").get("/cases/new").status_code == 403


def test_the_layouts_identity_is_read_with_the_user_and_on_its_own_without_one(app, login, client):
    """Every signed-in page's layout names the bureau: its settings come in the user's statement."""
    office = login("office")
    with statements() as seen:
        page = office.get("/cases/todo").get_data(as_text=True)
    assert "鄂尔多斯市能源局 · 网络舆情工作平台 · 内网使用" in page
    settings_read = [s for s in seen if '"setting"' in s]
    assert len(settings_read) == 1 and 'FROM "user" AS' in settings_read[0]
    with statements() as seen:
        assert "鄂尔多斯市能源局 · 网络舆情工作平台" in client.get("/login").get_data(as_text=True)
    assert [s for s in seen if '"setting"' in s and 'FROM "user" AS' not in s]
