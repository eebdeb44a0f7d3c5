"""Shared test fixtures (loaded for tests/ and plugins/ by the root conftest.py): a real database per test (SQLite by default; PostgreSQL when
PORTAL_TEST_DATABASE_URL is set), the demo organisation, and a client per role."""
import os
import re
import shutil
import tempfile

import pytest
from flask.testing import FlaskClient

from portal import create_app
from portal.db import database, init_schema
from portal.demo import DEMO_PASSWORD, create_demo

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


class PortalClient(FlaskClient):
    """A test client that sends the CSRF token with every POST, as the browser form does."""

    def csrf_token(self) -> str:
        page = self.get("/login", follow_redirects=True).get_data(as_text=True)
        match = TOKEN.search(page)
        assert match, "no CSRF token on the page"
        return next(g for g in match.groups() if g)

    def post(self, *args, csrf=True, **kwargs):
        if csrf:
            data = kwargs.setdefault("data", {})
            if isinstance(data, dict) and "csrf_token" not in data:
                data["csrf_token"] = self.csrf_token()
        return super().post(*args, **kwargs)

    def login(self, username, password=DEMO_PASSWORD):
        return self.post("/login", data={"username": username, "password": password})


_postgres = {}  # this session's PostgreSQL: its url, database name and an admin connection


@pytest.fixture(scope="session", autouse=True)
def postgres_database():
    """With PORTAL_TEST_DATABASE_URL set, a database of this session's own, dropped at the end
    (parallel runs never drop each other's tables), re-made for each test from a template that
    holds the schema and the demo data, built once: copying it is much faster than the demo."""
    base = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not base:
        yield None
        return
    import psycopg2
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'test'}_{os.getpid()}"
    admin = psycopg2.connect(base)
    admin.autocommit = True
    for db_name in (name, f"{name}_template"):
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        admin.cursor().execute(f'CREATE DATABASE "{db_name}"')
    template_url = urlunsplit(parts._replace(path=f"/{name}_template"))
    app = create_app({"DATABASE_URL": template_url, "TESTING": True,
                      "INSTANCE_PATH": tempfile.mkdtemp(prefix="pg-template-")})
    init_schema(app)
    with app.app_context(), database.connection_context():
        create_demo()
    _postgres.update(url=urlunsplit(parts._replace(path="/" + name)), name=name, admin=admin,
                     audit_key=app.config["AUDIT_KEY"])
    yield _postgres["url"]
    if not database.is_closed():
        database.close()
    for db_name in (name, f"{name}_template"):
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    admin.close()
    _postgres.clear()


def _reset_postgres(app):
    """A fresh copy of the template database for this test."""
    if not database.is_closed():
        database.close()
    if hasattr(database.obj, "close_all"):
        database.close_all()  # the pool's connections to the database dropped below
    name, cursor = _postgres["name"], _postgres["admin"].cursor()
    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{name}_template"')
    init_schema(app)  # tables of plugins the template did not know (a test's own plugin)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """A SQLite database with the demo organisation, built once: hashing passwords is slow."""
    instance = tmp_path_factory.mktemp("template")
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
    with app.app_context():
        init_schema(app)
        with database.connection_context():
            create_demo()
    return instance / "portal.db"


def make_app(tmp_path, demo_template, **config):
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    url = _postgres.get("url")
    if not url:
        shutil.copy(demo_template, instance / "portal.db")
    # the key the template's audit events were hashed with travels with them
    key = _postgres["audit_key"] if url else demo_template.with_name("audit_key").read_text()
    (instance / "audit_key").write_text(key)
    (instance / "audit_key").chmod(0o600)
    settings = {"INSTANCE_PATH": str(instance), "TESTING": True}
    if url:
        settings["DATABASE_URL"] = url
    settings.update(config)
    app = create_app(settings)
    app.test_client_class = PortalClient
    if url:
        _reset_postgres(app)
    else:
        init_schema(app)
    return app


@pytest.fixture
def app(tmp_path, demo_template):
    return make_app(tmp_path, demo_template)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(app):
    """``login("office")`` returns a client logged in as that demo user."""
    def _login(username):
        c = app.test_client()
        response = c.login(username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return c
    return _login


@pytest.fixture
def db(app):
    """A connection for direct model queries. No app context: requests made by the
    test client must each get their own ``g``, as in production."""
    with database.connection_context():
        yield database


@pytest.fixture
def frozen_clock():
    """``frozen_clock(at)`` stops the portal's clock (portal.clock) at ``at``: an aware instant,
    or a naive Beijing wall-clock time. It runs again after the test."""
    from portal import clock

    yield clock.freeze
    clock.thaw()


@pytest.fixture(autouse=True)
def audit_actions_have_labels(monkeypatch):
    """Every action recorded by any test, of the core or a plugin, has a Chinese label for the
    audit log (``portal_audit_labels``)."""
    from portal import audit, audit_labels

    real, missing = audit.record, set()

    def record(action, *args, **kwargs):
        if action not in audit_labels.labels():
            missing.add(action)
        return real(action, *args, **kwargs)
    monkeypatch.setattr(audit, "record", record)
    yield
    assert not missing, f"审计事件没有中文名称（在 portal/audit_labels.py 或插件的 portal_audit_labels 中补上）：{sorted(missing)}"
