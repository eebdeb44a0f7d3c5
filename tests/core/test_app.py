from portal import create_app


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert len(first.secret_key) == 64
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert create_app({"INSTANCE_PATH": str(tmp_path / "other")}).secret_key != first.secret_key


def test_sessions_survive_a_restart(tmp_path, demo_template):
    from tests.fixtures import make_app

    app = make_app(tmp_path, demo_template)
    client = app.test_client()
    client.login("office")
    restarted = create_app({"INSTANCE_PATH": app.instance_path, "DATABASE_URL": app.config["DATABASE_URL"]})
    again = restarted.test_client()
    again.set_cookie("session", client.get_cookie("session").value)
    assert again.get("/").status_code == 200


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_DEADLINE_MODE", "working")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["DEADLINE_MODE"] == "working"
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'portal.db'}"


def test_sqlite_runs_in_wal_with_foreign_keys(app):
    from portal.db import database

    with database.connection_context():
        if database.__class__.__name__.startswith("Sqlite"):
            assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
            assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 10000


def test_pages_are_chinese_and_serve_htmx_locally(login):
    client = login("office")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "/static/vendor/htmx/htmx.min.js" in page and "https://" not in page
    js = client.get("/static/vendor/htmx/htmx.min.js")
    assert js.status_code == 200 and b"htmx" in js.data[:2000]
    assert client.get("/static/vendor/htmx/LICENSE").status_code == 200


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_not_found_page_is_chinese(login):
    response = login("office").get("/no/such/page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


def test_every_route_declares_who_may_use_it(app):
    undeclared = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint != "static" and not hasattr(view, "portal_access"):
            undeclared.append(rule.rule)
    assert undeclared == []


def test_the_layouts_links_follow_the_path_the_portal_is_served_under(tmp_path, demo_template):
    """The layout's links are kept once made (portal/__init__.py url_for), per script root: a
    portal served at /yuqing behind a proxy and at / links its assets and pages under each."""
    from tests.fixtures import make_app

    client = make_app(tmp_path, demo_template).test_client()
    client.login("office")
    for root in ("", "/yuqing", "", "/yuqing"):
        page = client.get("/cases/", environ_overrides={"SCRIPT_NAME": root}).get_data(as_text=True)
        assert f'href="{root}/static/css/portal.css"' in page and f'href="{root}/account/password"' in page, root
        assert ('href="/static/' in page) == (root == "")
