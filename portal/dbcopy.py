"""`portal db copy --to URL`: move a bureau's data to another database (SQLite → PostgreSQL, and back).

The source is read in one transaction (a consistent snapshot while the portal runs: SQLite's
WAL readers, PostgreSQL's REPEATABLE READ). The target must be empty; it gets the current
schema (migrations marked applied, the set-ups: audit triggers, search index), then every
model's table, the core's and the plugins', row by row through the models' fields (SQLite's
0/1 become booleans, its text times timestamps). Sequences are moved past the copied ids; the
search index is rebuilt. Then every table is counted and checksummed on both sides
(SHA-256 over the rows in key order, values normalised) and must agree.
"""
from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import sqlite3
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import peewee

BATCH = 2000


class CopyError(Exception):
    """The copy cannot be made or did not verify; the message is for the administrator."""


@dataclass
class TableReport:
    table: str
    rows: int
    checksum: str


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_file(url: str) -> str:
    return url.split("sqlite:///", 1)[1]


class Reader:
    """A read-only snapshot of a database through DB-API (not the portal's bound database)."""

    def __init__(self, url: str):
        self.sqlite = _is_sqlite(url)
        if self.sqlite:
            self.conn = sqlite3.connect(f"file:{_sqlite_file(url)}?mode=ro", uri=True, isolation_level=None)
            self.conn.execute("BEGIN")  # the snapshot starts at the first read and holds to the end
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        else:
            import psycopg

            self.conn = psycopg.connect(url)
            self.conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            self.conn.read_only = True

    def tables(self) -> set[str]:
        if self.sqlite:
            rows = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        else:
            cur = self.conn.cursor()
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            rows = cur.fetchall()
        return {r[0] for r in rows}

    def rows(self, model, columns, raw=False):
        """The table's rows in key order, in batches, as the model's Python values (``raw``: as
        the driver gives them)."""
        table = model._meta.table_name
        names = ", ".join(f'"{c}"' for c in columns)
        order = ", ".join(f'"{f.column_name}"' for f in _key_fields(model))
        sql = f'SELECT {names} FROM "{table}" ORDER BY {order}'
        # PostgreSQL: a server-side cursor, or the driver would hold the whole table in memory
        cur = self.conn.cursor() if self.sqlite else self.conn.cursor(name=f"copy_{table}")
        try:
            cur.execute(sql)
            fields = [model._meta.columns[c] for c in columns]
            while batch := cur.fetchmany(BATCH):
                yield batch if raw else [tuple(_python(f, v) for f, v in zip(fields, row)) for row in batch]
        finally:
            cur.close()

    def close(self):
        try:
            self.conn.rollback()
        finally:
            self.conn.close()


def _key_fields(model):
    pk = model._meta.primary_key
    if isinstance(pk, peewee.CompositeKey):
        return [model._meta.fields[name] for name in pk.field_names]
    return [pk] if pk else model._meta.sorted_fields


def _python(field, value):
    if value is None:
        return None
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(field, peewee.BlobField):
        return bytes(value)
    if isinstance(field, peewee.ForeignKeyField):
        return field.rel_field.python_value(value)
    return field.python_value(value)


def _canonical(value) -> bytes:
    """One spelling of a value whichever database it came from."""
    if value is None:
        return b"\x00N"
    if isinstance(value, bool):
        return b"\x00B1" if value else b"\x00B0"
    if isinstance(value, bytes):
        return b"\x00X" + value
    if isinstance(value, dt.datetime):
        return b"\x00T" + value.replace(tzinfo=None).isoformat(sep=" ").encode()
    if isinstance(value, (dt.date, dt.time)):
        return b"\x00D" + value.isoformat().encode()
    if isinstance(value, float):
        return b"\x00F" + repr(value).encode()
    if isinstance(value, decimal.Decimal):
        return b"\x00M" + str(value.normalize()).encode()
    return b"\x00S" + str(value).encode("utf-8")


def _canonical_of(field):
    """``_canonical(_python(field, value))`` for one column, from the driver's value: text and
    whole numbers, most of a bureau's values, are the same in both drivers and skip the field."""
    plain = (peewee.CharField, peewee.TextField, peewee.IntegerField, peewee.BigIntegerField, peewee.AutoField)
    if type(field) in plain or (isinstance(field, peewee.ForeignKeyField) and type(field.rel_field) in plain):
        return lambda v: b"\x00N" if v is None else b"\x00S" + str(v).encode("utf-8")
    return lambda v: _canonical(_python(field, v))


def checksum(reader: Reader, model, columns) -> TableReport:
    digest, count = hashlib.sha256(), 0
    canonical = [_canonical_of(model._meta.columns[c]) for c in columns]
    for batch in reader.rows(model, columns, raw=True):
        for row in batch:
            digest.update(b"\x01".join([c(v) for c, v in zip(canonical, row)]) + b"\x02")
        count += len(batch)
    return TableReport(model._meta.table_name, count, digest.hexdigest())


def target_tables(url: str) -> set[str]:
    if _is_sqlite(url):
        from pathlib import Path

        path = Path(_sqlite_file(url))
        if not path.exists() or path.stat().st_size == 0:
            return set()
    reader = Reader(url)
    try:
        return reader.tables()
    finally:
        reader.close()


def describe(url: str) -> str:
    if _is_sqlite(url):
        return f"SQLite {_sqlite_file(url)}"
    parts = urlsplit(url)
    return f"PostgreSQL {parts.hostname or 'localhost'}{':' + str(parts.port) if parts.port else ''}{parts.path}"


def copy(source_app, target_url: str, log=lambda text: None) -> list[TableReport]:
    """Copy the database of ``source_app`` into the empty database at ``target_url``; verify."""
    from portal import create_app
    from portal.db import analyze, database, init_schema, is_sqlite
    from portal.migrate import SchemaMigration

    source_url = source_app.config["DATABASE_URL"]
    if target_url.rstrip("/") == source_url.rstrip("/"):
        raise CopyError("目标数据库就是当前数据库。")
    try:
        existing = target_tables(target_url)
    except Exception as exc:  # noqa: BLE001 - any reason the target cannot be opened
        raise CopyError(f"无法连接目标数据库 {describe(target_url)}：{exc}") from None
    if existing:
        raise CopyError(f"目标数据库 {describe(target_url)} 不是空的（已有 {len(existing)} 张表），"
                        "为免覆盖数据，拒绝复制。请指定一个新建的空数据库。")
    models = peewee.sort_models([SchemaMigration] + list(source_app.extensions["portal_models"]))
    reader = Reader(source_url)
    try:
        missing = [m._meta.table_name for m in models if m._meta.table_name not in reader.tables()]
        if missing:
            raise CopyError(f"当前数据库缺少表：{'、'.join(missing)}。请先运行 portal migrate。")
        # the target app: the same instance folder (keys, plugins), the other database
        target_app = create_app({"DATABASE_URL": target_url, "INSTANCE_PATH": source_app.instance_path,
                                 "DATABASE_POOL_SIZE": 0})
        started = clock = time.perf_counter()

        def took():  # seconds since the last step, for the log (docs/performance.md)
            nonlocal clock
            clock, before = time.perf_counter(), clock
            return f"{clock - before:.1f} 秒"

        init_schema(target_app)
        log(f"已在 {describe(target_url)} 建立数据库结构（{took()}）。")
        with target_app.app_context(), database.connection_context():
            with database.atomic():
                if is_sqlite():
                    database.execute_sql("PRAGMA defer_foreign_keys = ON")  # a row may name a later one
                _empty(models)  # what the set-ups wrote (the migrations' records): the source's replace it
                for model in models:
                    columns = [f.column_name for f in model._meta.sorted_fields]
                    count = _write(model, columns, reader)
                    log(f"  {model._meta.table_name}：{count} 行（{took()}）")
                _fix_sequences(models)
                from portal.cases import search

                search.rebuild()
                log(f"已重建检索索引（{took()}）。")
            analyze(after_bulk_load=True)  # PostgreSQL: VACUUM ANALYZE, for index-only scans
            reports = verify(reader, Reader(target_url), models, log)
            log(f"（核对用时 {took()}）")
            from portal.audit_anchor import check

            verdict = check()
            if not verdict.ok:
                raise CopyError(f"副本的审计日志未通过校验（{'；'.join(verdict.problems) or '哈希链不符'}）。")
            log(f"副本的审计日志完整：已校验 {verdict.checked} 条记录（{took()}）。共用时 {clock - started:.0f} 秒。")
            return reports
    finally:
        reader.close()
        from portal.db import open_database

        if not database.is_closed():
            database.close()
        open_database(source_url, int(source_app.config.get("DATABASE_POOL_SIZE") or 0))  # back to the source


def _empty(models):
    from portal.db import database

    for model in reversed(models):  # only the few tables with rows (TRUNCATE of all: 10 s on PostgreSQL)
        table = model._meta.table_name
        if database.execute_sql(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone():
            database.execute_sql(f'DELETE FROM "{table}"')


def _write(model, columns, reader) -> int:
    from portal.db import database, is_sqlite

    table = model._meta.table_name
    names = ", ".join(f'"{c}"' for c in columns)
    fields = [model._meta.columns[c] for c in columns]
    cursor, count = database.cursor(), 0
    if not is_sqlite():  # COPY: several times faster than multi-row INSERTs
        text = [_copy_text(f) for f in fields]
        for batch in reader.rows(model, columns, raw=True):
            with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                copy.write("".join("\t".join([t(v) for t, v in zip(text, row)]) + "\n" for row in batch))
            count += len(batch)
        return count
    marks = ", ".join("?" * len(columns))
    for batch in reader.rows(model, columns):
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                           [tuple(_db(f, v) for f, v in zip(fields, row)) for row in batch])
        count += len(batch)
    return count


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(field):
    """How one column's values, as the source's driver gives them, are written in COPY's text
    format (\\N for NULL, backslash escapes). Chosen once per column: a 100,000-case bureau has
    some 10 million values. SQLite's text times are PostgreSQL's input as they are."""
    if isinstance(field, peewee.BooleanField):
        return lambda v: "\\N" if v is None else ("t" if v else "f")  # SQLite's 0/1
    if isinstance(field, peewee.BlobField):
        return lambda v: "\\N" if v is None else "\\\\x" + bytes(v).hex()  # bytea's hex form, escaped

    def text(v):
        if v is None:
            return "\\N"
        if isinstance(v, (dt.date, dt.time)):
            return v.isoformat()
        return str(v).translate(_COPY_ESCAPES)
    return text


def _db(field, value):
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(field, peewee.ForeignKeyField):
        return field.rel_field.db_value(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time, bool)):
        return value  # both drivers take them as they are (peewee would format SQLite's text)
    return field.db_value(value)


def _fix_sequences(models):
    """PostgreSQL: each serial's next value past the copied ids (SQLite's follow by themselves)."""
    from portal.db import database, is_sqlite

    if is_sqlite():
        return
    for model in models:
        pk = model._meta.primary_key
        if isinstance(pk, peewee.AutoField):
            table = model._meta.table_name
            database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX(\"{pk.column_name}\"), 1), "
                f"MAX(\"{pk.column_name}\") IS NOT NULL) FROM \"{table}\"", (f'"{table}"', pk.column_name))


def verify(source: Reader, target: Reader, models, log=lambda text: None) -> list[TableReport]:
    """Count and checksum every table on both sides; a difference is a CopyError."""
    reports, wrong = [], []
    try:
        for model in models:
            columns = [f.column_name for f in model._meta.sorted_fields]
            a, b = checksum(source, model, columns), checksum(target, model, columns)
            if (a.rows, a.checksum) != (b.rows, b.checksum):
                wrong.append(f"{a.table}（源 {a.rows} 行，目标 {b.rows} 行{'，内容不同' if a.rows == b.rows else ''}）")
            reports.append(a)
    finally:
        target.close()
    if wrong:
        raise CopyError(f"复制后核对不符：{'、'.join(wrong)}。目标数据库不可使用，请删除后重试。")
    log(f"已核对 {len(reports)} 张表的行数与校验和，全部一致。")
    return reports
