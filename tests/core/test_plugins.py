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
        database.drop_tables(plugin_app.extensions["portal_models"])
        database.create_tables(plugin_app.extensions["portal_models"])
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
    with pytest.raises(PluginError, match="sample.read.*重复定义"):
        create_app({"INSTANCE_PATH": str(tmp_path / "inst")})


def test_plugin_panel_and_action_appear_on_the_case_page(plugin_app, login):
    office = login("office")
    page = office.get("/cases/1").get_data(as_text=True)
    assert 'hx-get="/sample/cases/1/panel"' in page and "示例面板" in page
    assert 'href="/sample/hello?case=1"' in page and "示例操作" in page
    assert "示例面板：事项1" in office.get("/sample/cases/1/panel").get_data(as_text=True)


def test_plugin_badges_and_filters_on_the_case_list(plugin_app, login):
    office = login("office")
    page = office.get("/cases/").get_data(as_text=True)
    assert "示例徽标" in page and "示例筛选" in page
    filtered = office.get("/cases/?sample_secrecy=internal", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "共 2 件" in filtered and "网传某煤矿发生透水事故" in filtered
    assert f"共 {len(CASES) + 1} 件" in office.get("/cases/?sample_secrecy=bogus", headers={"HX-Request": "true"}).get_data(as_text=True)


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
