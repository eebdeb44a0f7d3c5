from portal.audit import AuditEvent
from portal.db import database
from portal.demo import DEPARTMENTS, GROUPS, USERS
from portal.org.models import Department, User
from pathlib import Path


def test_departments_list_and_page(login):
    client = login("staff")
    page = client.get("/departments").get_data(as_text=True)
    for name, _ in DEPARTMENTS:
        assert name in page
    dept = client.get("/departments/4").get_data(as_text=True)
    assert "电力科" in dept and "吴建国" in dept and "郑雨桐" in dept
    assert client.get("/departments/999").status_code == 404


def test_a_department_without_members_lists_no_one(login, db):
    # (the listing took an empty query for "no query" and showed every person of the bureau)
    empty = Department.create(name="新设科", kind="office")
    page = login("staff").get(f"/departments/{empty.id}").get_data(as_text=True)
    assert "暂无人员" in page and "吴建国" not in page and "陈立新" not in page


def test_working_groups_page_shows_the_four_groups(login):
    page = login("staff").get("/groups").get_data(as_text=True)
    for _, name, *_ in GROUPS:
        assert name in page
    assert "组长" in page and "网络评论员" in page


def test_a_role_without_permission_is_refused(login):
    response = login("staff").get("/admin/users")
    assert response.status_code == 403 and "无权访问" in response.get_data(as_text=True)
    assert login("office").get("/admin/plugins").status_code == 403


def test_admin_creates_a_user_who_can_log_in(login, app):
    admin = login("admin")
    response = admin.post("/admin/users/new", data={
        "username": "newclerk", "name": "新同事", "department": "5", "roles": ["staff"],
        "password": "Clerk2026", "active": "y",
    })
    assert response.status_code == 302
    clerk = app.test_client()
    assert clerk.login("newclerk", "Clerk2026").status_code == 302
    clerk.post("/account/password", data={"current": "Clerk2026", "new": "Mine2026x", "confirm": "Mine2026x"})
    assert "新同事" in clerk.get("/").get_data(as_text=True)
    with database.connection_context():
        assert AuditEvent.select().where(AuditEvent.action == "user.created").count() == 1


def test_bad_user_input_changes_nothing(login, db):
    admin = login("admin")
    before = User.select().count()
    cases = [
        ({"username": "office", "name": "重名", "department": "5", "roles": ["staff"], "password": "Clerk2026"}, "已被使用"),
        ({"username": "x1", "name": "无角色", "department": "5", "password": "Clerk2026"}, "请至少选择一个角色"),
        ({"username": "x2", "name": "弱密码", "department": "5", "roles": ["staff"], "password": "abc"}, "密码至少需要8个字符"),
        ({"username": "坏 名字", "name": "x", "department": "5", "roles": ["staff"], "password": "Clerk2026"}, "用户名只能包含"),
        ({"username": "x3", "name": "", "department": "5", "roles": ["staff"], "password": "Clerk2026"}, "请输入姓名"),
    ]
    for data, message in cases:
        page = admin.post("/admin/users/new", data=data).get_data(as_text=True)
        assert message in page, message
    assert User.select().count() == before


def test_admin_deactivates_and_resets_password(login, app, db):
    admin = login("admin")
    staff = User.get(User.username == "staff")
    admin.post(f"/admin/users/{staff.id}", data={
        "username": "staff", "name": staff.name, "department": str(staff.department_id), "roles": ["staff"],
    })  # no "active": unchecked box
    assert app.test_client().login("staff").status_code == 200  # refused
    admin.post(f"/admin/users/{staff.id}", data={
        "username": "staff", "name": staff.name, "department": str(staff.department_id), "roles": ["staff"], "active": "y",
    })
    admin.post(f"/admin/users/{staff.id}/password", data={"password": "Reset2026x"})
    assert app.test_client().login("staff", "Reset2026x").status_code == 302


def test_the_last_admin_cannot_be_deactivated(login, db):
    admin_user = User.get(User.username == "admin")
    page = login("admin").post(f"/admin/users/{admin_user.id}", data={
        "username": "admin", "name": admin_user.name, "department": str(admin_user.department_id), "roles": ["admin"],
    }).get_data(as_text=True)
    assert "唯一启用的系统管理员" in page
    assert User.get_by_id(admin_user.id).active


def test_admin_adds_a_department(login, db):
    admin = login("admin")
    admin.post("/admin/departments", data={"name": "审计科", "kind": "office", "sort_order": "200", "active": "y"})
    assert Department.get(Department.name == "审计科").kind == "office"
    page = admin.post("/admin/departments", data={"name": "审计科", "kind": "office"}).get_data(as_text=True)
    assert "已存在" in page
    assert "审计科" in login("staff").get("/departments").get_data(as_text=True)


def test_demo_names_are_invented(app):
    text = (Path(__file__).parents[2] / "docs" / "regulations.txt").read_text(encoding="utf-8")
    assert "网络舆情" in text
    for _, name, _, _ in USERS:
        assert name not in text, name
