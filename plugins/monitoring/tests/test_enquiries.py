"""Media enquiries: recorded by whoever received one, routed to the office, answered with the
version of an approved statement in force (recorded), closed."""
from datetime import timedelta

from portal.plugin_api import AuditEvent, Notification, now

from plugins.monitoring import statements
from plugins.monitoring.models import Enquiry, Statement

HEATING = "关于冬季供暖用煤价格的答复口径"


def test_an_enquiry_is_routed_answered_with_the_statement_in_force_and_closed(app, login, db):
    liaison = login("liaison")
    r = liaison.post("/monitoring/enquiries", data={"outlet": "某某都市报", "reporter": "钱多多", "contact": "13900000000",
                                                    "subject": "供暖煤价问题", "received_by": "",
                                                    "received_at": now().strftime("%Y-%m-%dT%H:%M")})
    assert r.status_code == 302
    row = Enquiry.get(Enquiry.outlet == "某某都市报")
    assert row.received_by.username == "liaison"
    told = {n.user.username for n in Notification.select().where(Notification.kind == "monitoring_enquiry")}
    assert "office" in told and "liaison" not in told
    office = login("office")
    assert "待统一答复或办结的媒体采访、问询 <strong>2</strong> 件" in office.get("/").get_data(as_text=True)
    page = office.get(f"/monitoring/enquiries/{row.id}").get_data(as_text=True)
    assert f"{HEATING}（第1版）" in page  # only the version in force is offered, not the pending second
    assert f"{HEATING}（第2版）" not in page
    r = office.post(f"/monitoring/enquiries/{row.id}/close", data={"version": row.version})
    assert "请先以统一口径答复" in office.get(r.headers["Location"]).get_data(as_text=True)
    current = statements.in_force(Statement.get(Statement.title == HEATING))
    r = office.post(f"/monitoring/enquiries/{row.id}/answer", data={"version": row.version, "statement_version":
                                                                    current.id, "answer_text": "电话答复"})
    assert r.status_code == 302
    r = office.post(f"/monitoring/enquiries/{row.id}/close", data={"version": row.version + 1})
    row = Enquiry.get_by_id(row.id)
    assert row.closed_at and row.statement_version_id == current.id
    page = office.get(f"/monitoring/enquiries/{row.id}").get_data(as_text=True)
    assert "已办结" in page and f"“{HEATING}”第1版" in page
    assert AuditEvent.select().where(AuditEvent.action == "monitoring.enquiry_answered").count() == 2  # demo + this


def test_a_bad_enquiry_or_a_version_not_in_force_is_refused(app, login, db):
    staff, office = login("staff"), login("office")
    before = Enquiry.select().count()
    later = (now() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    r = staff.post("/monitoring/enquiries", data={"outlet": "报社", "reporter": "", "contact": "x", "subject": "y",
                                                  "received_at": later})
    text = r.get_data(as_text=True)
    assert r.status_code == 400 and "接到时间不能晚于现在" in text and "记者姓名" in text
    assert Enquiry.select().count() == before
    row = Enquiry.get(Enquiry.closed_at.is_null())
    pending = statements.pending(Statement.get(Statement.title == HEATING))
    office.post(f"/monitoring/enquiries/{row.id}/answer", data={"version": row.version, "statement_version": pending.id,
                                                                "answer_text": "x"})
    assert Enquiry.get_by_id(row.id).answered_at is None
