"""Issue 7, "Input": every core form tried with hostile values through HTTP, property-based.

Each property test builds the app once (Hypothesis shares the function-scoped fixtures between
its examples) and posts many hostile submissions through the real forms: HTML and script, SQL
fragments, 10k-200k character strings, lists where one value is expected, impossible dates,
control characters, bidi overrides, zero-width joiners, combining marks, emoji, full-width
digits. The properties:

- never a 500;
- a refused submission answers 4xx (or 200 with the form shown again) with a Chinese message,
  and changes nothing in the database;
- accepted text is stored as typed (minus the control characters the case forms strip) and
  shown escaped: the raw payload never reaches a page, its escaped form does;
- a ``next`` redirect never leaves the site.

The bugs these tests found are pinned by the regression tests at the end of this file; the
property tests no longer step around any input.

``PORTAL_HOSTILE_EXAMPLES=500`` runs more examples per form than the default 25.
"""
import re
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from hypothesis import event, given, note
from hypothesis import strategies as st
from markupsafe import escape
from werkzeug.security import check_password_hash

from portal.audit import AuditEvent
from portal.auth.permissions import ROLES
from portal.cases import workflow
from portal.cases.access import SECRET_TEXT, SECRET_TITLE
from portal.cases.models import (
    CATEGORIES,
    CONFIDENTIALITY,
    SOURCES,
    STATES,
    Attachment,
    Case,
    CaseCoDepartment,
    Explanation,
    Extension,
    Notification,
    ReplyDraft,
    Supervision,
    Urging,
    WorkdayOverride,
)
from portal.db import database, now
from portal.demo import DEMO_PASSWORD
from portal.org.models import DEPARTMENT_KINDS, Department, User
from portal.settings import Setting

from tests.hostile import (
    BAD_DATETIMES, DT_FORMATS, HOSTILE, HUGE_ID, NEXTS, PNG, XSS, Portal, assert_all, assert_clean_filename,
    assert_refused, assert_shown_escaped, choice_field, clean, count, field, field_problem, field_strategy, first,
    fixed_hostile, fullwidth, get_raw, hostile_text, id_variants, messages, one_of_these, oversized, parse_dt, post_raw, recent,
    refusal_problem, request, rows, sendable, stays_on_site, text_field, to_int, typed, upload_ok, upload_value, uploads,
    url_strategy, user_rows, valid_value, weighted, written,
)


def build_case(app, state) -> int:
    """A case in ``state`` ("secret:handling": a 涉密 one, its steps taken without text)."""
    secret, state = state.startswith("secret:"), state.removeprefix("secret:")
    with app.app_context(), database.connection_context():
        u = {n: User.get(User.username == n) for n in ("monitor", "office", "leader", "head")}
        case = workflow.register(u["monitor"], title="" if secret else "恶意输入测试事项", source="website", url="",
                                 post_text="" if secret else "原帖内容。", category="complaint",
                                 posted_at=now() - timedelta(hours=2), confidentiality="secret" if secret else "normal")

        def go(step, actor, **fields):
            fields = {k: ("" if secret and isinstance(v, str) else v) for k, v in fields.items()}
            step(case, u[actor], version=case.version, **fields)

        if state == "supervised":
            go(workflow.supervise, "office", note="督办")
        if state == "rejected":
            go(workflow.reject, "office", reason="不属于本局职责。")
        if state in ("registered", "supervised", "rejected"):
            return case.id
        go(workflow.report, "monitor")
        if state == "reported":
            return case.id
        power = Department.get(Department.name == "电力科").id
        go(workflow.assign, "leader", host_department_id=power, instruction="请电力科核实办理。")
        if state == "handling":
            return case.id
        if state == "extension_pending":
            go(workflow.request_extension, "head", days=4, reason="需补充材料。")
            return case.id
        go(workflow.submit_reply, "head", findings="已核实。", text="回复稿。")
        if state == "awaiting_approval":
            return case.id
        go(workflow.approve, "leader")
        assert state == "approved", state
        return case.id


@pytest.fixture
def portal(app, monkeypatch):
    # One connection for the whole test, shared by the requests (they reuse an open one): connecting
    # per query costs more than the query on PostgreSQL.
    with database.connection_context():
        yield Portal(app, monkeypatch, build=build_case)


def fetch(case_id) -> Case:
    with database.connection_context():
        return Case.get_by_id(case_id)


CASE_CHILDREN = (ReplyDraft, Extension, Explanation, Urging, Supervision, Attachment, CaseCoDepartment)


def case_snapshot(case_id):
    """Everything a step may change about one case."""
    return (rows(Case, Case.id == case_id),
            {m.__name__: rows(m, m.case == case_id) for m in CASE_CHILDREN},
            count(AuditEvent, AuditEvent.object_type == "case", AuditEvent.object_id == case_id),
            count(Notification, Notification.case == case_id))


# --- login and password ------------------------------------------------------------------------

USERNAMES = ["staff", " staff ", "staff\t", "\u3000staff", "STAFF", "ｓｔａｆｆ", "staff\x00", "admin' --", "admin",
             "staff' OR '1'='1", "sta\u200bff"]
PASSWORDS = [DEMO_PASSWORD] * 4 + [DEMO_PASSWORD + " ", " " + DEMO_PASSWORD, "Ｄｅｍｏ２０２６", "' OR 1=1 --", "demo2026"]


@HOSTILE
@given(username=field(weighted((3, st.sampled_from(USERNAMES)),
                               (2, hostile_text(huge=False, limit=40).filter(lambda s: len(s) <= 40)),
                               (1, hostile_text(huge=False)))),
       password=field(weighted((3, st.sampled_from(PASSWORDS)),
                               (2, hostile_text(huge=False, limit=200).filter(lambda s: len(s) <= 200)),
                               (1, hostile_text(huge=False)))),
       next_=st.one_of(st.none(), st.sampled_from(NEXTS), hostile_text(huge=False)))
def test_login(portal, username, password, next_):
    u, p = first(username) or "", first(password) or ""
    client = portal.fresh_client()
    before = user_rows()
    url = "/login" + (f"?next={quote(next_, safe='')}" if next_ is not None else "")
    response = request(client.post, url, data={"username": username, "password": password})
    with database.connection_context():
        names = {x.username for x in User.select().where(User.active)}
    should = bool(u.strip()) and bool(p.strip()) and typed(username) in names and p == DEMO_PASSWORD
    if response.status_code == 302:
        assert should, "logged in with a wrong user name or password"
        assert stays_on_site(response.headers["Location"]), response.headers["Location"]
        assert request(client.get, "/account/password").status_code == 200
        event("accepted")
        return
    page = assert_refused(response, statuses=(429,))
    if should:
        assert response.status_code == 429 and "过于频繁" in page  # the throttle refuses before checking the password
    assert request(client.get, "/account/password").status_code == 302  # still logged out
    assert user_rows() == before
    for payload in XSS:
        assert payload not in page


@HOSTILE
@given(current=st.one_of(st.none(), st.none(), st.none(), field(hostile_text(huge=False))),
       new=field(st.one_of(st.sampled_from(["Abc12345", "密码Abc123<script>", "Ａｂｃ１２３４５６", "Pass 1234 ' OR 1=1 --",
                                            "a1\x00\x1b\u202e\u200d💩xyz", "abcdefgh", "12345678", "Ab1"]),
                           st.builds(lambda a, b: "Aa1" + a + b, hostile_text(huge=False), hostile_text(huge=False)),
                           hostile_text(huge=False))),
       confirm=st.one_of(st.none(), st.none(), st.none(), field(hostile_text(huge=False))))
def test_change_password(portal, current, new, confirm):
    """``current``/``confirm`` None: the right current password / the same as ``new``."""
    client = portal.client("staff")
    actual = getattr(portal, "staff_password", DEMO_PASSWORD)
    current = actual if current is None else current
    confirm = new if confirm is None else confirm
    c, n, k = first(current) or "", first(new) or "", first(confirm) or ""
    before = user_rows()
    response = portal.post("staff", "/account/password", {"current": current, "new": new, "confirm": confirm})
    should = (bool(c.strip()) and bool(n.strip()) and bool(k.strip()) and k == n and c == actual and n != c
              and 8 <= len(n) <= 200 and any(ch.isdigit() for ch in n) and any(ch.isalpha() for ch in n))
    with database.connection_context():
        user = User.get(User.username == "staff")
    if response.status_code == 302:
        assert should, "password changed despite an error"
        assert check_password_hash(user.password_hash, n)
        portal.staff_password = n
        assert request(client.get, "/account/password").status_code == 200  # this session goes on
        event("accepted")
        return
    assert not should, response.get_data(as_text=True)[-2000:]
    assert_refused(response)
    assert user_rows() == before and check_password_hash(user.password_hash, actual)


# --- case intake ---------------------------------------------------------------------------------

URL_FIELD = url_strategy(500)  # the intake form's link


@HOSTILE
@given(title=text_field(120), source=choice_field(SOURCES), category=choice_field(CATEGORIES), url=URL_FIELD,
       posted_at=field(weighted((4, st.tuples(st.integers(-400 * 24 * 60, -10), st.sampled_from(DT_FORMATS))),
                                (1, st.tuples(st.integers(10, 3 * 24 * 60), st.sampled_from(DT_FORMATS))),
                                (1, st.sampled_from(BAD_DATETIMES)))),
       post_text=text_field(10000), confidentiality=choice_field(CONFIDENTIALITY),
       nickname=text_field(80), contact=text_field(120), screenshot=st.one_of(st.none(), uploads))
def test_case_intake(portal, title, source, category, url, posted_at, post_text, confidentiality, nickname, contact,
                     screenshot):
    portal.client("monitor")  # logged in before counting: a login is audited
    at = now()
    posted_at = written(posted_at, at)
    data = {"title": title, "source": source, "category": category, "url": url, "posted_at": posted_at,
            "post_text": post_text, "confidentiality": confidentiality, "netizen_nickname": nickname,
            "netizen_contact": contact, "screenshot": upload_value(screenshot) if screenshot else None}
    conf = "normal" if confidentiality is None else first(confidentiality)
    posted = parse_dt(first(posted_at))
    shot = upload_ok(screenshot) if screenshot else None
    link = typed(url)
    secret = conf == "secret"  # register-only: any content is refused, title and text are the portal's
    offered = [typed(title), typed(post_text), link, typed(nickname), typed(contact), screenshot]
    problems = [name for name, bad in [
        ("secret_content", secret and any(offered)),
        ("title", not secret and (not typed(title) or len(typed(title)) > 120)),
        ("post_text", not secret and (not typed(post_text) or len(typed(post_text)) > 10000)),
        ("url", len(link) > 500 or (link and not link.lower().startswith(("http://", "https://")))),
        ("source", first(source) not in SOURCES), ("category", first(category) not in CATEGORIES),
        ("confidentiality", conf not in CONFIDENTIALITY),
        ("posted_at", posted is None or posted > at + timedelta(minutes=5) or posted < at - timedelta(days=366)),
        ("netizen_nickname", len(typed(nickname)) > 80), ("netizen_contact", len(typed(contact)) > 120),
        ("screenshot", shot is False),
    ] if bad] + (["413"] if oversized(data) else [])
    note(f"expected problems: {problems}")
    for problem in problems:
        event(f"expected problem: {problem}")
    before = count(Case), count(Attachment), count(AuditEvent)
    response = portal.post("monitor", "/cases/new", data, multipart=True)
    if response.status_code == 302:
        assert not problems, f"accepted despite {problems}"
        case_id = int(re.search(r"/cases/(\d+)$", response.headers["Location"]).group(1))
        case = fetch(case_id)
        expected = (SECRET_TITLE, SECRET_TEXT) if secret else (typed(title), typed(post_text))
        assert (case.title, case.post_text, case.url) == (*expected, link)
        assert (case.source, case.category, case.confidentiality, case.posted_at) == (
            first(source), first(category), conf, posted)
        assert case.netizen_nickname == typed(nickname) and case.netizen_contact == typed(contact)
        files = rows(Attachment, Attachment.case == case_id)
        assert len(files) == (1 if shot else 0)
        for f in files:
            assert_clean_filename(f["filename"])
        page = portal.get("monitor", f"/cases/{case_id}").get_data(as_text=True)
        assert_shown_escaped(page, case.title, case.post_text, case.url, case.netizen_nickname, case.netizen_contact)
        listed = portal.get("monitor", "/cases/", query_string={"q": case.number}).get_data(as_text=True)
        assert_shown_escaped(listed, case.title)
        event("accepted")
        return
    assert problems, f"refused a valid submission: {messages(response.get_data(as_text=True))}"
    page = assert_refused(response)
    assert (count(Case), count(Attachment), count(AuditEvent)) == before
    for payload in XSS:
        assert payload not in page


def test_invalid_utf8_bytes_are_replaced_not_a_500(portal):
    """Bytes that are no UTF-8 (a surrogate's CESU-8 encoding, a stray 0xFF, an overlong slash): werkzeug
    keeps them as the %XX text typed, never as lone surrogates the database would choke on."""
    client = portal.client("monitor")
    body = (f"title=%ED%A0%80%FF标题&source=website&category=complaint&posted_at={recent()}"
            "&post_text=%ED%B2%A9%C0%AF&csrf_token=" + client.token).encode()
    response = request(client.post, "/cases/new", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    case = fetch(int(response.headers["Location"].rsplit("/", 1)[1]))
    assert case.title == "%ED%A0%80%FF标题" and case.post_text == "%ED%B2%A9%C0%AF"
    case.title.encode("utf-8"), case.post_text.encode("utf-8")  # no lone surrogates
    assert_shown_escaped(request(client.get, f"/cases/{case.id}").get_data(as_text=True), case.title)
    listing = request(client.get, "/cases/?q=%ED%A0%80%FF&state=%FF&from=%C0%AF&page=%FF")
    assert listing.status_code == 200


# --- every case step, from its field schema ---------------------------------------------------------
# Each step's fields (portal.process.Field, declared once in portal.cases.workflow.STEPS) give the
# values tried and, by kind, which must be refused (tests/hostile.py, "generated from a step's
# field schema"); the case each step is tried on and who takes it come from the same declaration.

CASE_STEPS = list(workflow.WORKFLOW.steps)
BUILDABLE = {"registered": "registered", "supervised": "registered", "rejected": "rejected",
             "reported": "reported", "handling": "handling", "extension_pending": "handling",
             "awaiting_approval": "awaiting_approval", "approved": "approved"}  # build_case's: the case's state
VERSIONS = ["{v}"] * 16 + ["", "0", "-1", " {v}", "{v} ", "{v}\x00", "{v}.0", "+{v}", "０", "' OR 1=1 --",
                          "99999999999999999999999", "{v}; DROP TABLE case; --", "NaN"]


def scene(p: Portal, name: str, secret=False) -> tuple[str, str]:
    """(build_case state, username): the first case and demo user the workflow lets take ``name``."""
    step = workflow.WORKFLOW.steps[name]
    with p.app.app_context(), database.connection_context():
        users = list(User.select().where(User.active).order_by(User.id))
        for state, case_state in BUILDABLE.items():
            key = f"secret:{state}" if secret else state
            if case_state not in step.states:
                continue
            case = Case.get_by_id(p.case(key))
            for user in users:
                if workflow.WORKFLOW.allowed(case, user, name):
                    return key, user.username
    raise AssertionError(f"no case or user for {name}")


def post_step(p: Portal, actor, case_id, name, sent, htmx=False):
    return p.post(actor, f"/cases/{case_id}/do/{name}", sent, multipart=True, htmx=htmx)


def shown_values(step, sent, drawn, case) -> list[str]:
    """What the case page must show, escaped, after the step: its texts and the choices' names."""
    out = []
    for f in step.fields:
        if f.kind in ("text", "textarea", "url"):
            out.append(typed(sent.get(f.name)))
        elif f.kind in ("choice", "choices"):
            values = sent.get(f.name) if f.kind == "choices" else [first(sent.get(f.name))]
            values = values if isinstance(values, list) else [values]
            labels = dict((str(v), label) for v, label in f.options(case))
            out += [labels.get(str(to_int(v) if to_int(v) is not None else v), "") for v in values if v is not None]
    return out


def check_accepted(p: Portal, step, actor, before: Case, sent, drawn, files_before: int):
    after = fetch(before.id)
    if step.versioned:
        assert after.version == before.version + 1
    if step.leads_to:
        assert after.state == step.leads_to
    detail = p.get(actor, f"/cases/{before.id}").get_data(as_text=True)
    assert_shown_escaped(detail, *shown_values(step, sent, drawn, before))
    new_files = rows(Attachment, Attachment.case == before.id, Attachment.id > files_before)
    assert len(new_files) == sum(1 for f in step.fields if f.kind == "file" and drawn.get(f.name)
                                 and upload_ok(drawn[f.name]))
    for row in new_files:
        assert_clean_filename(row["filename"])
        assert str(escape(row["filename"])) in detail


def max_attachment_id(case) -> int:
    ids = [r["id"] for r in rows(Attachment, Attachment.case == case.id)]
    return max(ids, default=0)


def expected_status(problems, htmx) -> int:
    if "413" in problems:
        return 413
    if htmx:
        return 200  # the partial, for htmx to swap in
    return 409 if "version" in problems else 400


@pytest.mark.parametrize("name", CASE_STEPS)
@HOSTILE
@given(data=st.data())
def test_case_step(portal, name, data):
    step = workflow.WORKFLOW.steps[name]
    state, actor = scene(portal, name)
    case_id = portal.case(state)
    before = fetch(case_id)
    before_files = max_attachment_id(before)
    at = now()
    drawn = {f.name: data.draw(field_strategy(f, before), label=f.name) for f in step.fields}
    sent = {f.name: sendable(f, drawn[f.name], at) for f in step.fields}
    problems = [f.name for f in step.fields
                if field_problem(f, drawn[f.name] if f.kind == "file" else sent[f.name], before, at)]
    if step.confirm:
        sent["confirm"] = data.draw(choice_field(["1"]), label="confirm")
        problems += ["confirm"] if first(sent["confirm"]) != "1" else []
    if step.versioned:
        version = data.draw(field(st.sampled_from(VERSIONS), missing=False), label="version")
        sent["version"] = ([v.format(v=before.version) for v in version] if isinstance(version, list)
                           else version.format(v=before.version))
        problems += ["version"] if first(sent["version"]) != str(before.version) else []
    problems += ["413"] if oversized(sent) else []
    htmx = data.draw(st.booleans(), label="htmx")
    note(f"expected problems: {problems}")
    for problem in problems:
        event(f"expected problem: {problem}")
    snapshot = case_snapshot(case_id)
    response = post_step(portal, actor, case_id, name, sent, htmx=htmx)
    page = response.get_data(as_text=True)
    accepted = response.status_code == 302 or (htmx and response.status_code == 200 and "flash-success" in page)
    if accepted or fetch(case_id).version != before.version or max_attachment_id(before) != before_files:
        portal.used_up(state)  # before any assertion: a replayed example must find a fresh case
    if accepted:
        assert not problems, f"accepted despite {problems}"
        check_accepted(portal, step, actor, before, sent, drawn, before_files)
        event("accepted")
        return
    assert problems, f"refused a valid step: {messages(page)}"
    assert response.status_code == expected_status(problems, htmx), (response.status_code, problems)
    assert_refused(response)
    assert case_snapshot(case_id) == snapshot, "a refused step changed the case"
    for payload in XSS:
        assert payload not in page


@pytest.mark.parametrize("name", [name for name in CASE_STEPS if workflow.WORKFLOW.steps[name].fields])
def test_every_field_of_a_case_step_against_each_kind_of_hostile_value(portal, name):
    """Each field of the step's schema alone under attack (the others valid): past its limit by one,
    empty, control characters, <script>, choices no form offers, malformed dates, huge ids."""
    step = workflow.WORKFLOW.steps[name]
    state, actor = scene(portal, name)
    failures = []
    for f in step.fields:
        for what, value in fixed_hostile(f, fetch(portal.case(state))):
            before = fetch(portal.case(state))
            drawn = {g.name: valid_value(g, before) for g in step.fields} | {f.name: value}
            sent = {g.name: sendable(g, drawn[g.name], now()) for g in step.fields}
            sent |= {"version": str(before.version)} | ({"confirm": "1"} if step.confirm else {})
            refuse = field_problem(f, value if f.kind == "file" else sent[f.name], before, now())
            snapshot, files = case_snapshot(before.id), max_attachment_id(before)
            response = post_step(portal, actor, before.id, name, sent)
            if response.status_code == 302:
                portal.used_up(state)
                try:
                    assert not refuse, "accepted"
                    check_accepted(portal, step, actor, before, sent, drawn, files)
                except AssertionError as exc:
                    failures.append((f.name, what, str(exc)[:200]))
                continue
            problem = refusal_problem(response) or (None if refuse else "refused a valid value")
            if response.status_code != 400 or case_snapshot(before.id) != snapshot or problem:
                failures.append((f.name, what, response.status_code, problem, messages(response.get_data(as_text=True))))
            if max_attachment_id(before) != files:
                portal.used_up(state)
    assert_all(failures)


CONTENT_STEPS = [name for name in CASE_STEPS if any(f.content for f in workflow.WORKFLOW.steps[name].fields)]


@pytest.mark.parametrize("name", CONTENT_STEPS)
def test_a_secret_case_refuses_every_content_field(portal, name):
    """A 涉密 case's steps carry no text: each field the schema marks as content is refused alone,
    saying which, and the step is taken without it."""
    step = workflow.WORKFLOW.steps[name]
    state, actor = scene(portal, name, secret=True)
    failures = []
    for f in (f for f in step.fields if f.content):
        before = fetch(portal.case(state))
        drawn = {g.name: valid_value(g, before, content=False) for g in step.fields}
        drawn[f.name] = ((PNG, True), "shot.png") if f.kind == "file" else "正常的中文内容。"
        sent = {g.name: sendable(g, drawn[g.name], now()) for g in step.fields}
        sent |= {"version": str(before.version)} | ({"confirm": "1"} if step.confirm else {})
        snapshot = case_snapshot(before.id)
        response = post_step(portal, actor, before.id, name, sent)
        if (response.status_code != 400 or case_snapshot(before.id) != snapshot
                or f"涉密事项线下办理，本系统不记录{f.label}" not in response.get_data(as_text=True)):
            failures.append((f.name, response.status_code, messages(response.get_data(as_text=True))))
    before = fetch(portal.case(state))
    bare = {g.name: sendable(g, valid_value(g, before, content=False), now()) for g in step.fields}
    taken = post_step(portal, actor, before.id, name, bare | {"version": str(before.version)})
    assert taken.status_code == 302, messages(taken.get_data(as_text=True))
    assert_all(failures)


# --- administration: users, departments, the calendar ----------------------------------------------

@HOSTILE
@given(data=st.data(),
       username=field(weighted((4, st.from_regex(r"[A-Za-z0-9_.-]{1,12}", fullmatch=True)),
                               (1, st.sampled_from(["new_user", "a.b-c_d", "staff", "x" * 40, "x" * 41, "evil\n",
                                                    " user1 ", "ｕｓｅｒ", "user name", "user<script>", "Admin"])),
                               (1, hostile_text(huge=False)))),
       name=text_field(40, lambda s: clean(s).strip() and len(clean(s).strip()) <= 40),
       roles=weighted((5, st.lists(st.sampled_from(list(ROLES)), min_size=1, max_size=3, unique=True)), (1, st.just([]))),
       password=field(weighted((4, st.builds(lambda s: "Aa1bcdef" + s, hostile_text(huge=False))),
                               (1, st.sampled_from(["Abc12345", "Ab1", "abcdefgh", "12345678", "密码Abc123<script>"])),
                               (1, hostile_text(huge=False)))),
       active=st.sampled_from([None, "y", "on"]))
def test_admin_user_form(portal, data, username, name, roles, password, active):
    department = data.draw(field(weighted(
        (4, st.sampled_from(list(portal.departments.values())).flatmap(
            lambda i: st.sampled_from([str(i), f" {i} ", f"+{i}", fullwidth(str(i))]))),
        (1, st.sampled_from(["0", "", "abc", "' OR 1=1 --", "<script>alert(1)</script>",
                             str(max(portal.departments.values()) + 100), str(2**70)])))), label="department")
    portal.client("admin")
    u, n, pw = first(username) or "", first(name) or "", first(password) or ""
    with database.connection_context():
        taken = {x.username for x in User.select()}
    problems = [k for k, bad in [
        ("username", not u.strip() or len(u) > 40 or not re.match(r"^[A-Za-z0-9_.-]+$", u) or u.strip() in taken),
        ("name", not typed(n) or len(typed(n)) > 40),
        ("department", to_int(first(department)) not in portal.departments.values()),
        ("roles", not roles),
        ("password", not pw or len(pw) < 8 or not any(c.isdigit() for c in pw) or not any(c.isalpha() for c in pw)),
    ] if bad]
    note(f"expected problems: {problems}")
    for problem in problems:
        event(f"expected problem: {problem}")
    before = user_rows(), count(AuditEvent)
    response = portal.post("admin", "/admin/users/new", {"username": username, "name": name, "department": department,
                                                         "roles": roles, "password": password, "active": active})
    if response.status_code == 302:
        assert not problems, f"accepted despite {problems}"
        with database.connection_context():
            user = User.get(User.username == u.strip())
            assert re.fullmatch(r"[A-Za-z0-9_.-]+", user.username)
            assert user.name == typed(n)
            assert (user.department_id, sorted(user.roles), user.active) == (
                to_int(first(department)), sorted(roles), bool(active))
            assert check_password_hash(user.password_hash, pw)
        assert_shown_escaped(portal.get("admin", "/admin/users").get_data(as_text=True), user.name)
        event("accepted")
        return
    assert problems, f"refused a valid user: {messages(response.get_data(as_text=True))}"
    assert_refused(response)
    assert (user_rows(), count(AuditEvent)) == before


@HOSTILE
@given(name=text_field(60, lambda s: s.strip() and len(s) <= 60),
       kind=field(weighted((5, st.sampled_from(["office", "unit", "info_centre", "leadership"])),
                           (1, st.sampled_from(["zzz", "", "OFFICE"])), (1, hostile_text(huge=False))), missing=False),
       sort_order=field(st.one_of(
           st.just(""), st.just(" "), st.sampled_from(["0", "abc", "1e3", "1.5", "' OR 1=1 --"]),
           st.one_of(st.integers(0, 1_000_000), st.integers(-2**31, 2**31 - 1)).flatmap(
               lambda i: st.sampled_from([str(i), f" {i} ", f"+{i}" if i > 0 else str(i), fullwidth(str(i))])))),
       active=st.sampled_from([None, "y"]))
def test_department_form(portal, name, kind, sort_order, active):
    portal.client("admin")
    n = first(name) or ""
    with database.connection_context():
        taken = {d.name for d in Department.select()}
    order, raw = 100, first(sort_order)
    if raw is not None and raw.strip():
        try:
            order = int(raw)  # as WTForms' IntegerField reads it
        except ValueError:
            order = None
    problems = [k for k, bad in [("name", not typed(n) or len(typed(n)) > 60 or typed(n) in taken),
                                 ("kind", first(kind) not in DEPARTMENT_KINDS),
                                 ("sort_order", order is None or not 0 <= order <= 1_000_000)] if bad]
    before = rows(Department), count(AuditEvent)
    response = portal.post("admin", "/admin/departments",
                           {"name": name, "kind": kind, "sort_order": sort_order, "active": active})
    if response.status_code == 302:
        assert not problems, f"accepted despite {problems}"
        with database.connection_context():
            dept = Department.select().order_by(Department.id.desc()).get()
        assert dept.name == typed(n)
        assert (dept.kind, dept.sort_order, dept.active) == (first(kind), order, bool(active))
        assert_shown_escaped(portal.get("admin", "/admin/departments").get_data(as_text=True), dept.name)
        event("accepted")
        return
    assert problems, f"refused a valid department: {messages(response.get_data(as_text=True))}"
    assert_refused(response)
    assert (rows(Department), count(AuditEvent)) == before


def iso_variants(d: date):
    return st.sampled_from([d.isoformat(), d.strftime("%Y%m%d"), f" {d.isoformat()}", fullwidth(d.isoformat()),
                            d.isoformat() + "T00:00", d.strftime("%d/%m/%Y")])


DAYS = weighted((3, st.dates(date(2000, 1, 1), date(2100, 12, 31)).map(date.isoformat)),
                (1, st.dates(date(2000, 1, 1), date(2100, 12, 31)).flatmap(iso_variants)),
                (1, st.sampled_from(["", "2026-02-30", "9999-99-99", "2026-13-01", "0000-00-00", "2026-W41-5",
                                     "' OR 1=1 --", "<script>alert(1)</script>", "2026-10-09\x00", "0001-01-01"])),
                (1, hostile_text(huge=False)))


@HOSTILE
@given(data=st.data(),
       action=field(weighted((2, st.just("mode")), (4, st.just("add")), (2, st.just("delete")),
                             (1, hostile_text(huge=False))), missing=False),
       mode=choice_field(["calendar", "working"]), day=field(DAYS), is_workday=choice_field(["0", "1"]),
       note_=text_field(100, lambda s: len(s.strip()) <= 100))
def test_calendar_form(portal, data, action, mode, day, is_workday, note_):
    portal.client("admin")
    with database.connection_context():
        existing = [o.id for o in WorkdayOverride.select()]
    ids = st.one_of(one_of_these(existing).flatmap(id_variants),
                    st.sampled_from(["", "0", "-1", "abc", str(10**6)]), hostile_text(huge=False))
    id_ = data.draw(field(ids), label="id")
    n = first(note_) or ""
    a = first(action)
    problem = None
    if a == "mode":
        problem = first(mode) not in ("calendar", "working")
    elif a == "add":
        try:
            problem = not date(1900, 1, 1) <= date.fromisoformat(first(day) or "") <= date(9999, 12, 30)
        except ValueError:
            problem = True
        problem = problem or first(is_workday) not in ("0", "1") or len(typed(n)) > 100
    elif a == "delete":
        problem = to_int(first(id_)) not in existing
    else:
        problem = True
    state = rows(WorkdayOverride), rows(Setting), count(AuditEvent)
    response = portal.post("admin", "/admin/calendar", {"action": action, "mode": mode, "day": day,
                                                        "is_workday": is_workday, "note": note_, "id": id_})
    if response.status_code == 302:
        assert not problem, "accepted despite an error"
        if a == "add":
            with database.connection_context():
                row = WorkdayOverride.get(WorkdayOverride.day == date.fromisoformat(first(day)))
            assert row.is_workday == (first(is_workday) == "1")
            assert row.note == typed(n)
            assert_shown_escaped(portal.get("admin", "/admin/calendar").get_data(as_text=True), row.note)
        event("accepted")
        return
    assert problem, f"refused a valid change: {messages(response.get_data(as_text=True))}"
    assert_refused(response)
    assert (rows(WorkdayOverride), rows(Setting), count(AuditEvent)) == state


# --- notifications, the case list ------------------------------------------------------------------

@pytest.fixture
def notified(portal):
    """Three reported cases: the leaders and the office have notifications."""
    for _ in range(3):
        build_case(portal.app, "reported")
    return portal


@HOSTILE
@given(data=st.data(), next_=st.one_of(st.none(), st.sampled_from(NEXTS), hostile_text(huge=False),
                                       st.builds(lambda s: "/cases/" + s, hostile_text(huge=False))))
def test_notifications_mark_read(notified, data, next_):
    p = notified
    with database.connection_context():
        leader = User.get(User.username == "leader")
        Notification.update(read_at=None).execute()
        mine = [n.id for n in Notification.select().where(Notification.user == leader)]
        others = [n.id for n in Notification.select().where(Notification.user != leader)]
    value = st.one_of(one_of_these(mine).flatmap(id_variants), one_of_these(others).map(str),
                      st.sampled_from(["0", "-1", str(10**6)]), hostile_text(huge=False))
    ids = data.draw(st.one_of(st.none(), st.lists(value, min_size=1, max_size=4)), label="id")
    parsed = [to_int(v) for v in ids or []]
    response = p.post("leader", "/notifications/read", {"id": ids, "next": next_})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert stays_on_site(location), location
    wanted = {i for i in parsed if i is not None}
    with database.connection_context():
        read = {n.id for n in Notification.select().where(Notification.read_at.is_null(False))}
    assert read == (set(mine) & wanted if ids else set(mine))


LIST_DATES = st.one_of(st.dates(date(2000, 1, 1), date(2100, 12, 31)).map(date.isoformat),
                       st.sampled_from(["", "2026-02-30", "9999-99-99", "0001-01-01", "2026-W41-5", "20261009",
                                        "２０２６-１０-０９", "' OR 1=1 --", "9999-12-30"]), hostile_text(huge=False))
NUMBERS = st.one_of(st.integers(-10**6, 10**6).map(str), st.sampled_from(["", "abc", "1.5", "１", "٣", "1e3", "NaN",
                                                                            "9223372036854775807", "-9223372036854775808"]),
                    hostile_text(huge=False))


@HOSTILE
@given(q=field(hostile_text()), state=field(st.sampled_from(list(STATES)) | hostile_text(huge=False)),
       department=field(NUMBERS), category=field(st.sampled_from(list(CATEGORIES)) | hostile_text(huge=False)),
       source=field(st.sampled_from(list(SOURCES)) | hostile_text(huge=False)),
       due=field(st.sampled_from(["due_soon", "overdue", "ok"]) | hostile_text(huge=False)),
       date_from=field(LIST_DATES), date_to=field(LIST_DATES), page=field(NUMBERS),
       sort=field(st.sampled_from(["due", "-due", "newest", "posted"]) | hostile_text(huge=False)),
       supervised=field(st.sampled_from(["1", "0", "true"])), htmx=st.booleans())
def test_case_list_query(portal, q, state, department, category, source, due, date_from, date_to, page, sort,
                         supervised, htmx):
    shown = clean(first(q) or "").strip()[:100]
    args = {"q": q, "state": state, "department": department, "category": category, "source": source, "due": due,
            "from": date_from, "to": date_to, "page": page, "sort": sort, "supervised": supervised}
    response = portal.get("office", "/cases/", query_string={k: v for k, v in args.items() if v is not None},
                          headers={"HX-Request": "true"} if htmx else {})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert re.search(r"共 \d+\+? 件", body)
    if not htmx and shown:
        assert f'value="{escape(shown)}"' in body  # what was searched for is shown back, escaped
    for payload in XSS:
        assert payload not in body


@HOSTILE
@given(date_from=field(LIST_DATES), date_to=field(LIST_DATES))
def test_bulletin_dates(portal, date_from, date_to):
    args = {"from": date_from, "to": date_to}
    response = portal.get("office", "/cases/bulletin", query_string={k: v for k, v in args.items() if v is not None})
    assert response.status_code == 200


# === found by the properties above, fixed, and pinned here ==========================================

def test_ids_out_of_range(portal):
    failures = []
    for url, ok in [(f"/cases/?department={HUGE_ID}", (200,)), (f"/cases/{HUGE_ID}", (404,)),
                    (f"/cases/{HUGE_ID}/dossier", (404,))]:
        status = get_raw(portal, "office", url).status_code
        if status not in ok:
            failures.append((url, status))
    reported = portal.case("reported")
    for username, url, data, ok in [
        ("monitor", f"/cases/{HUGE_ID}/do/report", {"version": "1"}, (404,)),
        ("leader", f"/cases/{reported}/do/assign", {"version": str(fetch(reported).version), "instruction": "办理",
                                                    "host_department": HUGE_ID}, (400,)),
        ("leader", f"/cases/{reported}/do/assign", {"version": str(fetch(reported).version), "instruction": "办理",
                                                    "host_department": str(portal.departments["电力科"]),
                                                    "co_departments": HUGE_ID}, (400,)),
        ("leader", "/notifications/read", {"id": HUGE_ID}, (302,)),
        ("admin", "/admin/calendar", {"action": "delete", "id": HUGE_ID}, (400,)),
    ]:
        status = post_raw(portal, username, url, data).status_code
        if status not in ok:
            failures.append((url, data, status))
    assert_all(failures)


def test_numbers_of_thousands_of_digits_are_refused_not_a_500(portal):
    digits = "9" * 5000  # past the 4,300 digits Python agrees to read as a number
    failures = []
    for url in (f"/cases/?department={digits}", f"/cases/?page={digits}", "/cases/?page=" + "0" * 5000 + "2"):
        if (status := get_raw(portal, "office", url).status_code) != 200:
            failures.append((url[:40], status))
    handling = portal.case("handling")
    response = post_raw(portal, "head", f"/cases/{handling}/do/request_extension",
                        {"version": str(fetch(handling).version), "days": digits, "reason": "需要协调"})
    if response.status_code != 400 or "延期" not in response.get_data(as_text=True):
        failures.append(("request_extension", response.status_code))
    assert_all(failures)


def test_list_page_out_of_range(portal):
    failures = []
    for username, url in [("office", "/cases/?page=1" + "0" * 20), ("admin", "/admin/audit?page=1" + "0" * 20)]:
        status = get_raw(portal, username, url).status_code
        if status != 200:
            failures.append((url, status))
    assert_all(failures)


def test_dates_at_the_end_of_the_calendar(portal):
    urls = ["/cases/?to=9999-12-31", "/cases/bulletin?to=9999-12-31", "/cases/bulletin?from=9999-12-31"]
    assert_all([(url, s) for url in urls if (s := get_raw(portal, "office", url).status_code) != 200])


def test_list_query_with_nul(portal):
    assert get_raw(portal, "office", "/cases/?q=%E5%81%9C%00%E7%94%B5").status_code == 200


def test_list_like_wildcards_match_literally(portal):
    failures = []
    for q in ("%", "_"):
        with database.connection_context():
            expected = sum(1 for c in Case.select() if any(q in (v or "") for v in (c.number, c.title, c.post_text, c.url)))
        body = portal.get("office", "/cases/", query_string={"q": q}, headers={"HX-Request": "true"}).get_data(as_text=True)
        if f"共 {expected} 件" not in body:
            failures.append((q, expected, re.search(r"共 \d+\+? 件", body).group()))
    assert_all(failures)


def test_next_with_a_line_break(portal):
    failures = []
    response = post_raw(portal, "leader", "/notifications/read", {"next": "/cases/\r\nSet-Cookie: x=1"})
    if response.status_code != 302:
        failures.append(("/notifications/read", response.status_code))
    client = portal.fresh_client()
    response = client.post("/login?next=/cases/%0D%0ASet-Cookie:%20x=1",
                           data={"username": "staff", "password": DEMO_PASSWORD})
    if response.status_code != 302:
        failures.append(("/login", response.status_code))
    assert_all(failures)


def test_notification_junk_id_marks_nothing(notified):
    unread = (Notification.user == User.get(User.username == "leader")) & Notification.read_at.is_null()
    before = Notification.select().where(unread).count()
    assert before > 0
    notified.post("leader", "/notifications/read", {"id": "abc"})
    assert Notification.select().where(unread).count() == before


def test_login_username_with_nul(portal):
    portal.app.config["PROPAGATE_EXCEPTIONS"] = False
    response = portal.fresh_client().post("/login", data={"username": "staff\x00", "password": "x"})
    assert response.status_code == 200 and "用户名或密码错误" in response.get_data(as_text=True)


def test_length_messages_are_chinese(portal):
    responses = {
        "login username": request(portal.fresh_client().post, "/login", data={"username": "a" * 41, "password": "x"}),
        "login password": request(portal.fresh_client().post, "/login", data={"username": "staff", "password": "a" * 201}),
        "new password": portal.post("staff", "/account/password",
                                    {"current": DEMO_PASSWORD, "new": "Ab1" * 70, "confirm": "Ab1" * 70}),
    }
    assert_all([(form, problem) for form, r in responses.items() if (problem := refusal_problem(r))])


def test_department_sort_order_out_of_range(portal):
    response = post_raw(portal, "admin", "/admin/departments", {"name": "新设科室", "kind": "office", "sort_order": HUGE_ID})
    assert response.status_code < 500 and not refusal_problem(response)


def test_department_form_says_why_in_chinese(portal):
    failures = []
    for fields in ({"sort_order": "abc"}, {"sort_order": "1e3"}, {"kind": "zzz"}):
        problem = refusal_problem(portal.post("admin", "/admin/departments", {"name": "新设科室", "kind": "office", **fields}))
        if problem:
            failures.append((fields, problem))
    assert count(Department, Department.name == "新设科室") == 0
    assert_all(failures)


def test_department_sort_order_zero_is_kept(portal):
    portal.post("admin", "/admin/departments", {"name": "新设科室", "kind": "office", "sort_order": "0"})
    assert Department.get(Department.name == "新设科室").sort_order == 0


def test_user_form_says_why_in_chinese(portal):
    portal.client("admin")
    before = user_rows()
    failures = []
    for fields in ({"department": "999"}, {"department": HUGE_ID}, {"roles": "superuser"}):
        data = {"username": "new_user", "name": "张三", "department": str(portal.departments["电力科"]),
                "roles": "staff", "password": "Abc12345", **fields}
        problem = refusal_problem(portal.post("admin", "/admin/users/new", data))
        if problem:
            failures.append((fields, problem))
    assert user_rows() == before
    assert_all(failures)


def test_names_and_notes_drop_control_characters(portal):
    value, cleaned = "a\x00\x1b[31m\u202eb", "a[31mb"
    results = {}
    post_raw(portal, "admin", "/admin/users/new", {"username": "new_user", "name": value, "roles": "staff",
                                                   "department": str(portal.departments["电力科"]), "password": "Abc12345"})
    results["user name"] = [u.name for u in User.select().where(User.username == "new_user")]
    post_raw(portal, "admin", "/admin/departments", {"name": value, "kind": "office"})
    results["department name"] = [d.name for d in Department.select().where(Department.name.startswith("a"))]
    post_raw(portal, "admin", "/admin/calendar", {"action": "add", "day": "2026-10-09", "is_workday": "1", "note": value})
    results["calendar note"] = [o.note for o in WorkdayOverride.select().where(WorkdayOverride.day == date(2026, 10, 9))]
    assert_all([(where, stored) for where, stored in results.items() if stored != [cleaned]])


LONG = "界" * 3000


def test_long_optional_texts_are_refused(portal):
    responses = {}
    for name in ("netizen_nickname", "netizen_contact"):
        responses[name] = portal.post("monitor", "/cases/new", {
            "title": "t", "source": "website", "category": "complaint", "posted_at": recent(), "post_text": "p",
            name: LONG}, multipart=True)
    responses["calendar note"] = portal.post("admin", "/admin/calendar", {"action": "add", "day": "2026-10-09",
                                                                         "is_workday": "1", "note": LONG})
    for action, state, actor, fields in [
        ("approve", "awaiting_approval", "leader", {"comment": LONG}),
        ("decide_extension", "extension_pending", "leader", {"decision": "approve", "comment": LONG}),
        ("supervise", "registered", "office", {"note": LONG}),
    ]:
        case_id = portal.case(state)
        responses[action] = portal.post(actor, f"/cases/{case_id}/do/{action}",
                                        {"version": str(fetch(case_id).version), **fields})
    assert_all([(where, problem) for where, r in responses.items() if (problem := refusal_problem(r))])


def test_ideographic_space_is_kept(portal):
    response = portal.post("monitor", "/cases/new", {
        "title": "反映　某小区停电", "source": "website", "category": "complaint", "posted_at": recent(),
        "post_text": "　　小区昨晚停电。\n　　至今未恢复，\xa0请尽快处理。"}, multipart=True)
    case = fetch(int(response.headers["Location"].rsplit("/", 1)[1]))
    assert case.title == "反映　某小区停电"
    assert case.post_text == "小区昨晚停电。\n　　至今未恢复，\xa0请尽快处理。"  # only the ends are trimmed


def test_posted_at_in_year_one_is_refused(portal):
    response = portal.post("monitor", "/cases/new", {
        "title": "t", "source": "website", "category": "complaint", "posted_at": "0001-01-01T00:00", "post_text": "p"},
        multipart=True)
    assert_refused(response)


def test_assign_only_to_departments_the_form_offers(portal):
    case_id = portal.case("reported")
    response = portal.post("leader", f"/cases/{case_id}/do/assign", {
        "version": str(fetch(case_id).version), "host_department": str(portal.leadership), "instruction": "办理"})
    assert fetch(case_id).state == "reported"
    assert_refused(response)


def test_assign_junk_co_department_is_refused(portal):
    case_id = portal.case("reported")
    response = portal.post("leader", f"/cases/{case_id}/do/assign", {
        "version": str(fetch(case_id).version), "host_department": str(portal.departments["电力科"]),
        "co_departments": ["abc"], "instruction": "办理"})
    assert fetch(case_id).state == "reported"
    assert_refused(response)


def test_decide_extension_needs_a_decision(portal):
    failures = []
    for decision in (None, "", "' OR 1=1 --", "APPROVE"):
        case_id = build_case(portal.app, "extension_pending")
        response = portal.post("leader", f"/cases/{case_id}/do/decide_extension",
                               {"version": str(fetch(case_id).version), "decision": decision})
        decided = rows(Extension, Extension.case == case_id)[-1]["decision"]
        if decided or refusal_problem(response):
            failures.append((decision, response.status_code, decided))
    assert_all(failures)


def test_ids_in_paths_are_ascii_digits(portal):
    case = portal.case("registered")
    assert get_raw(portal, "office", f"/cases/{case}").status_code == 200
    for spelled in ("١", "１", "²", fullwidth(str(case))):
        assert get_raw(portal, "office", f"/cases/{spelled}").status_code == 404, spelled
