"""The append-only event log every change goes through.

Each event carries a keyed hash (HMAC-SHA256 with the audit key, which lives outside the
database: ``AUDIT_KEY`` or ``instance/audit_key``) of its content and of the event before it,
so changing or deleting any past event breaks the chain from there on, and whoever has only
the database cannot recompute it: `verify()` finds where. Events written before the chain was
keyed (up to the boundary recorded by migration 0030 in ``audit_legacy``) keep their plain
SHA-256. The database also refuses UPDATE and DELETE on both tables (triggers made by
`protect()`). Deleting the newest events is found against checkpoints kept outside the
database (`portal.audit_anchor`).
"""
import hashlib
import hmac
import json
from typing import NamedTuple

import peewee
from flask import current_app, has_request_context, request
from flask_login import current_user

from portal.db import BaseModel, Param, compiled, database, is_sqlite, now
from portal.hookspecs import hookimpl
from portal.org.models import User

GENESIS = "0" * 64


class AuditEvent(BaseModel):
    at = peewee.DateTimeField(default=now, index=True)
    actor = peewee.ForeignKeyField(User, null=True, on_delete="RESTRICT")
    action = peewee.CharField(max_length=60, index=True)
    object_type = peewee.CharField(max_length=40, default="")
    object_id = peewee.IntegerField(null=True)
    summary = peewee.TextField(default="")
    data = peewee.TextField(default="{}")
    ip = peewee.CharField(max_length=64, default="")
    prev_hash = peewee.CharField(max_length=64, default=GENESIS)
    hash = peewee.CharField(max_length=64, default="")

    class Meta:
        indexes = ((("object_type", "object_id"), False),)

    @property
    def details(self) -> dict:
        return json.loads(self.data or "{}")

    def content_hash(self, key: bytes | None) -> str:
        """HMAC-SHA256 with ``key``; plain SHA-256 (events before the chain was keyed) without."""
        at = self.at if isinstance(self.at, str) else self.at.strftime("%Y-%m-%d %H:%M:%S")
        content = [self.prev_hash, at, self.actor_id, self.action, self.object_type, self.object_id,
                   self.summary, self.data, self.ip]
        data = json.dumps(content, ensure_ascii=False).encode()
        return hmac.new(key, data, hashlib.sha256).hexdigest() if key else hashlib.sha256(data).hexdigest()


class AuditLegacy(BaseModel):
    """The last event hashed before the chain was keyed (one row, written by migration 0030 on
    a database that had events then; none on a database made since)."""

    last_id = peewee.IntegerField()
    last_hash = peewee.CharField(max_length=64)

    class Meta:
        table_name = "audit_legacy"


class Actor(NamedTuple):
    name: str


class TimelineEntry(NamedTuple):
    """One event as a page's timeline shows it (``e.at``, ``e.actor.name``, ``e.summary``)."""
    at: object
    summary: str
    actor: Actor | None


def timeline(object_type: str, object_id: int) -> list[TimelineEntry]:
    """An object's events, oldest first, read as the timeline shows them: not the chain's hashes,
    the data or the actor's whole row (a model object per event cost a case page 1.3 ms for 57)."""
    rows = compiled("audit.timeline", lambda: (
        AuditEvent.select(AuditEvent.at, AuditEvent.summary, User.name)
        .join(User, peewee.JOIN.LEFT_OUTER, on=(AuditEvent.actor == User.id))
        .where((AuditEvent.object_type == Param("type")) & (AuditEvent.object_id == Param("id")))
        .order_by(AuditEvent.id).tuples()), type=object_type, id=object_id)
    return [TimelineEntry(at, summary, None if name is None else Actor(name)) for at, summary, name in rows]


def legacy_boundary() -> int:
    """Events up to this id carry plain SHA-256 hashes; 0 when every event is keyed."""
    row = AuditLegacy.select().order_by(AuditLegacy.id).first()
    return row.last_id if row else 0


def key() -> bytes:
    return str(current_app.config["AUDIT_KEY"]).encode()


CURRENT_USER = object()


def _last_hash() -> str:
    if not is_sqlite():
        # Serialise writers of the chain; SQLite transactions here already begin IMMEDIATE.
        database.execute_sql("SELECT pg_advisory_xact_lock(724001)")
    last = AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
    return last.hash if last else GENESIS


def record(action: str, summary: str = "", *, actor=CURRENT_USER, obj=None, object_type="", object_id=None, **data):
    """Write one audit event. ``actor`` defaults to the logged-in user; None means the portal itself."""
    if actor is CURRENT_USER:
        actor = None
        if has_request_context() and current_user.is_authenticated:
            actor = current_user._get_current_object()
    if obj is not None:
        object_type = object_type or type(obj).__name__.lower()
        object_id = obj.id
    with database.atomic():
        event = AuditEvent(
            at=now(), actor=actor, action=action, object_type=object_type, object_id=object_id, summary=summary,
            data=json.dumps(data, ensure_ascii=False, default=str),
            ip=(request.remote_addr or "") if has_request_context() else "", prev_hash=_last_hash(),
        )
        event.hash = event.content_hash(key())
        event.save(force_insert=True)
    return event


def verify(after: AuditEvent | None = None, on_event=None) -> tuple[int, AuditEvent | None]:
    """Check the chain (from the start, or from the event ``after``, taken as sound): (events
    checked, the first event that does not fit or None). ``on_event(event)`` sees each sound one."""
    secret, boundary = key(), legacy_boundary()
    expected, checked = (after.hash, 0) if after else (GENESIS, 0)
    last_id = after.id if after else 0
    while True:
        batch = list(AuditEvent.select().where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(5000))
        if not batch:
            return checked, None
        for event in batch:
            if event.prev_hash != expected or event.content_hash(None if event.id <= boundary else secret) != event.hash:
                return checked, event
            expected, checked = event.hash, checked + 1
            if on_event:
                on_event(event)
        last_id = batch[-1].id


@hookimpl
def portal_schema_setup():
    return lambda app, migrated: protect()


def protect():
    """Make the database itself refuse to change or delete audit events."""
    if is_sqlite():
        for table in ("audit_event", "audit_legacy"):
            for op in ("UPDATE", "DELETE"):
                database.execute_sql(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    else:  # PostgreSQL
        database.execute_sql(
            "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$ LANGUAGE plpgsql")
        for table in ("audit_event", "audit_legacy"):
            database.execute_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            database.execute_sql(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                                 "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()")


MODELS = [AuditEvent, AuditLegacy]
