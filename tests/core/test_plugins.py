import sys

import pytest
from click.testing import CliRunner

from portal import create_app
from portal.auth.permissions import PluginError
from portal.cases.demo import CASES  # twelve, and the 涉密 register entry
from portal.db import database, now
from tests.fixtures import make_app
from tests.core.plugin_helpers import install_sample_plugin


@pytest.fixture
def plugin_app(tmp_path, demo_template, monkeypatch):
    install_sample_plugin(tmp_path / "site", monkeypatch)
    return make_app(tmp_path, demo_template)


def test_entry_point_plugin_is_loaded_with_its_version(plugin_app, login):
    infos = {p.name: p for p in plugin_app.extensions["portal_plugins"]}
    assert infos["sample"].version == "1.2.3" and not infos["sample"].disabled
    page = login("admin").get("/admin/plugins").get_data(as_text=True)
    assert "sample" in page and "1.2.3" in page and "已加载" in page


def test_plugin_contributes_nav_widget_section_route_and_permission(plugin_app, login):
    office = login("office")
    home = office.get("/").get_data(as_text=True)
    assert "示例插件菜单" in home and "示例小组件" in home
    assert office.get("/sample/hello").get_data(as_text=True) == "来自示例插件的问候"
    dept_page = office.get("/departments/4").get_data(as_text=True)
    assert "示例栏目：电力科" in dept_page
    # the permission it registered is enforced: a monitor does not hold it
    assert login("monitor").get("/sample/hello").status_code == 403
    assert "sample.read" in plugin_app.extensions["portal_permissions"]


def test_plugin_table_is_created_and_demo_data_written(plugin_app):
    from portal_sample_plugin import SampleNote
    from portal.demo import create_demo

    with database.connection_context():
        assert "sample_note" in database.get_tables()
        from portal.cases import search
        from portal.db import is_sqlite

        if not is_sqlite():  # PostgreSQL's search table refers to the cases: made again with them
            database.execute_sql(f"DROP TABLE IF EXISTS {search.TABLE}")
        database.drop_tables(plugin_app.extensions["portal_models"])
        database.create_tables(plugin_app.extensions["portal_models"])
        search.create()
        with plugin_app.app_context():
            assert create_demo() is True
        notes = [n.text for n in SampleNote.select()]
        assert "演示便签" in notes
        # the demo cases went through the workflow, which called portal_case_event at each step
        year = now().year
        assert f"YQ-{year}-0001:registered" in notes and f"YQ-{year}-0002:reported" in notes


def test_plugin_cli_command(tmp_path, monkeypatch):
    install_sample_plugin(tmp_path / "site", monkeypatch)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "inst"))
    from portal.cli import build_cli

    result = CliRunner().invoke(build_cli(), ["sample-hello"])
    assert result.exit_code == 0, result.output
    assert "示例命令已运行" in result.output


def test_disabled_plugin_is_not_imported(tmp_path, demo_template, monkeypatch):
    module = install_sample_plugin(tmp_path / "site", monkeypatch)
    app = make_app(tmp_path, demo_template, DISABLED_PLUGINS="sample")
    assert module not in sys.modules
    infos = {p.name: p for p in app.extensions["portal_plugins"]}
    assert infos["sample"].disabled
    assert "sample.read" not in app.extensions["portal_permissions"]
    client = app.test_client()
    client.login("office")
    assert "示例插件菜单" not in client.get("/").get_data(as_text=True)
    assert client.get("/sample/hello").status_code == 404


def test_disabled_by_environment_variable(tmp_path, demo_template, monkeypatch):
    install_sample_plugin(tmp_path / "site", monkeypatch)
    monkeypatch.setenv("PORTAL_DISABLED_PLUGINS", "sample, other")
    app = make_app(tmp_path, demo_template)
    assert {p.name for p in app.extensions["portal_plugins"] if p.disabled} == {"sample"}


def test_duplicate_permission_stops_the_start(tmp_path, monkeypatch):
    install_sample_plugin(tmp_path / "a", monkeypatch)
    install_sample_plugin(tmp_path / "b", monkeypatch, name="sample_copy", module="portal_sample_copy")
    with pytest.raises(PluginError, match="角色“sample_discipline”被重复定义"):  # its role clashes first
        create_app({"INSTANCE_PATH": str(tmp_path / "inst")})
    from portal.auth.permissions import Permission, build_registry

    with pytest.raises(PluginError, match="sample.read.*重复定义"):
        build_registry([[Permission("sample.read", "甲", ("office",))], [Permission("sample.read", "乙")]])


def test_plugin_panel_and_action_appear_on_the_case_page(plugin_app, login):
    office = login("office")
    page = office.get("/cases/1").get_data(as_text=True)
    assert 'hx-get="/sample/cases/1/panel"' in page and "示例面板" in page
    assert 'href="/sample/hello?case=1"' in page and "示例操作" in page
    assert "示例面板：事项1" in office.get("/sample/cases/1/panel").get_data(as_text=True)


def test_plugin_stylesheet_is_linked_in_the_head_of_every_page(plugin_app, login, client):
    for page in (login("office").get("/").get_data(as_text=True), client.get("/login").get_data(as_text=True)):
        head = page.split("</head>")[0]
        assert head.count('<link rel="stylesheet" href="/sample/sample.css">') == 1
        assert head.index("portal.css") < head.index("/sample/sample.css")  # after the core's
    assert client.get("/sample/sample.css").mimetype == "text/css"


def test_plugin_badges_and_filters_on_the_case_list(plugin_app, login):
    office = login("office")
    page = office.get("/cases/").get_data(as_text=True)
    assert "示例徽标" in page and "示例筛选" in page
    filtered = office.get("/cases/?sample_secrecy=internal", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "共 2 件" in filtered and "网传某煤矿发生透水事故" in filtered
    assert f"共 {len(CASES) + 1} 件" in office.get("/cases/?sample_secrecy=bogus", headers={"HX-Request": "true"}).get_data(as_text=True)


def test_portal_tick_runs_the_core_then_every_plugin(tmp_path, monkeypatch):
    install_sample_plugin(tmp_path / "site", monkeypatch)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "inst"))
    from portal.cli import build_cli

    assert CliRunner().invoke(build_cli(), ["init-db"]).exit_code == 0
    result = CliRunner().invoke(build_cli(), ["tick"])
    assert result.exit_code == 0, result.output
    assert "超期 0 件" in result.output and "示例提醒 1 件" in result.output
    from portal_sample_plugin import SampleNote

    with database.connection_context():
        assert len([n for n in SampleNote.select() if n.text.startswith("tick:")]) == 1


def test_a_plugin_role_and_department_kind_can_be_assigned_by_the_administrator(plugin_app, login):
    from portal.org.models import Department, User

    admin = login("admin")
    form = admin.get("/admin/users/new").get_data(as_text=True)
    assert 'value="sample_discipline"' in form and "示例纪检员" in form
    assert 'value="sample_branch"' in admin.get("/admin/departments").get_data(as_text=True)
    response = admin.post("/admin/departments", data={"name": "机关第一党支部", "kind": "sample_branch",
                                                      "leader_in_charge": "0", "sort_order": "200", "active": "y"})
    assert response.status_code == 302
    with database.connection_context():
        branch = Department.get(Department.name == "机关第一党支部")
    assert branch.kind == "sample_branch"
    assert "示例党支部" in admin.get("/admin/departments").get_data(as_text=True)
    response = admin.post("/admin/users/new", data={
        "username": "jiwei", "name": "纪检干部", "department": str(branch.id), "roles": ["sample_discipline"],
        "password": "Clerk2026", "active": "y"})
    assert response.status_code == 302
    with database.connection_context():
        assert User.get(User.username == "jiwei").roles == ["sample_discipline"]
    assert "纪检干部" in admin.get("/admin/users").get_data(as_text=True)
    jiwei = plugin_app.test_client()
    assert jiwei.login("jiwei", "Clerk2026").status_code == 302
    jiwei.post("/account/password", data={"current": "Clerk2026", "new": "Mine2026x", "confirm": "Mine2026x"})
    assert jiwei.get("/sample/hello").status_code == 200  # the plugin's permission names its role
    assert jiwei.get("/cases/").status_code == 403  # and the core's never do
    # a branch is not a working unit: the leaders cannot assign it a case
    from tests.core.case_helpers import register

    case = register(login("monitor"))
    login("monitor").post(f"/cases/{case.id}/do/report", data={"version": "1"})
    page = login("leader").get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'name="host_department"' in page and ">电力科</option>" in page and "机关第一党支部" not in page


def test_without_the_plugin_its_role_and_kind_are_refused(login, db):
    from portal.org.models import Department, User

    admin = login("admin")
    refused = admin.post("/admin/departments", data={"name": "机关第一党支部", "kind": "sample_branch",
                                                     "leader_in_charge": "0", "active": "y"})
    assert refused.status_code == 200 and "示例党支部" not in refused.get_data(as_text=True)
    refused = admin.post("/admin/users/new", data={"username": "jiwei", "name": "纪检干部", "department": "5",
                                                   "roles": ["sample_discipline"], "password": "Clerk2026", "active": "y"})
    assert refused.status_code == 200 and "请选择列出的角色" in refused.get_data(as_text=True)
    assert not Department.select().where(Department.name == "机关第一党支部").exists()
    assert not User.select().where(User.username == "jiwei").exists()


def test_a_role_or_kind_declared_twice_stops_the_start():
    from portal.auth.permissions import ROLES, merge_codes

    with pytest.raises(PluginError, match="角色“office”被重复定义"):
        merge_codes(ROLES, [{"discipline": "机关纪委"}, {"office": "另一个办公室"}], "角色")
    assert merge_codes(ROLES, [{"discipline": "机关纪委"}, None], "角色")["discipline"] == "机关纪委"


def test_each_owner_registers_its_schema_set_up_and_the_database_layer_knows_none(plugin_app):
    import ast
    from pathlib import Path

    import portal.db
    from portal.db import init_schema

    tree = ast.parse(Path(portal.db.__file__).read_text(encoding="utf-8"))
    imported = {f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names}
    assert {name for name in imported if name.startswith("portal")} <= {
        "portal.clock", "portal.migrate", "portal.plugins.flatten"}  # no domain module
    assert "示例索引已就绪" in init_schema(plugin_app)  # the plugin's, beside the core's
    with database.connection_context():
        assert "sample_note_text" in [i.name for i in database.get_indexes("sample_note")]
        assert "case_search" in database.get_tables() or not portal.db.is_sqlite()


def test_a_plugin_guard_hides_a_step_with_its_reason_and_refuses_it_so(plugin_app, login):
    """portal_step_guards: the sample plugin refuses 催办 of a case whose title says 免催办."""
    from tests.core.case_helpers import drive, step

    why = "示例插件：标题含“免催办”的事项不能催办。"
    office = login("office")
    guarded, plain = drive(plugin_app, "免催办的事项"), drive(plugin_app, "普通事项")
    page = office.get(f"/cases/{guarded.id}").get_data(as_text=True)
    assert why in page and f"/cases/{guarded.id}/do/urge" not in page
    refused = step(office, guarded, "urge", message="请抓紧办理。")
    assert refused.status_code == 400 and why in refused.get_data(as_text=True)
    assert f"/cases/{plain.id}/do/urge" in office.get(f"/cases/{plain.id}").get_data(as_text=True)
    assert step(office, plain, "urge", message="请抓紧办理。").status_code == 302


def test_a_plugin_adds_a_step_to_the_cases_workflow(plugin_app, login):
    """portal_workflow_steps: the sample plugin's 当日答复 joins the case page, runs through the
    cases' own view (/cases/<id>/do/holding_reply) and obeys the workflow's rules."""
    from portal.audit import AuditEvent
    from portal.cases.models import Case
    from tests.core.case_helpers import drive, fetch, step

    def replies(case):
        with database.connection_context():
            return [e.summary for e in AuditEvent.select().where(
                (AuditEvent.object_type == "case") & (AuditEvent.object_id == case.id)
                & (AuditEvent.action == "sample.holding_reply"))]

    case = drive(plugin_app, "当日答复的事项", state="reported")
    office, monitor = login("office"), login("monitor")
    page = office.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/do/holding_reply" in page and "登记当日答复" in page and "答复内容" in page
    assert "/do/holding_reply" not in monitor.get(f"/cases/{case.id}").get_data(as_text=True)

    empty = step(office, case, "holding_reply", text=" ")
    assert empty.status_code == 400 and "请填写答复内容。" in empty.get_data(as_text=True) and not replies(case)
    long = step(office, case, "holding_reply", text="界" * 201)
    assert long.status_code == 400 and "答复内容不能超过200个字。" in long.get_data(as_text=True)
    assert f'name="text" rows="3">{"界" * 201}</textarea>' in long.get_data(as_text=True)  # kept as typed
    refused = step(monitor, case, "holding_reply", text="已收到，正在核实。")
    assert refused.status_code == 400 and "您没有对该事项当日答复的权限。" in refused.get_data(as_text=True)
    assert not replies(case)

    version = fetch(case.id).version
    taken = step(office, case, "holding_reply", text="已收到，正在核实。")
    assert taken.status_code == 302 and replies(case) == ["当日答复：已收到，正在核实。"]
    assert fetch(case.id).version == version + 1
    assert "已登记当日答复。" in office.get(f"/cases/{case.id}").get_data(as_text=True)
    stale = office.post(f"/cases/{case.id}/do/holding_reply", data={"version": str(version), "text": "再次答复"})
    assert stale.status_code == 409 and len(replies(case)) == 1

    with database.connection_context():
        Case.update(state="archived").where(Case.id == case.id).execute()
    page = office.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "/do/holding_reply" not in page
    archived = step(office, case, "holding_reply", text="归档后答复")
    assert archived.status_code == 400 and "该事项已立卷归档，不能再作任何修改。" in archived.get_data(as_text=True)
    assert len(replies(case)) == 1


def test_a_step_the_workflow_does_not_have_is_404(plugin_app, login):
    from tests.core.case_helpers import drive, step

    case = drive(plugin_app, "未知步骤", state="reported")
    assert step(login("office"), case, "no_such_step").status_code == 404
