"""Approved statements (统一口径): drafted, approved by a leader, versioned; a case on the topic
shows the statement in force and whether its reply used it."""
from datetime import timedelta

from portal.plugin_api import AuditEvent, Case, database, now

from plugins.monitoring import statements
from plugins.monitoring.models import Statement, StatementVersion


def test_versions_are_approved_by_a_leader_and_replace_each_other(app, login, db):
    row = Statement.get(Statement.title == "关于冬季供暖用煤价格的答复口径")
    assert statements.in_force(row).number == 1 and statements.pending(row).number == 2
    assert login("office").post(f"/monitoring/statements/{row.id}/approve", data={}).status_code == 403
    tomorrow = now().date() + timedelta(days=1)
    r = login("leader").post(f"/monitoring/statements/{row.id}/approve", data={"valid_from": tomorrow.isoformat()})
    assert r.status_code == 302
    v1, v2 = StatementVersion.select().where(StatementVersion.statement == row.id).order_by(StatementVersion.number)
    assert v2.valid_from == tomorrow
    # version 1 holds until version 2 does: approving for a later day leaves no gap
    assert statements.in_force(row).number == 1 and statements.in_force(row, tomorrow).number == 2
    assert [v.number for v in statements.offered() if v.statement_id == row.id] == [1]
    page = login("staff").get(f"/monitoring/statements/{row.id}").get_data(as_text=True)
    assert "第1版 · 已审定" in page and f"{tomorrow:%Y-%m-%d}起由新版本取代" in page and "第2版 · 已审定" in page
    # withdrawing the statement ends both at once
    assert login("leader").post(f"/monitoring/statements/{row.id}/withdraw").status_code == 302
    assert statements.in_force(row) is None and statements.in_force(row, tomorrow) is None
    page = login("staff").get(f"/monitoring/statements/{row.id}").get_data(as_text=True)
    assert "第1版 · 已废止" in page and "第2版 · 已废止" in page


def test_a_reply_that_departs_from_the_statement_is_flagged(app, login, db, make_case):
    office = login("office")
    r = office.post("/monitoring/statements", data={"title": "电价口径", "topic": "", "department": "",
                                                    "text": ""})
    assert r.status_code == 400 and "请填写口径内容" in r.get_data(as_text=True)
    case = make_case("反映冬季供暖用煤价格过高", state="replied", host="煤炭科")
    page = office.get(f"/monitoring/cases/{case.id}/statements").get_data(as_text=True)
    assert "回复与统一口径（第1版）不一致" in page
    with database.atomic():
        text = statements.in_force(Statement.get(Statement.title == "关于冬季供暖用煤价格的答复口径")).text
        Case.update(reply_text="网友您好：" + text + "感谢您的关注。").where(Case.id == case.id).execute()
    page = office.get(f"/monitoring/cases/{case.id}/statements").get_data(as_text=True)
    assert "回复采用了第1版口径" in page and "不一致" not in page


def test_the_host_department_chooses_the_statement_for_its_reply(app, login, db, make_case):
    case = make_case("反映冬季供暖用煤价格过高", state="handling", host="煤炭科")
    current = statements.in_force(Statement.get(Statement.title == "关于冬季供暖用煤价格的答复口径"))
    staff = login("coal_liaison")  # of 煤炭科, the host
    panel = staff.get(f"/monitoring/cases/{case.id}/statements").get_data(as_text=True)
    assert "插入统一口径" in panel and "关于冬季供暖用煤价格的答复口径（第1版）" in panel
    assert "插入统一口径" not in login("leader").get(f"/monitoring/cases/{case.id}/statements").get_data(as_text=True)
    pending = statements.pending(Statement.get(Statement.title == "关于冬季供暖用煤价格的答复口径"))
    staff.post(f"/monitoring/cases/{case.id}/statements/choose", data={"statement_version": pending.id})
    chosen = (AuditEvent.action == "monitoring.statement_chosen") & (AuditEvent.object_id == case.id)
    assert AuditEvent.select().where(chosen).count() == 0
    r = staff.post(f"/monitoring/cases/{case.id}/statements/choose", data={"statement_version": current.id})
    assert r.status_code == 302
    event = AuditEvent.get(chosen)
    assert event.object_type == "case" and event.object_id == case.id and "第1版" in event.summary
    panel = login("office").get(f"/monitoring/cases/{case.id}/statements").get_data(as_text=True)
    assert "回复选用第1版" in panel


def test_the_chosen_statement_starts_the_reply_draft(app, login, db, make_case):
    case = make_case("反映冬季供暖用煤价格过高", state="handling", host="煤炭科")
    current = statements.in_force(Statement.get(Statement.title == "关于冬季供暖用煤价格的答复口径"))
    host = login("coal_liaison")
    assert current.text not in host.get(f"/cases/{case.id}").get_data(as_text=True)
    host.post(f"/monitoring/cases/{case.id}/statements/choose", data={"statement_version": current.id})
    page = host.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f">{current.text}</textarea>" in page  # the reply form's 回复稿 starts with it
