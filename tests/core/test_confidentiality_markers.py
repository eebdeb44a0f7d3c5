"""The confidentiality marker test: what a person may not see of a case appears on no page.

A unique marker is planted in the title, post text, netizen name and attachment file name of a
内部 case; the same is offered at intake for a 涉密 case, which must refuse it (涉密 cases are
register entries only). Both cases are driven through the process — report, assign, overdue,
reply draft, approval, reply, grading, the 通报 of overdue cases drafted, reviewed, signed and
issued as a circular with its frozen PDF — so that notifications, audit events, bulletins and
grading records about them exist. Then every user of the demo who may not see them requests
every route of the app, core and plugins (enumerated from ``app.url_map``, each id filled with
the real ids of the objects made), as a page and as an htmx fragment, PDFs read with pypdf,
and the POST-only routes too; the markers and the cases' numbers must appear nowhere.

A route added later joins by itself. One whose parameters this test cannot fill fails
``test_every_route_is_driven`` until ``parameters()`` gives it values or EXEMPT lists it
with a reason.
"""
import base64
import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from portal.cases import access, attachments, workflow
from portal.cases.models import Attachment, Case, Notification
from portal.db import database, now
from portal.org.models import Department, User
from portal.uploads import Upload

MARKERS = {"title": "Qz7TitleMk", "text": "Qz7PostMk", "netizen": "Qz7NetizenMk", "file": "Qz7FileMk"}
RECORD_MARKER = "Qz7RecordMk"  # an accountability record's (第九条): the leaders and 机关纪委 read it, nobody else
WORD = "鹦鹉螺"  # searched for: a hidden case's title holds it
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

EXEMPT = {  # endpoint: why the crawl does not request it
    "static": "the core's static files: no case data",
    "grading.static": "the grading plugin's stylesheet: no case data",
    "auth.logout": "ends the crawling session; its page holds no case data",
    "admin.reset_password": "changes a demo user's password; the admin pages are crawled by GET",
    "documents.refresh_fonts": "re-scans the system's fonts; no case data",
    "casepages.mark_read": "marks notifications read; the notifications page is crawled before it",
}
POST_ONLY_DATA = {"version": "0"}  # a stale version: steps are refused, what they render is checked


def _user(username):
    return User.get(User.username == username)


def _content(seed: str) -> dict:
    return dict(title=f"反映{WORD}煤矿问题{MARKERS['title']}{seed}",
                post_text=f"原帖：{MARKERS['text']}{seed} 该煤矿存在安全隐患。",
                netizen_nickname=f"{MARKERS['netizen']}{seed}", netizen_contact="13900001111",
                url=f"https://bbs.example.cn/qz7/{seed}")


def _secret_intake(client, posted_at) -> tuple[int, bool]:
    """Offer the marker for a 涉密 case at intake; (status, accepted)."""
    data = dict(_content("S"), source="website", category="report", confidentiality="secret",
                posted_at=posted_at.strftime("%Y-%m-%dT%H:%M"),
                screenshot=(io.BytesIO(PNG), f"{MARKERS['file']}S.png"))
    response = client.post("/cases/new", data=data, content_type="multipart/form-data")
    return response.status_code, response.status_code == 302


def _drive(case, *, texts: bool):
    """Report, assign to 煤炭科, let it go overdue, draft, approve and reply to it (late)."""
    office, leader, handler = _user("office"), _user("leader"), _user("coal_liaison")
    say = (lambda s: s) if texts else (lambda s: "")
    coal = Department.get(Department.name == "煤炭科")
    workflow.report(case, office, version=case.version)
    workflow.assign(case, leader, version=case.version, host_department_id=coal.id, instruction=say("请核实后答复。"))
    workflow.tick()  # posted ten days ago: overdue now
    case = Case.get_by_id(case.id)
    workflow.submit_reply(case, handler, version=case.version, findings=say("已核实。"), text=say("网友您好：已处理。"))
    workflow.approve(case, leader, version=case.version)
    workflow.record_reply(case, office, version=case.version,
                          reply_url="https://bbs.example.cn/reply" if texts else "")
    return Case.get_by_id(case.id)


def _grade(case):
    from plugins.grading import workflow as grading

    office = _user("office")
    grading.record_snapshot(case, office, clicks=60000, comments=300, reposts=2, heat_index=80)
    grading.assess(case, office, content="网民反映煤矿安全隐患。", attention="较高", commenters=200, heat_index=80,
                   stage="spreading", impact="可能引发关注。", response="核实并答复。")


def _propose_as_evidence():
    """The accountability plugin proposes the 研判 of the 内部 case as evidence of the Party group's
    item (第七条（三）): its item pages are crawled with it."""
    from plugins.accountability import checklists
    from plugins.accountability.models import Item

    for item in Item.select().where((Item.year == now().year) & (Item.source == "assessment")):
        checklists.propose(item, None)
def _meet(case):
    """The leaders' emergency meeting on the case, with its measure; an item about the case on the
    demo's regular meeting, with its material and a decided matter (the meetings plugin)."""
    from plugins.meetings import workflow as meetings
    from plugins.meetings.models import Decision, Item, ItemFile, Meeting

    office = _user("office")
    coal = Department.get(Department.name == "煤炭科")
    emergency = meetings.create_emergency(case, office)
    Meeting.update(plan=f"应对方案：{case.number}").where(Meeting.id == emergency.id).execute()
    regular = Meeting.get(Meeting.kind == "regular")
    for meeting in (emergency, regular):
        item = Item.create(meeting=meeting.id, department=coal.id, title=f"研究{case.number}", case=case.id,
                           opinion=f"处理{case.number}", basis="制度", state="accepted", position=9,
                           minutes=f"纪要{case.number}", minutes_state="confirmed")
        ItemFile.create(item=item.id, file_name=f"{MARKERS['file']}M.pdf", content_type="application/pdf", data=b"%PDF")
        Decision.create(item=item.id, text=f"办理{case.number}", department=coal.id, due_on=now().date())
    _follow_up(case, office, coal)


def _follow_up(case, office, coal):
    """A 专项督查组 sent about the case, following its decided matter, with a report; a lead about
    it shared with the office (the meetings plugin's follow-up work)."""
    from plugins.meetings.models import Decision, Group, GroupMatter, GroupMember, GroupReport, Item, Share, ShareRecipient

    group = Group.create(title=f"督查组{case.number}", task=f"督办{case.number}", leader=office.id, created_by=office.id)
    GroupMember.create(group=group.id, user=office.id)
    GroupMatter.create(group=group.id, case=case.id)
    decision = Decision.select().join(Item).where(Item.case == case.id).first()
    GroupMatter.create(group=group.id, decision=decision.id)
    GroupReport.create(group=group.id, text=f"督查{case.number}", by=office.id)
    # a group about no case, following the case's decided matter: the matter must not show
    other = Group.create(title="不涉及事项的督查组", task="督办", leader=office.id, created_by=office.id)
    GroupMatter.create(group=other.id, decision=decision.id)
    lead = Share.create(kind="lead", department=coal.id, title=f"线索{case.number}", text=f"线索{MARKERS['text']}",
                        case=case.id, by=office.id)
    ShareRecipient.create(share=lead.id, department=office.department_id)


def _issue_bulletins(office_client, start, end):
    """As the office, draft the 通报 of overdue cases (and the restricted one where the portal offers
    it), then 核稿 (by a second office user), 签发, 印发 each."""
    from plugins.circulars import workflow as circulars
    from plugins.circulars.models import Circular

    before = {c.id for c in Circular.select(Circular.id)}
    period = {"from": start.isoformat(), "to": end.isoformat()}
    assert office_client.post("/circulars/new/bulletin", data=dict(period)).status_code == 302
    office_client.post("/circulars/new/bulletin", data=dict(period, scope="restricted"))
    made = list(Circular.select().where(Circular.id.not_in(before)).order_by(Circular.id))
    assert made, "no 通报 drafted"
    reviewer, leader, office = _user("office2"), _user("leader"), _user("office")
    for circular in made:
        circulars.submit(circular, office, version=circular.version)
        circulars.review(circular, reviewer, version=circular.version)
        circulars.sign(circular, leader, version=circular.version)
        circulars.issue(circular, office, version=circular.version)
    return made


def _hold_to_account(leader):
    """An accountability record with a document (the accountability plugin), marked with its own
    marker: only the leaders and 机关纪委 may read it, though they may not see the 内部 case."""
    from plugins.accountability import records

    record = records.create({"subject": f"某负责人{RECORD_MARKER}", "department": None, "situations": [5],
                             "facts": f"所属阵地出现错误导向{RECORD_MARKER}。", "form": "诫勉",
                             "decided_by": f"局党组{RECORD_MARKER}", "decided_on": now().date()}, leader)
    records.attach(record, Upload(("决定" + RECORD_MARKER).encode(), "text/plain", f"{RECORD_MARKER}.txt"),
                   leader)


def _inspect():
    """The annual inspection's finding on one of 电力科's items, with a rectification."""
    from plugins.accountability.models import Finding, Item, Rectification

    item = Item.select().where((Item.year == now().year) & Item.department.is_null(False)).order_by(Item.id).first()
    finding = Finding.create(item=item.id, score=6, text="台账不全。")
    Rectification.create(finding=finding.id, year=item.year, department=item.department_id, task="补齐台账。",
                         owner=item.owner_id, due_at=now(), data=b"x", filename="a.txt", content_type="text/plain")


@pytest.fixture
def world(app, db):
    """The two cases driven through the process, and who may not see them."""
    # the demo's second office user (office2) does the 核稿: the drafter may not
    posted_at = now() - timedelta(days=10)
    office_client = app.test_client()
    assert office_client.login("office").status_code == 302
    status, secret_accepted = _secret_intake(office_client, posted_at)
    with app.app_context():
        office = _user("office")
        internal = workflow.register(office, source="website", category="report", posted_at=posted_at,
                                     confidentiality="internal", **_content("I"))
        with database.atomic():
            attachments.store(internal, Upload(PNG, "image/png", f"{MARKERS['file']}I.png"), "screenshot", office)
        if secret_accepted:  # what intake let in is what gets driven
            secret = Case.select().where(Case.confidentiality == "secret").order_by(Case.id.desc()).get()
        else:
            secret = workflow.register(office, title="", source="website", category="report", url="", post_text="",
                                       posted_at=posted_at, confidentiality="secret")
        internal = _drive(internal, texts=True)
        secret = _drive(secret, texts=secret_accepted)
        _grade(internal)
        _propose_as_evidence()
        _meet(internal)
        _hold_to_account(_user("leader"))
        _inspect()
    day = posted_at.date()
    with app.app_context():
        circulars = _issue_bulletins(office_client, day, now().date())
        report = f"statistics.report:{day.year * 100 + day.month}"  # the 舆情月报 of the cases' month, to every unit
        assert office_client.post("/circulars/new/from-document", data={"document": report}).status_code == 302
    with app.app_context():
        hidden = [u for u in User.select().order_by(User.id)
                  if not access.can_see(u, internal) or not access.can_see(u, secret)]
        assert {u.id for u in hidden} == {u.id for u in User.select() if not access.can_see(u, internal)}
        _jobs_about(app, internal, hidden)
        record_readers = {u.id for u in User.select() if u.can("accountability.records")}
    return dict(record_readers=record_readers, internal=internal, secret=secret, secret_status=status, secret_accepted=secret_accepted,
                circulars=circulars, hidden=hidden, period=(day, now().date()))


def _jobs_about(app, case, users):
    """Finished PDF jobs about the case, owned by people who may not see it (they could when they
    asked, say) and by one who may: their pages and files must not show it to the first."""
    import json

    from portal.jobs import jobs_folder
    from portal.jobs.models import Job

    folder = jobs_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    for owner in users + [_user("leader")]:
        job = Job.create(kind="documents.pdf", owner=owner, created_at=now(), finished_at=now(), state="done",
                         params=json.dumps({"kind": "cases.dossier", "object_id": case.id}),
                         title=f"生成 案卷 {case.number} {MARKERS['title']}.pdf", result_type="text/plain",
                         result_name=f"案卷 {case.number}.txt", result_file=f"markers-{owner.id}")
        (folder / job.result_file).write_text(f"{case.title} {case.number}")


def forbidden_texts(world) -> list[re.Pattern]:
    numbers = [re.escape(c.number) + r"(?!\d)" for c in (world["internal"], world["secret"])]
    return [re.compile(p) for p in [re.escape(m) for m in MARKERS.values()] + numbers]


def parameters(app, world) -> dict[str, list]:
    """Values for each URL parameter: the real ids of what the scenario made."""
    from plugins.circulars.models import Circular, CircularAttachment
    from portal import documents
    from portal.jobs.models import Job
    from portal.org.models import WorkingGroup, WorkingGroupMember
    from plugins.circulars import workflow as circulars
    from plugins.accountability import workflow as accountability
    from plugins.accountability import inspection
    from plugins.accountability.models import Evidence, Item, Record, RecordDocument, Rectification, TemplateItem
    from plugins.meetings import workflow as meetings
    from plugins.meetings.models import Meeting

    with app.app_context(), database.connection_context():
        cases = [world["internal"].id, world["secret"].id, Case.get(Case.number.endswith("-0001")).id]
        circular_ids = [c.id for c in Circular.select(Circular.id)]
        files = ([a.id for a in Attachment.select(Attachment.id).where(Attachment.case.in_(cases))]
                 + [a.id for a in CircularAttachment.select(CircularAttachment.id)][:3])
        return {
            "case_id": cases,
            "attachment_id": files,
            "circular_id": circular_ids,
            "department_id": [d.id for d in Department.select(Department.id)],
            "user_id": [u.id for u in User.select(User.id)],
            "group_id": [g.id for g in WorkingGroup.select(WorkingGroup.id)][:2],
            "member_id": [m.id for m in WorkingGroupMember.select(WorkingGroupMember.id)][:2],
            "kind_name": list(documents.document_kinds()),
            "object_id": sorted(set(cases + circular_ids + [m.id for m in Meeting.select(Meeting.id)]
                                    + [now().year * 100 + now().month, now().year * 100 + 99])),  # 舆情月报, 年度总结
            **_meeting_parameters(),
            "year": [now().year],
            "template_id": [t.id for t in TemplateItem.select(TemplateItem.id)][:2],
            # a blueprint's own values where two mean different things by one name (BY_BLUEPRINT)
            ("cases", "action"): sorted(workflow.ACTIONS),
            ("circulars", "action"): sorted(circulars.ACTIONS),
            ("accountability", "action"): sorted(set(accountability.ACTIONS) | set(inspection.WORKFLOW.steps)),
            "rect_id": [r.id for r in Rectification.select(Rectification.id)],
            "record_id": [r.id for r in Record.select(Record.id)],
            "document_id": [d.id for d in RecordDocument.select(RecordDocument.id)],
            ("meetings", "action"): sorted(set(meetings.MEETING.steps) | set(meetings.ITEM.steps)
                                           | set(meetings.DECISION.steps) | {"read", "report", "close", "return"}),
            ("accountability", "item_id"): sorted(
                {e.item_id for e in Evidence.select(Evidence.item).where(Evidence.case.in_(cases))}
                | {i.id for i in Item.select(Item.id).where(Item.year == now().year).limit(2)}),
            "evidence_id": [e.id for e in Evidence.select(Evidence.id).where(Evidence.case.in_(cases))][:3],
            "decision": ["accept", "reject"],
            "number": [1],
            "name": [p.name for p in app.extensions["portal_plugins"]],
            "job_id": [j.id for j in Job.select(Job.id)],
            **_monitoring_parameters(),
        }


def _monitoring_parameters() -> dict[str, list]:
    from plugins.monitoring.models import (Batch, Candidate, Enquiry, Period, Position, Shift, Statement, Topic,
                                           Training)

    return {"topic_id": [t.id for t in Topic.select(Topic.id).order_by(Topic.id)][:2],
            "period_id": [p.id for p in Period.select(Period.id).order_by(Period.id)][:2],
            "shift_id": [s.id for s in Shift.select(Shift.id).order_by(Shift.id)][:2],
            "batch_id": [b.id for b in Batch.select(Batch.id).order_by(Batch.id)][:2],
            "candidate_id": [c.id for c in Candidate.select(Candidate.id).order_by(Candidate.id)][:2],
            "position_id": [p.id for p in Position.select(Position.id).order_by(Position.id)][:2],
            "training_id": [t.id for t in Training.select(Training.id).order_by(Training.id)][:2],
            "statement_id": [s.id for s in Statement.select(Statement.id).order_by(Statement.id)][:2],
            "enquiry_id": [e.id for e in Enquiry.select(Enquiry.id).order_by(Enquiry.id)][:2]}


def _meeting_parameters() -> dict[str, list]:
    from plugins.meetings.models import Decision, Group, Instruction, Item, ItemFile, Meeting, Report, Share, Task

    return {("meetings", "group_id"): [g.id for g in Group.select(Group.id)],
            "instruction_id": [i.id for i in Instruction.select(Instruction.id)],
            "task_id": [t.id for t in Task.select(Task.id)], "share_id": [s.id for s in Share.select(Share.id)],
            "meeting_id": [m.id for m in Meeting.select(Meeting.id)], "item_id": [i.id for i in Item.select(Item.id)],
            "file_id": [f.id for f in ItemFile.select(ItemFile.id)],
            "decision_id": [d.id for d in Decision.select(Decision.id)],
            "report_id": [r.id for r in Report.select(Report.id)]}


def urls(app, world) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(method, url, rule) for every route with its parameters filled, and the routes that could not be."""
    from itertools import product

    values, requests, unfilled = parameters(app, world), [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in EXEMPT:
            continue
        blueprint = rule.endpoint.partition(".")[0]
        values_of = {n: values.get((blueprint, n), values.get(n)) for n in rule.arguments}
        if any(v is None for v in values_of.values()):
            unfilled.append(rule.rule)
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        names = sorted(rule.arguments)
        for combo in product(*(values_of[n] for n in names)):
            try:
                url = app.url_map.bind("localhost").build(rule.endpoint, dict(zip(names, combo)), method=method)
            except Exception:
                unfilled.append(rule.rule)
                break
            requests.append((method, url, rule.rule))
    start, end = world["period"]
    period = f"from={start.isoformat()}&to={end.isoformat()}"
    requests += [("GET", url, url.partition("?")[0]) for url in (
        f"/cases/?q={WORD}", "/cases/?q=YQ", f"/cases/?{period}", "/cases/?state=replied", "/admin/audit?page=2",
        f"/cases/bulletin?{period}", f"/circulars/new/bulletin?{period}", f"/statistics/?{period}", f"/search?q={WORD}", "/search?q=Qz7",
        f"/cases/?{period}&outcome=late", f"/cases/?{period}&outcome=decided")]
    return requests, unfilled


def text_of(response) -> str:
    body = response.get_data()
    if response.mimetype == "application/pdf":
        try:
            body_text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
        except PyPdfError:  # an upload that only claims to be a PDF (the meetings' material): its bytes
            body_text = body.decode("utf-8", "replace")
    elif response.mimetype.endswith("spreadsheetml.sheet"):  # the ledger: every cell of every sheet
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        body_text = "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True)
                              for v in row if v is not None)
    else:
        body_text = body.decode("utf-8", "replace")
        for chart in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", body_text):  # the statistics' charts
            body_text += "\n" + base64.b64decode(chart).decode("utf-8", "replace")
    return body_text + "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers.items())


def crawl(app, world, users, only=None) -> tuple[int, list[str], dict]:
    """Request every url as each of ``users``; (requests made, leaks found, {rule: users who saw a marker}).
    ``only``: the patterns looked for (default: the cases', and the accountability record's for
    those who may not read it)."""
    requests, _ = urls(app, world)
    made, leaks, by_rule = 0, [], {}
    for user in users:
        patterns = only or forbidden_texts(world) + (
            [] if user.id in world["record_readers"] else [re.compile(RECORD_MARKER)])
        client = app.test_client()
        assert client.login(user.username).status_code == 302
        token = client.csrf_token()
        ordered = [r for r in requests if r[0] == "GET"] + [r for r in requests if r[0] == "POST"]
        for method, url, rule in ordered:
            variants = [{}, {"HX-Request": "true"}]
            for headers in variants:
                if method == "GET":
                    response = client.get(url, headers=headers)
                else:
                    response = client.post(url, data=dict(POST_ONLY_DATA, csrf_token=token), headers=headers,
                                           csrf=False)
                made += 1
                found = text_of(response)
                for pattern in patterns:
                    if pattern.search(found):
                        hx = " (htmx)" if headers else ""
                        leaks.append(f"{user.username}: {method} {url}{hx} → {response.status_code} shows {pattern.pattern}")
                        by_rule.setdefault(f"{method} {rule}", set()).add(user.username)
    return made, leaks, by_rule


def test_secret_intake_refuses_content(app, world):
    """涉密 is register-only: the marker offered at intake is refused and stored nowhere."""
    assert not world["secret_accepted"], f"涉密 intake with content answered {world['secret_status']}"
    assert world["secret_status"] == 400
    with app.app_context(), database.connection_context():
        secret = Case.get_by_id(world["secret"].id)
        held = " ".join(str(v) for v in secret.__data__.values())
        assert not any(m in held for m in MARKERS.values())
        assert not Attachment.select().where(Attachment.case == secret.id).exists()


def test_notifications_reach_only_who_may_see(app, world):
    with app.app_context(), database.connection_context():
        wrong = [(n.user.username, n.message) for n in Notification.select().where(
            Notification.case.in_([world["internal"].id, world["secret"].id]))
            if not access.can_see(n.user, n.case)]
    assert wrong == []


def test_every_route_is_driven(app, world):
    _, unfilled = urls(app, world)
    assert unfilled == [], "routes the marker test cannot fill: give them values in parameters() or an EXEMPT reason"


def test_markers_appear_nowhere_for_those_who_may_not_see(app, world):
    assert {u.username for u in world["hidden"]} >= {"admin", "monitor", "head", "staff", "liaison"}
    made, leaks, by_rule = crawl(app, world, world["hidden"])
    print(f"marker crawl: {made} requests as {len(world['hidden'])} users")
    routes = "\n".join(f"{rule}: {', '.join(sorted(who))}" for rule, who in sorted(by_rule.items()))
    assert leaks == [], f"{len(leaks)} leaks in {made} requests, on {len(by_rule)} routes:\n{routes}\n" + "\n".join(leaks[:40])


def test_accountability_records_appear_nowhere_for_those_who_may_see_the_cases(app, world):
    """The office sees the 内部 case but not the accountability records (第九条)."""
    office = [u for u in User.select() if u.username == "office"]
    made, leaks, _ = crawl(app, world, office, only=[re.compile(RECORD_MARKER)])
    assert made > 100 and leaks == [], "\n".join(leaks[:40])


def test_the_markers_are_found_where_they_may_be(app, world):
    """The crawl's eyes work: an entitled reader finds the markers on the case page, in the audit
    log, in the dossier PDF."""
    patterns = forbidden_texts(world)
    leader = app.test_client()
    assert leader.login("leader").status_code == 302
    internal = world["internal"].id
    page = text_of(leader.get(f"/cases/{internal}"))
    assert all(p.search(page) for p in patterns[:3])
    pdf = text_of(leader.get(f"/documents/cases.dossier/{internal}.pdf"))
    assert patterns[0].search(pdf)
    office = app.test_client()
    assert office.login("office").status_code == 302
    assert patterns[0].search(text_of(office.get("/admin/audit")))
    record = text_of(leader.get("/accountability/records"))
    assert RECORD_MARKER in record


def test_the_bulletins_count_what_they_may_not_name(app, world):
    """The 通报 for every unit counts the 内部/涉密 cases; a restricted one names them, goes only to
    departments entitled to see them, and its readers find them in its issued PDF."""
    from plugins.circulars.models import Circular, CircularRecipient

    with database.connection_context():
        made = [Circular.get_by_id(c.id) for c in world["circulars"]]
        public = [c for c in made if c.source.startswith("bulletin:")]
        restricted = {c.id: c for c in made if c.source.startswith("bulletin-restricted:")}
        withheld = Case.select().where((Case.confidentiality != "normal") & (Case.due_at < now())
                                       & (Case.reject_reason == "")).count()  # the demo's 0006 too
        assert len(public) == 1 and f"另有内部事项{withheld}件，已另行通报" in public[0].body
        assert all(c.state == "issued" for c in made)
        receivers = {}
        for row in CircularRecipient.select().where(CircularRecipient.circular.in_(list(restricted))):
            receivers.setdefault(row.circular_id, set()).add(row.department.name)
    ours = [i for i, c in restricted.items() if world["internal"].number in c.body]
    assert len(ours) == 1 and world["secret"].number in restricted[ours[0]].body
    assert receivers[ours[0]] == {"煤炭科", "局领导"}
    coal = app.test_client()
    assert coal.login("coal_head").status_code == 302
    pdf = text_of(coal.get(f"/circulars/{ours[0]}.pdf"))
    patterns = forbidden_texts(world)
    assert patterns[0].search(pdf) and patterns[-1].search(pdf) and patterns[-2].search(pdf)
    # lines and pages break anywhere: without whitespace and page numbers ("— 1 —")
    public_pdf = re.sub(r"—\d+—", "", re.sub(r"\s+", "", text_of(coal.get(f"/circulars/{public[0].id}.pdf"))))
    assert f"另有内部事项{withheld}件" in public_pdf


def test_the_duplicate_link_check_never_names_a_hidden_case(app, world):
    """Typing, or saving, the link of an open 内部 case names nothing to those who may not see it
    (issue 13 item 3), while an entitled reader is warned."""
    with app.app_context():
        open_one = workflow.register(_user("office"), source="website", category="report", posted_at=now() - timedelta(hours=2),
                                     confidentiality="internal", **_content("L"))
    spelled_otherwise = _content("L")["url"].replace("https://bbs.", "https://BBS.") + "/?from=share"
    forbidden = forbidden_texts(world) + [re.compile(re.escape(open_one.number))]
    office = app.test_client()
    assert office.login("office").status_code == 302
    assert open_one.number in text_of(office.get("/cases/check-link", query_string={"url": spelled_otherwise},
                                                 headers={"HX-Request": "true"}))
    checked = 0
    for user in world["hidden"]:
        client = app.test_client()
        assert client.login(user.username).status_code == 302
        with app.app_context():
            may_register = User.get_by_id(user.id).can("case.register")
        if not may_register:
            continue
        typed = text_of(client.get("/cases/check-link", query_string={"url": spelled_otherwise},
                                   headers={"HX-Request": "true"}))
        saved = client.post("/cases/new", data=dict(
            source="website", category="consult", confidentiality="normal", title="同一帖子再次登记",
            post_text="网友再次反映。", url=spelled_otherwise,
            posted_at=(now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")), follow_redirects=True)
        assert saved.status_code == 200
        for page in (typed, text_of(saved)):
            assert not [p.pattern for p in forbidden if p.search(page)], user.username
        checked += 1
    assert checked >= 1  # the monitors
