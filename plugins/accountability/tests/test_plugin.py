"""The plugin as the portal sees it: found through its entry point, its role and unit kind
offered, its actions labelled; the portal works without it."""
from portal.testing import make_app

from plugins.accountability.tests.helpers import page


def test_the_plugin_declares_its_role_and_unit_kind(app, admin_client):
    assert app.extensions["portal_roles"]["discipline"] == "机关纪委"
    assert app.extensions["portal_department_kinds"]["party_branch"] == "党支部"
    assert "accountability" in {p.name for p in app.extensions["portal_plugins"]}
    assert "党支部" in page(admin_client, "/admin/departments")


def test_the_plugin_imports_only_the_public_api():
    import ast
    from pathlib import Path

    for path in Path(__file__).parents[1].rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("portal"):
                assert node.module in ("portal.plugin_api", "portal.testing"), (path, node.module)


def test_the_portal_works_without_the_plugin(tmp_path, demo_template):
    app = make_app(tmp_path, demo_template, DISABLED_PLUGINS="accountability")
    assert "accountability.view" not in app.extensions["portal_permissions"]
    office = app.test_client()
    assert office.login("office").status_code == 302
    home = page(office, "/")
    assert "责任制" not in home and "我的责任清单事项" not in home
    assert office.get("/accountability/").status_code == 404
    for url in ("/cases/", "/departments", "/circulars/", "/admin/audit"):
        assert office.get(url).status_code == 200, url
