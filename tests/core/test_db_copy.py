"""`portal db copy --to URL`: every table, plugins' included, from one database into an empty
other, verified by counts and checksums; the audit chain holds on the copy; new rows get new
ids there (sequences); a non-empty target is refused; there and back gives identical data.
Needs a PostgreSQL server: skipped with a message without one."""
import os
import secrets
from urllib.parse import urlsplit, urlunsplit

import pytest

from portal import create_app, dbcopy
from portal.bulk import generate
from portal.cases import workflow
from portal.cases.models import Case
from portal.db import database, now
from portal.org.models import User
from portal.uploads import Upload

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def empty_postgres():
    """Makes empty PostgreSQL databases of this test's own; drops them after."""
    import psycopg

    base = os.environ.get("PORTAL_TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1/postgres"
    try:
        admin = psycopg.connect(base, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL 不可用（{base}：{str(exc).strip()}）：跳过 portal db copy 的测试")
    admin.autocommit = True
    made = []

    def empty_database():
        name = f"copy_{os.getpid()}_{secrets.token_hex(3)}"
        admin.cursor().execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))

    yield empty_database
    if not database.is_closed():
        database.close()
    if hasattr(database.obj, "close_all"):
        database.close_all()
    for name in made:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


postgres = pytest.fixture(empty_postgres, name="postgres")


def _fill(app):
    with app.app_context(), database.connection_context():
        generate(50, seed=5, years=1, long_timeline_case=False)
        monitor = User.get(User.username == "monitor")
        case = workflow.register(monitor, title="储能电站选址听证", source="website", category="report",
                                 url="https://bbs.example.cn/copy/1", post_text="原帖：选址离村庄太近。",
                                 posted_at=now())
        workflow.attach(case, monitor, upload=Upload(PNG, "image/png", "截图.png"), kind="screenshot")
        # what PostgreSQL's COPY format must escape, copied as it is
        Case.update(post_text="反斜杠\\N、\\x00与\\\\，制表\t换行\n回车\r。").where(Case.id == case.id).execute()


def _digests(url, models):
    reader = dbcopy.Reader(url)
    try:
        return {m._meta.table_name: dbcopy.checksum(reader, m, [f.column_name for f in m._meta.sorted_fields])
                for m in models}
    finally:
        reader.close()


def test_there_and_back_gives_identical_data(app, postgres, tmp_path):
    from portal.migrate import SchemaMigration

    _fill(app)
    first = app.config["DATABASE_URL"]
    middle = postgres() if first.startswith("sqlite") else f"sqlite:///{tmp_path / 'middle.db'}"
    last = f"sqlite:///{tmp_path / 'last.db'}" if first.startswith("sqlite") else postgres()
    log = []
    with app.app_context():
        reports = dbcopy.copy(app, middle, log=log.append)
    tables = {r.table for r in reports}
    assert {"case", "audit_event", "attachment", "circulars_circular", "grading_grade", "job", "schema_migration"} <= tables
    assert any("全部一致" in line for line in log) and any("审计日志完整" in line for line in log)

    copied = create_app({"DATABASE_URL": middle, "INSTANCE_PATH": app.instance_path, "TESTING": True})
    with copied.app_context():
        with pytest.raises(dbcopy.CopyError, match="不是空的"):
            dbcopy.copy(copied, first)
        dbcopy.copy(copied, last)
    models = [SchemaMigration] + list(app.extensions["portal_models"])
    assert _digests(first, models) == _digests(last, models)

    # the copy is a working portal: a new case gets the next id and number, the search finds it
    with copied.app_context(), database.connection_context():
        before = Case.select().order_by(Case.id.desc()).first()
        case = workflow.register(User.get(User.username == "monitor"), title="光伏并网补贴迟迟未发放",
                                 source="website", category="report", url="https://bbs.example.cn/copy/2",
                                 post_text="补贴。", posted_at=now())
        assert case.id > before.id and case.number != before.number
    from tests.fixtures import PortalClient

    copied.test_client_class = PortalClient
    client = copied.test_client()
    assert client.login("office").status_code == 302
    assert case.number in client.get("/cases/?q=并网补贴").get_data(as_text=True)


def test_the_command_refuses_a_target_that_is_not_empty(app, postgres, monkeypatch):
    from click.testing import CliRunner

    from portal.cli import build_cli

    import psycopg

    target = postgres()
    with psycopg.connect(target) as conn:
        conn.cursor().execute("CREATE TABLE kept (id integer); INSERT INTO kept VALUES (1)")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("PORTAL_DATABASE_URL", app.config["DATABASE_URL"])
    result = CliRunner().invoke(build_cli(), ["db", "copy", "--to", target])
    assert result.exit_code != 0 and "不是空的（已有 1 张表）" in result.output and "拒绝复制" in result.output
    with psycopg.connect(target) as conn:
        cursor = conn.cursor()
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone() == (1,)  # nothing was written


SEARCHES = ["停电", "光伏板", "光伏并网", "并网后频繁停电", "ar 光伏", "停电 2026", "电"]


def test_both_databases_give_the_same_search_pages_and_counts(app, postgres, tmp_path, monkeypatch):
    """The same cases (copied over), searched on SQLite (FTS5) and on PostgreSQL (postings): the
    same cases on each page, in the same order, and the same counts, for each reader, with 2-, 3-
    and 4-character queries, a long one, mixed Latin and Chinese, and a single character."""
    from portal.cases import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 60)  # some counts capped, some not
    with app.app_context(), database.connection_context():
        generate(600, seed=11, years=1, long_timeline_case=False)
        monitor = User.get(User.username == "monitor")
        for n in range(4):  # near misses, hits, hidden hits
            workflow.register(monitor, title="伏并非如此，停而复电", post_text="光伏板很好，并网手续繁琐。", source="website",
                              category="report", url=f"https://n.example.cn/{n}", posted_at=now())
            workflow.register(monitor, title=f"Solar 光伏并网后频繁停电 2026-{n}", source="website", category="report",
                              url=f"https://h.example.cn/{n}", post_text="原帖。", posted_at=now(),
                              confidentiality="internal" if n % 2 else "normal")
    first = app.config["DATABASE_URL"]
    other = postgres() if first.startswith("sqlite") else f"sqlite:///{tmp_path / 'other.db'}"
    with app.app_context():
        dbcopy.copy(app, other)
    copied = create_app({"DATABASE_URL": other, "INSTANCE_PATH": app.instance_path, "TESTING": True})

    def results(some_app):
        found = {}
        with some_app.app_context(), database.connection_context():
            for username in ("office", "head", "monitor"):
                user = User.get(User.username == username)
                for q in SEARCHES:
                    for args in ({}, {"page": 2}, {"sort": "due"}):
                        page = queries.page(queries.CaseFilter(q=q, **args), user)
                        found[username, q, str(args)] = ([row.id for row in page.rows], page.total, page.capped)
        return found

    here, there = results(app), results(copied)
    assert here == there
    assert all(here["office", q, "{}"][1] > 0 for q in SEARCHES), {q: here["office", q, "{}"][1:] for q in SEARCHES}
    assert here["office", "电", "{}"][2] and here["office", "电", "{'page': 2}"][0]  # capped; a second page
