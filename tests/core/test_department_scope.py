"""A permission limited to departments: to members of named ones (``departments``), or to the
department whose page or object is in question (``scope="department"``), with roles that hold it
everywhere (``everywhere``). Menus, widgets and sections naming the permission follow it."""
import sys

import pytest

from portal.auth.permissions import Permission, PluginError, build_registry
from portal.org.models import Department
from tests.fixtures import make_app
from portal.testing import check_access

PLUGIN = '''
from flask import Blueprint
from markupsafe import Markup
from portal.plugin_api import NavItem, Permission, Section, Widget, hookimpl, requires

bp = Blueprint("ledger", __name__)


@bp.route("/")
@requires("ledger.view")
def index():
    return "电力科台账"


@bp.route("/departments/<int:department_id>")
@requires("ledger.own", department="department_id")
def own(department_id):
    return f"科室 {department_id} 的台账"


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_permissions():
    return [Permission("ledger.view", "查看电力科台账", ("dept_head", "staff", "liaison"), departments=("电力科",),
                       everywhere=("office", "leader")),
            Permission("ledger.own", "查看本科室台账", ("dept_head", "liaison"), scope="department",
                       everywhere=("office",))]


@hookimpl
def portal_nav_items(user):
    return NavItem("电力科台账", "/ledger/", permission="ledger.view")


@hookimpl
def portal_dashboard_widgets(user):
    return Widget("电力科台账摘要", Markup("<p>台账摘要</p>"), permission="ledger.view")


@hookimpl
def portal_department_sections(department, user):
    return Section("本科室台账", Markup("<p>本科室台账内容</p>"), permission="ledger.own")
'''


@pytest.fixture
def scoped_app(tmp_path, demo_template, monkeypatch):
    site = tmp_path / "site"
    (site / "ledger_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "ledger_plugin.py").write_text(PLUGIN)
    (site / "ledger_plugin-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: ledger-plugin\nVersion: 1.0\n")
    (site / "ledger_plugin-1.0.dist-info" / "entry_points.txt").write_text("[portal.plugins]\nledger = ledger_plugin\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "ledger_plugin", raising=False)
    return make_app(tmp_path, demo_template)


@pytest.fixture
def ids(scoped_app):
    from portal.db import database
    with database.connection_context():
        return {name: Department.get(Department.name == name).id for name in ("电力科", "煤炭科")}


GET = """
route                      anonymous admin leader office head staff liaison coal_head coal_liaison
/ledger/                   login     403   200    200    200  200   200     403       403
/ledger/departments/{电力科}  login     403   403    200    200  403   200     403       403
/ledger/departments/{煤炭科}  login     403   403    200    403  403   403     200       200
"""


def test_department_limited_routes(scoped_app, ids):
    assert check_access(scoped_app, GET, ids=ids) == []


def test_menu_widget_and_section_follow_the_scope(scoped_app, ids, login):
    power_head, coal_head = login("head"), login("coal_head")
    assert "电力科台账摘要" in power_head.get("/").get_data(as_text=True)
    home = coal_head.get("/").get_data(as_text=True)
    assert "电力科台账摘要" not in home and 'href="/ledger/"' not in home
    # the menu is kept per roles and department: the same roles elsewhere get their own
    assert 'href="/ledger/"' in power_head.get("/").get_data(as_text=True)
    assert "本科室台账内容" in power_head.get(f"/departments/{ids['电力科']}").get_data(as_text=True)
    assert "本科室台账内容" not in power_head.get(f"/departments/{ids['煤炭科']}").get_data(as_text=True)
    assert "本科室台账内容" in coal_head.get(f"/departments/{ids['煤炭科']}").get_data(as_text=True)
    assert "本科室台账内容" in login("office").get(f"/departments/{ids['煤炭科']}").get_data(as_text=True)


def test_a_scope_that_is_not_known_stops_the_start():
    with pytest.raises(PluginError, match="范围"):
        build_registry([[Permission("x.y", "某权限", ("staff",), scope="team")]])
    with pytest.raises(PluginError, match="不存在的角色"):
        build_registry([[Permission("x.y", "某权限", ("staff",), everywhere=("chief",))]])
