"""The audit log cannot be changed quietly."""
import peewee
import pytest

from portal import audit
from portal.audit import AuditEvent
from portal.db import database
from tests.core.case_helpers import register


def test_the_database_refuses_to_change_or_delete_events(app, login):
    register(login("monitor"))
    with database.connection_context():
        with pytest.raises(peewee.DatabaseError):
            with database.atomic():
                AuditEvent.update(summary="改过").execute()
        with pytest.raises(peewee.DatabaseError):
            with database.atomic():
                AuditEvent.delete().execute()
        assert not AuditEvent.select().where(AuditEvent.summary == "改过").exists()


def drop_protection():
    if database.obj.__class__.__name__.startswith("Sqlite"):
        database.execute_sql("DROP TRIGGER audit_event_no_update")
        database.execute_sql("DROP TRIGGER audit_event_no_delete")
    else:
        database.execute_sql("DROP TRIGGER audit_event_append_only ON audit_event")


@pytest.mark.parametrize("tamper", ["edit", "delete"])
def test_tampering_behind_the_portals_back_is_found(app, login, tamper):
    office = login("office")
    register(login("monitor"))
    assert "审计日志完整" in office.get("/admin/audit/verify").get_data(as_text=True)
    with database.connection_context():
        victim = AuditEvent.select().order_by(AuditEvent.id.desc()).offset(2).first()
        drop_protection()
        if tamper == "edit":
            AuditEvent.update(summary="无事发生").where(AuditEvent.id == victim.id).execute()
        else:
            AuditEvent.delete().where(AuditEvent.id == victim.id).execute()
    page = office.get("/admin/audit/verify").get_data(as_text=True)
    assert "发现问题" in page
    expected = victim.id if tamper == "edit" else victim.id + 1
    assert f"第 {expected} 条记录" in page


def test_bulk_generated_events_are_chained(app):
    from portal.bulk import generate

    with app.app_context(), database.connection_context():
        generate(30, years=1)
        checked, broken = audit.verify()
    assert broken is None and checked > 30
