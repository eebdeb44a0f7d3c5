"""Shared test fixtures (loaded for tests/ and plugins/ by the root conftest.py): a real database per test (SQLite by default; PostgreSQL when
PORTAL_TEST_DATABASE_URL is set), the demo organisation, and a client per role."""
import os
import re
import shutil

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


_postgres_url = None  # this test session's own PostgreSQL database, when testing on PostgreSQL


@pytest.fixture(scope="session", autouse=True)
def postgres_database():
    """With PORTAL_TEST_DATABASE_URL set, a database of this session's own, dropped at the end:
    test runs in parallel (or a developer's beside CI) never drop each other's tables."""
    global _postgres_url
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
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    _postgres_url = urlunsplit(parts._replace(path="/" + name))
    yield _postgres_url
    if not database.is_closed():
        database.close()
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()
    _postgres_url = None


def _reset_postgres(app):
    models = app.extensions["portal_models"]
    with database.connection_context():
        database.drop_tables(models, safe=True, cascade=True)
        init_schema(app)
        with app.app_context():
            create_demo()


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
    url = _postgres_url
    if not url:
        shutil.copy(demo_template, instance / "portal.db")
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
