"""/admin/plugins as the administrator uses it: each plugin's version, hooks, permissions and
migrations; switching a plugin off and on (in force at the next start, which the page says);
the settings a plugin declares (portal_settings), edited on a form built from the declaration,
checked with every problem at once, stored and audited. The tally plugin (fixtures/) declares
one setting of each type."""
import shutil
import sys

import pytest

from portal import create_app
from portal.audit import AuditEvent
from portal.auth.permissions import PluginError
from portal.db import database
from portal.migrate import SchemaMigration
from portal.settings import Setting, SettingField, collect_fields
from tests.core.plugin_helpers import FIXTURES
from tests.fixtures import PortalClient, make_app


def install_tally(site, monkeypatch, version="0.4.0"):
    site.mkdir(parents=True, exist_ok=True)
    shutil.copytree(FIXTURES / "portal_tally_plugin", site / "portal_tally_plugin",
                    ignore=shutil.ignore_patterns("__pycache__"))
    dist = site / f"portal_tally_plugin-{version}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: portal-tally-plugin\nVersion: {version}\n")
    (dist / "entry_points.txt").write_text("[portal.plugins]\ntally = portal_tally_plugin\n")
    monkeypatch.syspath_prepend(str(site))
    for name in [m for m in sys.modules if m.startswith("portal_tally_plugin")]:
        monkeypatch.delitem(sys.modules, name)


@pytest.fixture
def tally_app(tmp_path, demo_template, monkeypatch):
    install_tally(tmp_path / "site", monkeypatch)
    return make_app(tmp_path, demo_template)


def restart(app, **config):
    """The portal started again on the same instance and database."""
    new = create_app({"INSTANCE_PATH": app.instance_path, "TESTING": True,
                      "DATABASE_URL": app.config["DATABASE_URL"], **config})
    new.test_client_class = PortalClient
    return new


def logged_in(app, username):
    client = app.test_client()
    assert client.login(username).status_code == 302
    return client


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def section(page, name):
    start = page.index(f'id="plugin-{name}"')
    return page[start:page.index("</section>", start)]


def audit_count():
    with database.connection_context():
        return AuditEvent.select().count()


def stored_settings():
    with database.connection_context():
        return {s.key: s.value for s in Setting.select()}


def test_the_page_shows_version_hooks_permissions_migrations_and_settings(tally_app):
    with database.connection_context():  # a migration the plugin shipped since: pending
        SchemaMigration.delete().where((SchemaMigration.owner == "tally")
                                       & (SchemaMigration.name == "0002_entry_index")).execute()
    card = section(text(logged_in(tally_app, "admin"), "/admin/plugins"), "tally")
    assert "0.4.0" in card and "已加载" in card and "portal_tally_plugin" in card
    for hook in ("portal_blueprints", "portal_models", "portal_migrations", "portal_permissions", "portal_settings"):
        assert f"<code>{hook}</code>" in card
    assert "查看风险台账" in card and "tally.view" in card and "默认：信息中心" not in card
    assert "已执行 1 项" in card and "待执行 1 项" in card and "0002_entry_index" in card
    assert "修改设置（5项）" in card and "/admin/plugins/tally/settings" in card


def test_switching_off_takes_effect_at_the_next_start(tally_app):
    admin = logged_in(tally_app, "admin")
    page = text(admin, "/admin/plugins")
    assert "下次重启后" in page and "待重启" not in section(page, "tally")
    before = audit_count()
    assert admin.post("/admin/plugins/tally/state", data={"enabled": "0"}).status_code == 302
    card = section(text(admin, "/admin/plugins"), "tally")
    # still running until the restart, and the page says what will happen
    assert "已加载" in card and "待重启：重启后停用" in card and "启用（撤销修改）" in card
    assert audit_count() == before + 1
    with database.connection_context():
        assert AuditEvent.select().order_by(AuditEvent.id.desc()).first().action == "plugin.disabled"
    assert logged_in(tally_app, "office").get("/tally/").status_code == 200
    # the next start leaves it out: no page, no permission, shown as switched off
    again = restart(tally_app)
    assert {p.name for p in again.extensions["portal_plugins"] if p.disabled} == {"tally"}
    assert "tally.view" not in again.extensions["portal_permissions"]
    assert logged_in(again, "office").get("/tally/").status_code == 404
    admin = logged_in(again, "admin")
    card = section(text(admin, "/admin/plugins"), "tally")
    assert "已停用" in card and "待重启" not in card and ">启用<" in card.replace("\n", "").replace(" ", "")
    # switched on again: pending until the next start, then back
    admin.post("/admin/plugins/tally/state", data={"enabled": "1"})
    assert "待重启：重启后启用" in section(text(admin, "/admin/plugins"), "tally")
    assert logged_in(restart(again), "office").get("/tally/").status_code == 200


def test_the_configuration_overrides_the_page(tally_app, monkeypatch):
    monkeypatch.setenv("PORTAL_DISABLED_PLUGINS", "tally")
    app = restart(tally_app)
    admin = logged_in(app, "admin")
    card = section(text(admin, "/admin/plugins"), "tally")
    assert "由配置" in card and "DISABLED_PLUGINS" in card and "<button" not in card
    response = admin.post("/admin/plugins/tally/state", data={"enabled": "1"}, follow_redirects=True)
    assert "须先在配置中去掉" in response.get_data(as_text=True)
    assert "plugins.disabled" not in stored_settings()
    assert {p.name for p in restart(app).extensions["portal_plugins"] if p.disabled} == {"tally"}


def test_settings_form_is_built_from_the_declaration(tally_app):
    admin = logged_in(tally_app, "admin")
    form = text(admin, "/admin/plugins/tally/settings")
    assert 'name="tally.title"' in form and 'value="安全生产舆情风险台账"' in form
    assert 'name="tally.per_page"' in form and 'value="20"' in form and "（5～100）" in form
    assert 'type="checkbox"' in form and 'name="tally.remind" value="1" checked' in form
    assert '<option value="quarter">每季度</option>' in form
    office = logged_in(tally_app, "office")
    assert "安全生产舆情风险台账" in text(office, "/tally/") and "提醒：开" in text(office, "/tally/")


def test_bad_settings_are_refused_all_at_once_and_change_nothing(tally_app):
    admin = logged_in(tally_app, "admin")
    before, events = stored_settings(), audit_count()
    response = admin.post("/admin/plugins/tally/settings", data={
        "tally.title": "  ", "tally.per_page": "２0", "tally.period": "weekly", "tally.code": "aq1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for problem in ("请填写“台账名称”。", "“每页条数”须为整数。", "请从列表中选择“汇总周期”。", "台账代码只能由大写英文字母组成。"):
        assert problem in page
    assert 'value="２0"' in page  # what was typed stays in the form
    assert stored_settings() == before and audit_count() == events
    too_many = admin.post("/admin/plugins/tally/settings", data={"tally.title": "台账", "tally.per_page": "101",
                                                                  "tally.period": "month", "tally.code": "AQ"})
    assert too_many.status_code == 400 and "“每页条数”不能大于100。" in too_many.get_data(as_text=True)


def test_settings_are_stored_audited_and_used(tally_app):
    admin = logged_in(tally_app, "admin")
    response = admin.post("/admin/plugins/tally/settings", data={
        "tally.title": "电力科舆情台账", "tally.per_page": "50", "tally.period": "quarter", "tally.code": "DL"})
    assert response.status_code == 302  # the unticked box: 提醒 switched off
    assert "已保存设置。" in text(admin, "/admin/plugins/tally/settings")
    page = text(logged_in(tally_app, "office"), "/tally/")
    assert "电力科舆情台账" in page and "每页：50条" in page and "提醒：关" in page and "周期：quarter" in page
    assert stored_settings()["tally.remind"] == "0"
    log = text(admin, "/admin/audit")
    assert "修改插件设置" in log and "修改插件 tally 的设置：台账名称、每页条数、每月提醒各科室更新台账、汇总周期、台账代码" in log
    # the same values again: nothing to record
    events = audit_count()
    admin.post("/admin/plugins/tally/settings", data={
        "tally.title": "电力科舆情台账", "tally.per_page": "50", "tally.period": "quarter", "tally.code": "DL"})
    assert audit_count() == events


def test_the_config_gives_a_setting_its_default(tally_app):
    app = restart(tally_app, TALLY_PER_PAGE=30)
    assert "每页：30条" in text(logged_in(app, "office"), "/tally/")
    assert 'value="30"' in text(logged_in(app, "admin"), "/admin/plugins/tally/settings")


def test_only_the_administrator_with_a_token(tally_app):
    before = stored_settings()
    good = {"tally.title": "改", "tally.per_page": "10", "tally.period": "month", "tally.code": "AQ"}
    for username in ("office", "leader", "head"):
        client = logged_in(tally_app, username)
        assert client.get("/admin/plugins/tally/settings").status_code == 403
        assert client.post("/admin/plugins/tally/settings", data=dict(good)).status_code == 403
        assert client.post("/admin/plugins/tally/state", data={"enabled": "0"}).status_code == 403
    admin = logged_in(tally_app, "admin")
    assert admin.post("/admin/plugins/tally/settings", data=dict(good), csrf=False).status_code == 400
    assert admin.post("/admin/plugins/tally/state", data={"enabled": "0"}, csrf=False).status_code == 400
    assert admin.get("/admin/plugins/nosuch/settings").status_code == 404
    assert stored_settings() == before


def test_a_bad_declaration_stops_the_start():
    import pluggy

    from portal import hookspecs

    def manager(*fields_by_plugin):
        pm = pluggy.PluginManager("portal")
        pm.add_hookspecs(hookspecs)
        for name, fields in fields_by_plugin:
            plugin = type(name, (), {"portal_settings": staticmethod(hookspecs.hookimpl(lambda f=fields: f))})
            pm.register(plugin, name=name)
        return pm

    with pytest.raises(PluginError, match="须以“tally.”开头"):
        collect_fields(manager(("tally", [SettingField("other.key", "甲")])))
    with pytest.raises(PluginError, match="被重复声明"):
        collect_fields(manager(("a", [SettingField("a.x", "甲")]), ("b", [SettingField("a.x", "乙")])))
    with pytest.raises(PluginError, match="类型“date”无效"):
        collect_fields(manager(("a", [SettingField("a.x", "甲", type="date")])))
