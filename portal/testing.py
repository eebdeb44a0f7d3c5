"""Fixtures for the portal's tests and every plugin's: a pytest plugin shipped with the portal.

Installed with the portal, it is loaded by pytest through the ``pytest11`` entry point, so a
plugin's test needs no conftest.py (docs/plugins.md, "Test it")::

    def test_the_register_opens(office_client):
        assert office_client.get("/safety/").status_code == 200

- ``app``: the portal with every installed plugin, on a database of the test's own — SQLite in a
  temporary folder, or PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` is set (a database per run,
  copied from a template for each test) — holding the demo organisation (portal/demo.py) and
  what each plugin's ``portal_demo_data`` adds. Demo password: ``DEMO_PASSWORD``.
- ``client``: anonymous; ``login("coal_head")``: a client logged in as any demo user;
  ``admin_client``, ``leader_client``, ``office_client``, ``monitor_client``, ``head_client``
  (电力科's head), ``staff_client``, ``liaison_client`` (电力科's): one per role. Each POST
  carries the CSRF token, as the browser's form does (``post(..., csrf=False)`` to leave it out).
- ``make_case(title, state="handling", host="电力科")``: a case driven through the real workflow
  to ``state`` (registered, reported, handling, awaiting_approval, replied, archived).
- ``db``: a connection for direct model queries; ``frozen_clock(at)`` stops the portal's clock.
- Every audit action a test records must have a Chinese label (``portal_audit_labels``).
"""
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
    import psycopg
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/') or 'test'}_{os.getpid()}"
    admin = psycopg.connect(base, autocommit=True)
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


def _reset_postgres():
    """A fresh copy of the template database for this test, made before the app starts (which
    reads the plugins switched off in it)."""
    if not database.is_closed():
        database.close()
    if hasattr(database.obj, "close_all"):
        database.close_all()  # the pool's connections to the database dropped below
    name, cursor = _postgres["name"], _postgres["admin"].cursor()
    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{name}_template"')


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
    if url:
        _reset_postgres()
    app = create_app(settings)
    app.test_client_class = PortalClient
    init_schema(app)  # on PostgreSQL: tables of plugins the template did not know (a test's own plugin)
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
    return lambda username: _logged_in(app, username)


def _logged_in(app, username):
    c = app.test_client()
    response = c.login(username)
    assert response.status_code == 302, response.get_data(as_text=True)
    return c


@pytest.fixture
def admin_client(app):
    return _logged_in(app, "admin")


@pytest.fixture
def leader_client(app):
    return _logged_in(app, "leader")


@pytest.fixture
def office_client(app):
    return _logged_in(app, "office")


@pytest.fixture
def monitor_client(app):
    return _logged_in(app, "monitor")


@pytest.fixture
def head_client(app):
    """电力科's head (科室负责人)."""
    return _logged_in(app, "head")


@pytest.fixture
def staff_client(app):
    return _logged_in(app, "staff")


@pytest.fixture
def liaison_client(app):
    """电力科's liaison (联络员)."""
    return _logged_in(app, "liaison")


CASE_STATES = ("registered", "reported", "handling", "awaiting_approval", "replied", "archived")


def drive(app, title, *, state="handling", host="电力科", posted_at=None):
    """A case driven through the real workflow, each step by its demo role, up to ``state``
    (one of ``CASE_STATES``), hosted by the department named ``host``."""
    from datetime import timedelta

    from portal.cases import workflow
    from portal.cases.models import Case
    from portal.db import now
    from portal.org.models import Department, User

    if state not in CASE_STATES:
        raise ValueError(f"state must be one of {CASE_STATES}")

    def user(username):
        return User.get(User.username == username)

    with app.app_context(), database.connection_context():
        host_id = Department.get(Department.name == host).id
        case = workflow.register(user("monitor"), title=title, source="website", url="", category="complaint",
                                 post_text=f"{title}（测试原帖）", posted_at=posted_at or now() - timedelta(hours=1))
        if state == "registered":
            return Case.get_by_id(case.id)
        workflow.report(case, user("monitor"), version=case.version)
        if state == "reported":
            return Case.get_by_id(case.id)
        workflow.assign(case, user("leader"), version=case.version, host_department_id=host_id,
                        instruction="请核实后答复。")
        if state in ("awaiting_approval", "replied", "archived"):
            handler = User.get(User.department == host_id)
            workflow.submit_reply(case, handler, version=case.version, findings="已核实。", text="网友您好：已处理。")
        if state in ("replied", "archived"):
            workflow.approve(case, user("leader"), version=case.version)
            workflow.record_reply(case, user("office"), version=case.version, reply_url="https://bbs.example.cn/r",
                                  replied_at=min(case.posted_at + timedelta(days=1), now()))
        if state == "archived":
            workflow.archive(case, user("office"), version=case.version, confirmed=True)
        return Case.get_by_id(case.id)


@pytest.fixture
def make_case(app):
    """``make_case("某小区停电", state="replied", host="煤炭科")``: a case in that state."""
    def _make(title="反映某小区停电", **options):
        return drive(app, title, **options)
    return _make


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


def outcome(response) -> str:
    """A response as an access-table cell: its status, ``login`` (sent to log in), ``home``
    (sent home) or ``ok`` (any other redirect: a POST that was let through)."""
    if response.status_code in (302, 303):
        location = response.headers["Location"]
        return "login" if location.startswith("/login") else ("home" if location == "/" else "ok")
    return str(response.status_code)


def check_access(app, table: str, *, method="GET", ids=None, data=None) -> list[str]:
    """Check an access table; returns the cells that differ (empty: all as written).

    The header is ``route`` and then demo usernames (or ``anonymous``); each row a route (with
    ``{name}`` filled from ``ids``) and the expected cell per user, as ``outcome`` writes it.
    For POST, ``ok`` stands for anything the access check lets through (the step itself may
    refuse the input); each row gets fresh sessions."""
    lines = [line.split() for line in table.strip().splitlines()]
    users, wrong = lines[0][1:], []
    for route, *cells in lines[1:]:
        clients = {user: app.test_client() if user == "anonymous" else _logged_in(app, user) for user in users}
        for user, want in zip(users, cells):
            client, url = clients[user], route.format(**(ids or {}))
            response = client.get(url) if method == "GET" else client.post(url, data=dict(data or {}))
            got = outcome(response)
            if method != "GET" and want == "ok" and got not in ("login", "403", "404"):
                got = "ok"
            if got != want:
                wrong.append(f"{method} {route} as {user}: expected {want}, got {got}")
    return wrong
