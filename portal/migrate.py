"""Versioned migrations of the schema and the data, per owner: the core and each plugin.

An owner's migrations are the modules of one package (the core's ``portal.migrations``; a
plugin names its own with the ``portal_migrations`` hook), applied in the order of their
names (``0001_baseline``, ``0002_…``). Each module has a docstring (what it changes and why)
and a function ``migrate(m)``; ``m`` is a :class:`Migration`: ``m.run(op, …)`` applies
operations of peewee's ``playhouse.migrate`` made with ``m.migrator``; ``m.add_column`` (use it for a
NOT NULL column with a default), ``m.create_tables`` and ``m.execute`` do the rest. Every applied migration is recorded in ``schema_migration`` with
its owner and name.

``apply_pending`` applies everything pending in one transaction on both SQLite and
PostgreSQL (both roll back DDL): a failure leaves the database as it was and names the
migration. An owner whose tables do not exist yet gets them from its current models and has
every migration marked applied; an owner whose tables exist but who has no record is a
database from before migrations (main of 2026-11-29), stamped with its ``0001_baseline``.
"""
import importlib
import pkgutil
from dataclasses import dataclass, field

import peewee
from playhouse.migrate import SchemaMigrator

from portal import clock
from portal.db import BaseModel, database, is_sqlite

CORE = "core"
BASELINE = "0001_baseline"


class SchemaMigration(BaseModel):
    owner = peewee.CharField(max_length=60)
    name = peewee.CharField(max_length=120)
    applied_at = peewee.DateTimeField()

    class Meta:
        table_name = "schema_migration"
        indexes = ((("owner", "name"), True),)


class MigrationError(Exception):
    """A migration that failed or broke a rule: nothing of the run was kept."""


@dataclass
class Owner:
    name: str
    models: list
    package: str | None = None  # dotted name of the migrations package
    migrations: list = field(default_factory=list)  # [(name, module)], in order

    def tables(self) -> set[str]:
        return {m._meta.table_name for m in self.models}

    def may_touch(self, table: str) -> bool:
        """An owner changes its own tables: those of its models, or named after it."""
        return table in self.tables() or table.startswith(f"{self.name}_")


class Migration:
    """What a migration's ``migrate(m)`` works with."""

    def __init__(self, owner: Owner):
        self.owner = owner
        self.database = database
        self.migrator = SchemaMigrator.from_database(database)

    def _check(self, table):
        if not self.owner.may_touch(table):
            raise MigrationError(f"“{self.owner.name}”的迁移不得修改其他模块的表“{table}”。")

    def run(self, *operations):
        """Apply ``playhouse.migrate`` operations, e.g. ``m.migrator.add_column(...)``."""
        for op in operations:
            self._check(op.args[0] if op.args else "")
        for op in operations:
            op.run()

    def add_column(self, table, column, field):
        """Add a column; a NOT NULL one takes its (constant) default in the same statement, which
        SQLite allows without copying the table (peewee's ``add_column`` copies it, and a copy of
        a table others refer to fails inside a transaction)."""
        if not field.null and field.default is not None and not callable(field.default):
            default = field.default
            literal = ("TRUE" if default else "FALSE") if isinstance(default, bool) else (  # PostgreSQL: no 0/1
                str(default) if isinstance(default, (int, float)) else "'" + str(default).replace("'", "''") + "'")
            field = field.clone()
            field.constraints = list(field.constraints or []) + [peewee.SQL(f"DEFAULT {literal}")]
            self.run(self.migrator.add_column(table, column, field, allow_not_null=True))
        else:
            self.run(self.migrator.add_column(table, column, field))

    def create_tables(self, *models):
        for model in models:
            self._check(model._meta.table_name)
        database.create_tables(models)

    def execute(self, sql, params=None, *, table):
        """A data change in SQL; ``table`` names the (own) table it changes."""
        self._check(table)
        return database.execute_sql(sql, params)


def owners(app) -> list[Owner]:
    """The core and every enabled plugin, with their models and migration packages."""
    pm = app.extensions["portal_pm"]
    by_name: dict[str, Owner] = {CORE: Owner(CORE, list(app.extensions["portal_core_models"]), "portal.migrations")}
    for impl in pm.hook.portal_models.get_hookimpls():
        name = _owner_name(impl.plugin_name)
        by_name.setdefault(name, Owner(name, [])).models.extend(impl.function() or [])
    for impl in pm.hook.portal_migrations.get_hookimpls():
        name = _owner_name(impl.plugin_name)
        by_name.setdefault(name, Owner(name, [])).package = impl.function()
    for owner in by_name.values():
        owner.migrations = _load(owner.package)
    return [by_name[CORE]] + sorted((o for n, o in by_name.items() if n != CORE), key=lambda o: o.name)


def _owner_name(plugin_name: str) -> str:
    return CORE if plugin_name.startswith("portal.") else plugin_name


def _load(package: str | None) -> list:
    if not package:
        return []
    pkg = importlib.import_module(package)
    names = sorted(info.name for info in pkgutil.iter_modules(pkg.__path__) if info.name[:4].isdigit())
    return [(name, importlib.import_module(f"{package}.{name}")) for name in names]


def _applied() -> dict[str, set[str]]:
    done: dict[str, set[str]] = {}
    for row in SchemaMigration.select(SchemaMigration.owner, SchemaMigration.name):
        done.setdefault(row.owner, set()).add(row.name)
    return done


def _stamp(owner: str, name: str):
    SchemaMigration.create(owner=owner, name=name, applied_at=clock.now())


def status(app) -> list[tuple[str, str, bool]]:
    """(owner, migration, applied) for every migration of every owner."""
    with database.connection_context():
        database.create_tables([SchemaMigration])
        return report(app)


def report(app) -> list[tuple[str, str, bool]]:
    """As ``status``, on the connection already open (a request's)."""
    done = _applied()
    rows = []
    for owner in owners(app):
        fresh = _fresh(owner, done)
        for name, _ in owner.migrations:
            rows.append((owner.name, name, name in done.get(owner.name, set()) or fresh))
    return rows


def _fresh(owner: Owner, done) -> bool:
    """No record and none of its tables: it gets today's schema whole."""
    return owner.name not in done and not any(database.table_exists(t) for t in owner.tables())


def apply_pending(app, log=lambda text: None) -> list[tuple[str, str]]:
    """Bring the schema up to date; returns the migrations applied (not those only stamped)."""
    applied = []
    with database.connection_context():
        database.create_tables([SchemaMigration])
        with database.atomic():
            if not is_sqlite():  # several servers may start at once: one migrates, the others wait
                database.execute_sql("SELECT pg_advisory_xact_lock(724002)")
            done = _applied()
            for owner in owners(app):
                mine = done.get(owner.name, set())
                if _fresh(owner, done):
                    database.create_tables(owner.models)
                    for name, _ in owner.migrations:
                        _stamp(owner.name, name)
                    continue
                if not mine and owner.migrations and owner.migrations[0][0] == BASELINE:
                    _stamp(owner.name, BASELINE)  # a database from before migrations
                    mine = {BASELINE}
                for name, module in owner.migrations:
                    if name in mine:
                        continue
                    log(f"执行迁移 {owner.name} {name}")
                    try:
                        with database.atomic():
                            module.migrate(Migration(owner))
                            _stamp(owner.name, name)
                    except Exception as exc:
                        raise MigrationError(f"迁移 {owner.name}/{name} 失败，本次迁移未作任何修改：{exc}") from exc
                    applied.append((owner.name, name))
    return applied
