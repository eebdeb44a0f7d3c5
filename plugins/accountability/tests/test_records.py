"""Accountability records (第九条): the nine situations stored and shown with their text; read and
written only by the leaders and 机关纪委; nobody else can list, open, search or download them, or
learn of them from the audit log, notifications or the home page."""
import io

from portal.plugin_api import User, database, now

from plugins.accountability.models import Record, RecordDocument
from plugins.accountability.regulation import SITUATIONS
from plugins.accountability.tests.helpers import dept, page

MARK = "Rq9AcctMk"


def register(client, **changes):
    data = {"subject": f"某科室负责人{MARK}", "department": str(dept("电力科")), "situations": ["2", "5"],
            "facts": f"所属公众号转发错误导向文章，处置不力{MARK}。", "form": "诫勉", "decided_by": "局党组",
            "decided_on": now().date().isoformat(), **changes}
    return client.post("/accountability/records/new", data=data)


def make_record(login):
    leader = login("leader")
    assert register(leader).status_code == 302
    with database.connection_context():
        record = Record.get(Record.subject.contains(MARK))
    leader.post(f"/accountability/records/{record.id}/documents", content_type="multipart/form-data",
                data={"file": (io.BytesIO(f"问责决定{MARK}".encode()), f"问责决定{MARK}.txt")})
    with database.connection_context():
        record.doc = RecordDocument.get(RecordDocument.record == record.id).id
    return record


def test_the_leaders_and_discipline_register_read_correct_and_search(app, login):
    leader, jjw = login("leader"), login("jjw")
    bad = register(leader, situations=[], decided_on="2999-01-01", form="罚款")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "请选择问责情形（第九条）。" in html and "决定日期不能晚于今天。" in html and "请选择问责方式。" in html
    with database.connection_context():
        assert not Record.select().where(Record.subject.contains(MARK)).exists()

    record = make_record(login)
    assert record.situations == "2,5" and record.year == now().year
    shown = page(jjw, f"/accountability/records/{record.id}")
    assert SITUATIONS[2] in shown and SITUATIONS[5] in shown and SITUATIONS[1] not in shown
    assert "诫勉" in shown and "电力科" in shown and f"问责决定{MARK}.txt" in shown
    assert MARK in page(jjw, f"/accountability/records?q={MARK}")
    assert MARK not in page(jjw, "/accountability/records?q=无此关键词")
    doc = jjw.get(f"/accountability/records/{record.id}/documents/{record.doc}")
    assert doc.status_code == 200 and MARK.encode() in doc.get_data()

    edit = f"/accountability/records/{record.id}/edit"
    form = {"subject": "某科室负责人", "situations": ["2"], "facts": "更正后的事实。", "form": "通报", "decided_by": "局党组",
            "decided_on": now().date().isoformat(), "version": "1"}
    assert jjw.post(edit, data=dict(form)).status_code == 302
    stale = login("leader").post(edit, data=dict(form))
    assert stale.status_code == 409, stale.get_data(as_text=True)[-3000:]  # version 1 is stale now
    with database.connection_context():
        assert Record.get_by_id(record.id).form == "通报"


def test_nobody_else_learns_of_a_record(app, login):
    record = make_record(login)
    with database.connection_context():
        others = [u.username for u in User.select().where(User.active)
                  if not (u.has_role("leader") or u.has_role("discipline"))]
    assert {"admin", "office", "monitor", "head", "staff", "liaison"} <= set(others)
    refused = ["/accountability/records", f"/accountability/records?q={MARK}", f"/accountability/records/{record.id}",
               f"/accountability/records/{record.id}/edit", f"/accountability/records/{record.id}/documents/{record.doc}",
               "/accountability/records/999999"]
    looked = ["/", "/notifications", "/cases/?q=错误导向文章", "/accountability/", "/admin/audit",
              "/admin/audit?q=问责"]
    for name in others:
        client = login(name)
        for url in refused:
            assert client.get(url).status_code == 403, (name, url)
        assert register(client).status_code == 403
        for url in looked:
            body = client.get(url).get_data(as_text=True)
            assert MARK not in body and "某科室负责人" not in body, (name, url)
    # the audit log names the record's number only
    office = login("office")
    assert "登记问责记录" in page(login("admin"), "/admin/audit") and MARK not in page(office, "/")
