"""The append-only event log every change goes through."""
import json

import peewee
from flask import has_request_context, request
from flask_login import current_user

from portal.db import BaseModel, now
from portal.org.models import User


class AuditEvent(BaseModel):
    at = peewee.DateTimeField(default=now, index=True)
    actor = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    action = peewee.CharField(max_length=60, index=True)
    object_type = peewee.CharField(max_length=40, default="")
    object_id = peewee.IntegerField(null=True)
    summary = peewee.TextField(default="")
    data = peewee.TextField(default="{}")
    ip = peewee.CharField(max_length=64, default="")

    class Meta:
        indexes = ((("object_type", "object_id"), False),)

    @property
    def details(self) -> dict:
        return json.loads(self.data or "{}")


CURRENT_USER = object()


def record(action: str, summary: str = "", *, actor=CURRENT_USER, obj=None, object_type="", object_id=None, **data):
    """Write one audit event. ``actor`` defaults to the logged-in user; None means the portal itself."""
    if actor is CURRENT_USER:
        actor = None
        if has_request_context() and current_user.is_authenticated:
            actor = current_user._get_current_object()
    if obj is not None:
        object_type = object_type or type(obj).__name__.lower()
        object_id = obj.id
    return AuditEvent.create(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        data=json.dumps(data, ensure_ascii=False, default=str),
        ip=request.remote_addr or "" if has_request_context() else "",
    )


MODELS = [AuditEvent]
