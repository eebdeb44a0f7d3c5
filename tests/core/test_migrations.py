"""Schema migrations: a bureau's database made before them (main of 2026-11-29, commit 49cb592,
with its demo data, in tests/data/legacy_49cb592) upgrades with nothing lost, on SQLite and on
PostgreSQL; a failing migration leaves the database as it was."""
import gzip
import os
import shutil
import sqlite3
import types
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from click.testing import CliRunner

from portal import audit, create_app, migrate
from portal.cases.models import Case
from portal.cli import build_cli
from portal.db import database, init_schema
from portal.migrate import MigrationError, SchemaMigration
from tests.fixtures import PortalClient

LEGACY = Path(__file__).parent.parent / "data" / "legacy_49cb592"
COUNTED = ["case", "audit_event", "grading_snapshot", "grading_grade", "circulars_circular",
           "circulars_recipient", "attachment", "notification", "user", "department"]


def _counts(query) -> dict:
    return {table: query(f'SELECT COUNT(*) FROM "{table}"') for table in COUNTED}


def _titles(query) -> dict:
    # 内部 cases keep their content; 涉密 ones may be emptied by a later migration (register only).
    return dict(query("SELECT number, title FROM \"case\" WHERE confidentiality <> 'secret'", rows=True))


def _sqlite_legacy(tmp_path):
    instance = tmp_path / "instance"
    shutil.copytree(LEGACY / "sqlite", instance)
    con = sqlite3.connect(instance / "portal.db")

    def query(sql, rows=False):
        result = con.execute(sql).fetchall()
        return result if rows else result[0][0]
    before = _counts(query), _titles(query)
    con.close()
    return {"INSTANCE_PATH": str(instance)}, before


def _postgres_legacy(tmp_path):
    import psycopg

    parts = urlsplit(os.environ["PORTAL_TEST_DATABASE_URL"])
    name = f"legacy_{os.getpid()}"
    admin = psycopg.connect(os.environ["PORTAL_TEST_DATABASE_URL"], autocommit=True)
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    admin.close()
    url = urlunsplit(parts._replace(path="/" + name))
    con = psycopg.connect(url, autocommit=True)
    cursor = con.cursor()
    cursor.execute(gzip.decompress((LEGACY / "postgresql" / "dump.sql.gz").read_bytes()).decode())
    cursor.execute("SET search_path = public")

    def query(sql, rows=False):
        cursor.execute(sql)
        result = cursor.fetchall()
        return result if rows else result[0][0]
    before = _counts(query), _titles(query)
    con.close()
    instance = tmp_path / "instance"
    shutil.copytree(LEGACY / "postgresql" / "documents", instance / "documents")
    return {"INSTANCE_PATH": str(instance), "DATABASE_URL": url}, before


@pytest.fixture
def legacy(tmp_path):
    """(an app on the legacy database, its row counts and titles before migrating)."""
    if os.environ.get("PORTAL_TEST_DATABASE_URL"):
        settings, before = _postgres_legacy(tmp_path)
    else:
        settings, before = _sqlite_legacy(tmp_path)
    app = create_app({**settings, "TESTING": True})
    app.test_client_class = PortalClient
    yield app, before
    if not database.is_closed():
        database.close()


def test_a_database_from_before_migrations_upgrades_intact(legacy):
    app, (counts, titles) = legacy
    init_schema(app)
    with app.app_context(), database.connection_context():  # (the audit key is the app's)
        def query(sql, rows=False):
            result = database.execute_sql(sql).fetchall()
            return result if rows else result[0][0]
        assert _counts(query) == counts
        assert _titles(query) == titles
        checked, broken = audit.verify()
        assert broken is None and checked == counts["audit_event"]
        stamped = {(r.owner, r.name) for r in SchemaMigration.select()}
    assert {("core", "0001_baseline"), ("grading", "0001_baseline"), ("circulars", "0001_baseline")} <= stamped
    assert all(applied for _, _, applied in migrate.status(app))
    # and the staff find their cases, grades and circulars as they left them
    client = app.test_client()
    client.login("leader")
    number, title = sorted(titles.items())[0]
    with database.connection_context():
        case_id = Case.get(Case.number == number).id
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert title in page
    assert "发文" in client.get("/circulars/").get_data(as_text=True)
    # migrating again is a no-op
    assert migrate.apply_pending(app) == []


def test_the_legacy_audit_events_keep_the_old_rule_and_new_ones_are_keyed(legacy):
    """Migration 0030 records the last unkeyed event (the audit table itself is never updated)."""
    from portal.audit import AuditEvent, AuditLegacy

    app, (counts, _) = legacy
    init_schema(app)
    with app.app_context(), database.connection_context():
        last = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
        assert audit.legacy_boundary() == last.id and AuditLegacy.get().last_hash == last.hash
        assert last.hash == last.content_hash(None)  # plain SHA-256, as the old release wrote it
        event = audit.record("user.updated", "迁移之后的第一条记录", actor=None)
        assert event.hash == event.content_hash(audit.key()) != event.content_hash(None)
        checked, broken = audit.verify()
        assert broken is None and checked == counts["audit_event"] + 1


def _fake_migrations(monkeypatch, extra):
    """The core's migrations with ``extra`` ((name, migrate function), …) appended."""
    real = migrate._load

    def load(package):
        found = real(package)
        if package == "portal.migrations":
            found += [(name, types.SimpleNamespace(migrate=fn)) for name, fn in extra]
        return found
    monkeypatch.setattr(migrate, "_load", load)


def test_a_failing_migration_leaves_the_database_as_it_was(legacy, monkeypatch):
    app, (counts, _) = legacy
    init_schema(app)
    import peewee

    def add_column(m):
        m.add_column("department", "motto", peewee.CharField(default=""))
        m.execute(f"UPDATE department SET name = name || {m.database.param}", ("（改）",), table="department")

    def fail(m):
        m.add_column("user", "nickname", peewee.CharField(default=""))
        raise RuntimeError("磁盘已满")
    _fake_migrations(monkeypatch, [("9998_add_motto", add_column), ("9999_fail", fail)])
    with pytest.raises(MigrationError) as refused:
        init_schema(app)
    assert "core/9999_fail" in str(refused.value) and "磁盘已满" in str(refused.value)
    with database.connection_context():
        assert "motto" not in {c.name for c in database.get_columns("department")}
        assert "nickname" not in {c.name for c in database.get_columns("user")}
        assert not database.execute_sql(f"SELECT 1 FROM department WHERE name LIKE {database.param}", ("%（改）",)).fetchall()
        assert not SchemaMigration.select().where(SchemaMigration.name.startswith("999")).exists()
    pending = [name for owner, name, applied in migrate.status(app) if not applied]
    assert pending == ["9998_add_motto", "9999_fail"]


def test_a_plugin_migration_may_not_touch_another_owners_table(app, monkeypatch):
    import peewee

    real = migrate._load

    def load(package):
        found = real(package)
        if package == "plugins.grading.migrations":
            found.append(("9999_touch_users", types.SimpleNamespace(
                migrate=lambda m: m.run(m.migrator.add_column("user", "grade", peewee.IntegerField(default=0))))))
        return found
    monkeypatch.setattr(migrate, "_load", load)
    with pytest.raises(MigrationError, match="不得修改其他模块的表“user”"):
        init_schema(app)
    with database.connection_context():
        assert "grade" not in {c.name for c in database.get_columns("user")}


def test_portal_migrate_lists_and_applies(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    if os.environ.get("PORTAL_TEST_DATABASE_URL"):
        pytest.skip("the command line is exercised on SQLite; the PostgreSQL run migrates the legacy database above")
    runner = CliRunner()
    fresh = runner.invoke(build_cli(), ["init-db"])
    assert fresh.exit_code == 0, fresh.output
    listed = runner.invoke(build_cli(), ["migrate", "--list"])
    assert "core" in listed.output and "grading" in listed.output and "0001_baseline" in listed.output
    assert "待执行" not in listed.output
    _fake_migrations(monkeypatch, [("9999_noop", lambda m: None)])
    assert "9999_noop" in runner.invoke(build_cli(), ["migrate", "--list"]).output
    applied = runner.invoke(build_cli(), ["migrate"])
    assert applied.exit_code == 0 and "已执行 1 个迁移" in applied.output, applied.output
    assert "没有待执行的迁移" in runner.invoke(build_cli(), ["migrate"]).output


def test_0040_gives_an_old_database_the_holiday_schedule_table(legacy):
    app, _ = legacy
    init_schema(app)
    with database.connection_context():
        assert "holiday_schedule" in database.get_tables()
    office = app.test_client()
    office.login("office")
    response = office.post("/admin/calendar", data={"action": "schedule", "year": "2027",
                                                     "rest": "2027-01-01 元旦", "work": ""}, follow_redirects=True)
    assert "已录入2027年节假日安排" in response.get_data(as_text=True)
