"""The append-only event log every change goes through.

Each event carries the SHA-256 of its content and of the event before it, so changing or
deleting any past event breaks the chain from there on: `verify()` finds where. The
database also refuses UPDATE and DELETE on the table (triggers made by `protect()`).
"""
import hashlib
import json

import peewee
from flask import has_request_context, request
from flask_login import current_user

from portal.db import BaseModel, database, is_sqlite, now
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

    def content_hash(self) -> str:
        at = self.at if isinstance(self.at, str) else self.at.strftime("%Y-%m-%d %H:%M:%S")
        content = [self.prev_hash, at, self.actor_id, self.action, self.object_type, self.object_id,
                   self.summary, self.data, self.ip]
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


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
        event.hash = event.content_hash()
        event.save(force_insert=True)
    return event


def verify() -> tuple[int, AuditEvent | None]:
    """Check the whole chain: (events checked, the first event that does not fit or None)."""
    expected, checked = GENESIS, 0
    last_id = 0
    while True:
        batch = list(AuditEvent.select().where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(5000))
        if not batch:
            return checked, None
        for event in batch:
            if event.prev_hash != expected or event.content_hash() != event.hash:
                return checked, event
            expected, checked = event.hash, checked + 1
        last_id = batch[-1].id


def protect():
    """Make the database itself refuse to change or delete audit events."""
    if is_sqlite():
        for op in ("UPDATE", "DELETE"):
            database.execute_sql(
                f"CREATE TRIGGER IF NOT EXISTS audit_event_no_{op.lower()} BEFORE {op} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END")
    else:  # PostgreSQL
        database.execute_sql(
            "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$ LANGUAGE plpgsql")
        database.execute_sql("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        database.execute_sql("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
                             "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()")


MODELS = [AuditEvent]
