"""The peewee database: SQLite by default, PostgreSQL through DATABASE_URL."""
import datetime as dt
import json
import logging
import os
from contextlib import contextmanager

import peewee
from flask import g
from playhouse.db_url import connect, parse
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase
from playhouse.shortcuts import ReconnectMixin

from portal import clock

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    # FULL: every commit is on disk (the WAL is fsynced) before the user is told it succeeded, so a
    # power cut loses nothing acknowledged. NORMAL survives a crash of the process but not of the
    # machine. The cost per write is measured by `make bench` (docs/performance.md).
    "synchronous": "full",
    "busy_timeout": 10000,
}


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


def now() -> dt.datetime:
    """The bureau's wall-clock time (``portal.clock``), naive: how every time is stored."""
    return clock.now()


class PostgresDatabase(ReconnectMixin, peewee.PostgresqlDatabase):
    """PostgreSQL through psycopg 3: parameters are bound by the server, and a statement a
    connection has run five times is prepared there and no longer parsed and planned (the
    planning was as long as the execution of most of a page's queries). A kept connection the
    server has closed (a restart) is opened again at the next statement outside a transaction."""
    reconnect_errors = (
        (peewee.OperationalError, "terminating connection"),
        (peewee.OperationalError, "server closed the connection"),
        (peewee.OperationalError, "consuming input failed"),
        (peewee.OperationalError, "the connection is closed"),
        (peewee.InterfaceError, "the connection is closed"),
        (peewee.InterfaceError, "connection already closed"),
    )


def open_database(url: str, pool_size: int = 10, keep_connection: bool = True) -> peewee.Database:
    """SQLite, or PostgreSQL (``postgresql://``): with ``keep_connection`` one connection per
    thread, kept; otherwise one taken from a pool of ``pool_size`` per request."""
    if url.startswith("sqlite"):
        # Every transaction takes the write lock at BEGIN: a read-then-write transaction
        # can then wait for another writer instead of failing with "database is locked".
        db = connect(url, pragmas=SQLITE_PRAGMAS, timeout=10, lock_type="IMMEDIATE")
    elif url.startswith(("postgres://", "postgresql://")):
        params = parse(url)
        database_name = params.pop("database")
        if keep_connection or pool_size <= 0:
            db = PostgresDatabase(database_name, prefer_psycopg3=True, **params)
        else:
            db = PooledPostgresqlDatabase(database_name, prefer_psycopg3=True, max_connections=pool_size,
                                          stale_timeout=300, timeout=30, **params)
    else:
        db = connect(url)
    previous = database.obj
    if previous is not None:  # another app of this process (tests) had its own connections
        if hasattr(previous, "close_all"):
            previous.close_all()
        elif not previous.is_closed():
            previous.close()
    database.initialize(db)
    return db


def init_app(app, models):
    """Bind the database to the app: one connection per worker thread, opened at its first query
    and kept (SQLite's PRAGMAs set once, PostgreSQL's prepared statements kept); with
    DATABASE_KEEP_CONNECTION false, one per request (PostgreSQL: from a pool)."""
    keep = app.config.get("DATABASE_KEEP_CONNECTION", True)
    db = open_database(app.config["DATABASE_URL"], int(app.config.get("DATABASE_POOL_SIZE") or 0), keep)
    app.extensions["portal_models"] = models
    if keep:
        _keep_connection(app, db)
        return

    @app.before_request
    def _connect():
        g.opened_db_connection = database.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        # Close only what this request opened: a CLI command or a test may hold its own.
        if g.pop("opened_db_connection", False) and not database.is_closed():
            database.close()


_inherited = []  # connections a forked child must neither use nor close (they are its parent's)


def _forget_after_fork():
    db = database.obj
    if db is not None and not isinstance(db, PooledDatabase) and not db.is_closed():
        _inherited.append(db._state.conn)
        db._state.reset()


os.register_at_fork(after_in_child=_forget_after_fork)


def _keep_connection(app, db):
    """Opening SQLite and setting its four PRAGMAs was 58% of /healthz and 10% of the case list
    (docs/performance.md). peewee keeps connection state per thread, and connects on the first
    query, so a page that reads nothing (/healthz) opens nothing."""
    @app.teardown_appcontext
    def _end_transaction(exc):
        # a request never leaves a transaction open for the next one on this connection
        if not db.is_closed() and not db._state.transactions and _open_transaction(db):
            db.rollback()


def _open_transaction(db) -> bool:
    conn = db._state.conn
    if isinstance(db, peewee.SqliteDatabase):
        return conn.in_transaction
    return db._adapter.txn_status(conn) != db._adapter.txn_idle


class Param(peewee.Node):
    """A named placeholder in a statement compiled once (``compiled``): its value is given at each
    execution and converted as the column it is compared with converts a value."""

    def __init__(self, name: str):
        self.name = name

    def __sql__(self, ctx):
        ctx._values.append(_Slot(self.name, ctx.state.converter))
        return ctx.literal(ctx.state.param or "?")


def params(name: str, values) -> tuple[list[Param], dict]:
    """Placeholders for a list of values (``column.in_(marks)``) and the values ``compiled`` takes
    for them: ``marks, values = params("id", ids)``. The SQL depends on the list's length, which
    goes in the statement's key. For ids, ``IdsIn`` keeps one statement for any length."""
    values = {f"{name}{n}": v for n, v in enumerate(values)}
    return [Param(slot) for slot in values], values


class IdsIn(peewee.Node):
    """``column`` among the ids given at each execution of a statement compiled once (``compiled``)
    as the one value ``name``: a list of any length in one placeholder, read by SQLite from JSON and
    by PostgreSQL as an array (50 placeholders, each converted, were 2% of the case list's CPU)."""

    def __init__(self, column, name: str):
        self.column, self.name = column, name

    def __sql__(self, ctx):
        sqlite = isinstance(database.obj, peewee.SqliteDatabase)
        ctx.sql(self.column).literal(" IN (SELECT value FROM json_each(" if sqlite else " = ANY(")
        ctx._values.append(_Slot(self.name, _json_ids if sqlite else list))
        return ctx.literal((ctx.state.param or "?") + ("))" if sqlite else ")"))


def _json_ids(ids) -> str:
    return json.dumps([int(i) for i in ids])


class _Slot:
    __slots__ = ("name", "converter")

    def __init__(self, name, converter):
        self.name, self.converter = name, converter


_compiled: dict = {}


def compiled(key, build, /, **values):
    """Run the query ``build()`` returns (with ``Param`` placeholders for ``values``), compiling it
    to SQL once per ``key`` and kind of database: peewee's compilation was most of the CPU of the
    per-request statements (docs/performance.md). Rows come as the query would give them (models,
    tuples, dicts). ``build`` must give the same SQL each time: what varies goes in a ``Param``
    (a list, whose length changes the SQL, does not; put its length in ``key``)."""
    db = database.obj
    entry = _compiled.get((key, type(db)))
    if entry is None:
        if len(_compiled) > 2000:  # keys are the code's own; a bound all the same
            _compiled.clear()
        query = build()
        sql, params = query.sql()
        entry = _compiled[(key, type(db))] = (query, sql, params)
    query, sql, params = entry
    args = [(p.converter(values[p.name]) if p.converter else values[p.name]) if type(p) is _Slot else p
            for p in params]
    return query._get_cursor_wrapper(db.execute_sql(sql, args))


def is_sqlite() -> bool:
    return isinstance(database.obj, peewee.SqliteDatabase)


def json_object_of(key, value):
    """An aggregate: the rows' ``{key: value}`` as one JSON column (read it with ``from_json``), so a
    statement can carry what would be a statement of its own (a round trip on PostgreSQL)."""
    return (peewee.fn.json_group_object if is_sqlite() else peewee.fn.json_object_agg)(key, value)


def from_json(value) -> dict:
    """A ``json_object_of`` column as a dict (its keys are text): SQLite gives the text, psycopg the
    decoded value, PostgreSQL NULL for no rows."""
    if value is None:
        return {}
    return json.loads(value) if isinstance(value, str) else value


def analyze(after_bulk_load=False):
    """Refresh the query planner's statistics. Without them SQLite picks a poor index for lists
    filtered by department (12 ms instead of 0.2 ms on 100,000 cases). With an analysis limit it
    samples each index instead of reading it whole: 5 ms on 100,000 cases."""
    if is_sqlite():
        database.execute_sql("PRAGMA analysis_limit=1000")
    elif after_bulk_load:
        # and the visibility map, without which PostgreSQL's index-only scans still read the table
        # (the dashboard: 34 ms, 19 ms after it, on 100,000 fresh cases). Outside any transaction.
        database.execute_sql("VACUUM ANALYZE")
        return
    database.execute_sql("ANALYZE")


def create_tables(models):
    with database.connection_context():
        database.create_tables(models, safe=True)


def init_schema(app, log=lambda text: None) -> list[str]:
    """Bring the schema up to date (``portal.migrate``), then run every owner's set-up
    (``portal_schema_setup``: the audit log's triggers, the case search index …).

    ``log`` is told each migration applied and what the set-ups reported
    (``已为 12 件事项建立全文检索索引。``); the reports are also returned.
    """
    from portal import migrate
    from portal.plugins import flatten

    applied = migrate.apply_pending(app, log)
    reports = []
    for setup in flatten(app.extensions["portal_pm"].hook.portal_schema_setup()):
        with database.connection_context():
            report = setup(app, applied)
        for line in [report] if isinstance(report, str) else list(report or []):
            log(line)
            reports.append(line)
    with database.connection_context():
        analyze()
    return reports


@contextmanager
def statements_run():
    """The SQL of every statement peewee runs inside the block, as a list (for tests and
    benchmarks: ``with statements_run() as seen: client.get(url)``, then ``len(seen)``)."""
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            seen.append(str(record.msg[0]) if isinstance(record.msg, tuple) else str(record.msg))

    logger, handler = logging.getLogger("peewee"), Collect(logging.DEBUG)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield seen
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
