"""Circulars over HTTP as the office, a leader and the departments use them: drafting, review,
signing with gap-free numbers (also under concurrent signing), issue with a frozen PDF,
distribution and receipts, the ready-made 通报 of overdue cases, refusals."""
import hashlib
import re
import threading
from datetime import timedelta


from portal.db import now
from portal.org.models import Department, User
from tests.threads import run_in_threads

from plugins.circulars import workflow
from plugins.circulars.models import Circular, CircularAttachment, CircularCounter, CircularRecipient, IssuedPdf
from plugins.circulars.ready import defaults

VERSION = re.compile(r'name="version" value="(\d+)"')


def user(username):
    return User.get(User.username == username)


def dept(name):
    return Department.get(Department.name == name)


def draft_form(**changes):
    form = dict(defaults(), title="鄂尔多斯市能源局关于做好\n节日期间网络舆情工作的通知",
                body="为做好节日期间网络舆情工作，现将有关事项通知如下。\n一、加强值班\n各单位要安排专人值守。",
                copy_to="市委网信办")
    form.update(changes)
    return form


def version_on(client, circular_id):
    """The version in the step forms, as the browser submits it (the stored one when the user
    has no step to take)."""
    found = VERSION.search(client.get(f"/circulars/{circular_id}").get_data(as_text=True))
    return found.group(1) if found else str(Circular.get_by_id(circular_id).version)


def new_circular(client, departments=("电力科", "煤炭科"), **changes):
    data = draft_form(**changes)
    data["departments"] = [str(dept(name).id) for name in departments]
    response = client.post("/circulars/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def step(client, circular_id, action, **form):
    form.setdefault("version", version_on(client, circular_id))
    return client.post(f"/circulars/{circular_id}/do/{action}", data=form)


def test_the_whole_path_draft_review_sign_issue_acknowledge(app, login, db):
    office, leader = login("office"), login("leader")
    cid = new_circular(office)
    page = office.get(f"/circulars/{cid}").get_data(as_text=True)
    assert "（签发时编号）" in page and "送核稿" in page
    assert step(office, cid, "submit").status_code == 302
    assert step(login("office2"), cid, "review").status_code == 302  # not the drafter
    # the leader sees it waiting on the home page, signs, and the number is given
    assert "待签发" in leader.get("/").get_data(as_text=True)
    assert step(leader, cid, "sign", comment="同意。").status_code == 302
    year = now().year
    circular = Circular.get_by_id(cid)
    assert circular.number == f"鄂能局发〔{year}〕1号" and circular.date_of_writing == now().date()
    assert f"已签发，文号 鄂能局发〔{year}〕1号" in leader.get(f"/circulars/{cid}").get_data(as_text=True)
    # the office issues it: the PDF is frozen with its checksum
    assert step(office, cid, "issue", date_of_issue=now().date().isoformat()).status_code == 302
    frozen = IssuedPdf.get(IssuedPdf.circular == cid)
    assert hashlib.sha256(bytes(frozen.data)).hexdigest() == frozen.sha256
    response = office.get(f"/circulars/{cid}.pdf")
    assert response.headers["X-Checksum-SHA256"] == frozen.sha256 and response.data == bytes(frozen.data)
    assert f"鄂能局发〔{year}〕1号" in response.data.decode("latin-1") or b"%PDF" in response.data[:5]
    # the receiving departments see it, and who has not acknowledged is shown to the office
    head = login("head")
    dept_page = head.get(f"/departments/{dept('电力科').id}").get_data(as_text=True)
    assert "节日期间网络舆情工作的通知" in dept_page and "签收" in dept_page
    receipts = office.get(f"/circulars/{cid}").get_data(as_text=True)
    assert "未签收：电力科、煤炭科" in receipts and "0/2" in receipts
    assert head.post(f"/circulars/{cid}/acknowledge").status_code == 302
    receipts = office.get(f"/circulars/{cid}").get_data(as_text=True)
    assert "未签收：煤炭科" in receipts and "吴建国" in receipts and "1/2" in receipts
    # once is enough: a colleague of the same department is told who signed
    again = login("staff").post(f"/circulars/{cid}/acknowledge")
    assert again.status_code == 400 and "本科室已于" in again.get_data(as_text=True)
    # a department it was not sent to neither sees it nor can acknowledge it
    energy = login("energy_head")
    assert energy.get(f"/circulars/{cid}").status_code == 404
    assert energy.post(f"/circulars/{cid}/acknowledge").status_code == 404
    assert CircularRecipient.select().where(CircularRecipient.circular == cid,
                                            CircularRecipient.acknowledged_at.is_null(False)).count() == 1


def test_issued_pdf_stays_as_frozen_whatever_edits_are_tried(app, login, db):
    office, leader = login("office"), login("leader")
    cid = new_circular(office)
    for who, action in ((office, "submit"), (login("office2"), "review"), (leader, "sign"), (office, "issue")):
        assert step(who, cid, action).status_code == 302
    before = office.get(f"/circulars/{cid}.pdf").data
    sha = hashlib.sha256(before).hexdigest()
    data = draft_form(title="篡改后的标题", version=version_on(office, cid),
                      departments=[str(dept("电力科").id)])
    refused = office.post(f"/circulars/{cid}/edit", data=data)
    assert refused.status_code == 400 and "内容不能再修改" in refused.get_data(as_text=True)
    refused = office.post(f"/circulars/{cid}/attachments", data={"kind": "text", "title": "补充", "text": "补充内容"})
    assert refused.status_code == 400 and "附件不能再修改" in refused.get_data(as_text=True)
    assert step(office, cid, "issue").status_code == 400  # not a second time
    assert step(leader, cid, "sign").status_code == 400
    after = office.get(f"/circulars/{cid}.pdf")
    assert after.data == before and after.headers["X-Checksum-SHA256"] == sha
    circular = Circular.get_by_id(cid)
    assert "篡改" not in circular.title and not circular.attachments.count()


def test_bad_input_is_refused_with_a_message_and_nothing_saved(app, login, db):
    office = login("office")
    count = Circular.select().count()
    data = draft_form(prefix="鄂能局发〔2026〕")
    data["departments"] = [str(dept("电力科").id)]
    response = office.post("/circulars/new", data=data)
    assert response.status_code == 400 and "机关代字只填文字部分" in response.get_data(as_text=True)
    data = draft_form(secrecy="bogus")
    response = office.post("/circulars/new", data=data)
    assert response.status_code == 400 and "请选择密级" in response.get_data(as_text=True)
    assert Circular.select().count() == count
    # a draft without body cannot go to review
    cid = new_circular(office, body="")
    refused = step(office, cid, "submit")
    assert refused.status_code == 400 and "请先填写：正文" in refused.get_data(as_text=True)
    assert Circular.get_by_id(cid).state == "draft"
    # a stale form is refused
    stale = step(office, cid, "submit", version="0")
    assert stale.status_code == 409 and "已被他人更新" in stale.get_data(as_text=True)


def test_who_may_do_what(app, login, db):
    office, leader, staff = login("office"), login("leader"), login("staff")
    assert staff.get("/circulars/new").status_code == 403
    assert leader.get("/circulars/new").status_code == 403
    cid = new_circular(office)
    assert step(office, cid, "submit").status_code == 302
    refused = step(leader, cid, "review")
    assert refused.status_code == 400 and "没有核稿通过" in refused.get_data(as_text=True)
    assert step(login("office2"), cid, "review").status_code == 302
    refused = step(office, cid, "sign")
    assert refused.status_code == 400 and "没有签发的权限" in refused.get_data(as_text=True)
    # sent back with a reason, it is a draft again and shows why
    refused = step(leader, cid, "return_sign", comment="")
    assert refused.status_code == 400 and "请写明退回修改的意见" in refused.get_data(as_text=True)
    assert step(leader, cid, "return_sign", comment="请补充值班电话。").status_code == 302
    assert "退回意见：请补充值班电话。" in office.get(f"/circulars/{cid}").get_data(as_text=True)
    # a draft is not visible to the departments it will go to
    assert login("head").get(f"/circulars/{cid}").status_code == 404


def _signing(app, count):
    office = user("office")
    ids = []
    with app.app_context():
        for i in range(count):
            c = workflow.save_draft(office, form=draft_form(title=f"并发签发{i}"), department_ids=[dept("电力科").id])
            workflow.submit(c, office, version=c.version)
            workflow.review(c, user("office2"), version=c.version)
            ids.append(c.id)
    return ids


def test_concurrent_signing_gives_numbers_without_gaps_or_duplicates(app, db):
    threads = 8
    ids = _signing(app, threads)
    year = now().year
    before = (CircularCounter.get_or_none(prefix="鄂能局发", year=year) or CircularCounter(last=0)).last
    barrier = threading.Barrier(threads, timeout=30)

    def sign(i):
        with app.app_context():
            circular = Circular.get_by_id(ids[i])
            barrier.wait()
            workflow.sign(circular, user("leader" if i % 2 else "deputy"), version=circular.version)

    assert run_in_threads(threads, sign) == []
    seqs = sorted(Circular.get_by_id(i).seq for i in ids)
    assert seqs == list(range(before + 1, before + threads + 1))
    assert CircularCounter.get(prefix="鄂能局发", year=year).last == before + threads


def test_two_leaders_signing_one_circular_use_one_number(app, db):
    (cid,) = _signing(app, 1)
    year = now().year
    before = (CircularCounter.get_or_none(prefix="鄂能局发", year=year) or CircularCounter(last=0)).last
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def sign(i):
        with app.app_context():
            circular = Circular.get_by_id(cid)
            barrier.wait()
            try:
                workflow.sign(circular, user(("leader", "deputy")[i]), version=circular.version)
                outcomes.append("signed")
            except workflow.CircularError as exc:
                outcomes.append(str(exc))

    assert run_in_threads(2, sign) == []
    assert outcomes.count("signed") == 1
    assert CircularCounter.get(prefix="鄂能局发", year=year).last == before + 1  # the loser's number rolled back


def test_bulletin_of_overdue_cases_for_a_period(app, login, db):
    from portal.cases.queries import bulletin

    office = login("office")
    start, end = now().date() - timedelta(days=30), now().date()
    rows = bulletin(start, end)
    assert rows, "the demo has overdue cases"
    response = office.post("/circulars/new/bulletin", data={"from": start.isoformat(), "to": end.isoformat()})
    assert response.status_code == 302
    cid = int(response.headers["Location"].rsplit("/", 1)[1])
    circular = Circular.get_by_id(cid)
    assert circular.kind == "bulletin" and "超期未办网络舆情事项的通报" in circular.title
    public = [r for r in rows if r["case"].confidentiality == "normal"]
    restricted = [r for r in rows if r["case"].confidentiality != "normal"]
    assert public and restricted, "the demo has overdue 普通 cases and its 内部 0006"
    for row in public:
        assert row["case"].number in circular.body and row["department"] in circular.body
    for row in restricted:  # counted, never named
        assert row["case"].number not in circular.body and row["case"].title not in circular.body
    assert f"共有{len(rows)}件" in circular.body and f"另有内部事项{len(restricted)}件，已另行通报" in circular.body
    page = office.get(f"/circulars/{cid}").get_data(as_text=True)
    assert public[0]["case"].number in page
    # a period without overdue cases: said so, nothing drafted
    count = Circular.select().count()
    quiet = office.post("/circulars/new/bulletin", data={"from": "2001-01-01", "to": "2001-01-31"})
    assert quiet.status_code == 400 and "没有超期未办事项，无需通报" in quiet.get_data(as_text=True)
    assert Circular.select().count() == count
    assert login("head").get("/circulars/new/bulletin").status_code == 403


def test_restricted_bulletin_names_confidential_cases_only_to_those_entitled(app, login, db):
    from portal.cases.queries import bulletin

    office = login("office")
    start, end = now().date() - timedelta(days=30), now().date()
    period = {"from": start.isoformat(), "to": end.isoformat()}
    told = office.get("/circulars/new/bulletin", query_string=period).get_data(as_text=True)
    assert "内部、涉密事项不列标题和编号" in told and "生成内部通报文稿" in told and "分送局领导、安全监管科" in told
    response = office.post("/circulars/new/bulletin", data=dict(period, scope="restricted"))
    assert response.status_code == 302
    cid = int(response.headers["Location"].rsplit("/", 1)[1])
    circular = Circular.get_by_id(cid)
    internal = next(r["case"] for r in bulletin(start, end) if r["case"].confidentiality != "normal")
    assert internal.number in circular.body and internal.title in circular.body
    assert {r.department.name for r in circular.recipient_rows} == {"安全监管科", "局领导"}
    # never to a department whose members may not all see the case, and nothing changes
    power = Department.get(Department.name == "电力科").id
    form = {name: getattr(circular, name) for name in ("title", "organ", "mark", "prefix", "recipients", "body",
                                                       "signature", "printed_by", "note")}
    widened = office.post(f"/circulars/{cid}/edit", data=dict(form, version=circular.version, kind="bulletin",
                          departments=[str(r.department_id) for r in circular.recipient_rows] + [str(power)]))
    assert widened.status_code == 400 and "请取消：电力科" in widened.get_data(as_text=True)
    assert Circular.get_by_id(cid).version == circular.version
    # those who may not see the case do not see the circular, in the list or by its address
    for who in ("head", "admin", "monitor"):
        assert login(who).get(f"/circulars/{cid}").status_code == 404
        assert internal.number not in login(who).get("/circulars/").get_data(as_text=True)
    assert login("leader").get(f"/circulars/{cid}").status_code == 200


def test_attachments_text_file_and_removal(app, login, db):
    office = login("office")
    cid = new_circular(office)
    assert office.post(f"/circulars/{cid}/attachments", data={"kind": "text", "title": "值班表", "text": "一、值班安排\n每日两人。"}).status_code == 302
    from io import BytesIO

    upload = {"kind": "file", "title": "", "file": (BytesIO(b"%PDF-1.4 test"), "联系人名单.pdf")}
    assert office.post(f"/circulars/{cid}/attachments", data=upload, content_type="multipart/form-data").status_code == 302
    page = office.get(f"/circulars/{cid}").get_data(as_text=True)
    assert "附件1" in page and "值班表" in page and "附件2" in page and "联系人名单" in page
    empty = office.post(f"/circulars/{cid}/attachments", data={"kind": "text", "title": "空", "text": ""})
    assert empty.status_code == 400 and "请填写附件的内容" in empty.get_data(as_text=True)
    first = Circular.get_by_id(cid).attachments.order_by(CircularAttachment.position).first()
    assert office.post(f"/circulars/{cid}/attachments/{first.id}/delete").status_code == 302
    remaining = list(Circular.get_by_id(cid).attachments)
    assert [(a.position, a.file_name) for a in remaining] == [(1, "联系人名单.pdf")]
