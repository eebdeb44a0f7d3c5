"""Cases under concurrency: gap-free numbers, one winner per step, stale forms, rollbacks.

Runs on the app fixture's SQLite file, or on PostgreSQL when PORTAL_TEST_DATABASE_URL is set.
Threads each open their own connection (peewee connections are thread-local).
"""
import re
import threading
from datetime import datetime, timedelta

import peewee
import pytest

from portal.audit import AuditEvent
from portal.cases import workflow
from portal.cases.models import (
    Case, CaseCounter, Explanation, Extension, Notification, ReplyDraft, Supervision, Urging,
)
from portal.db import database, now
from portal.hookspecs import hookimpl
from portal.org.models import Department, User
from tests import threads
from tests.core.case_helpers import drive

STALE = "该事项已被他人更新"
VERSION = re.compile(r'name="version" value="(\d+)"')


def user(username):
    return User.get(User.username == username)


def dept(name):
    return Department.get(Department.name == name)


def new_case(app, title, *, state="registered", **kwargs):
    return drive(app, title, state=state, **kwargs)


def audit_actions(case, action=None):
    query = AuditEvent.select().where((AuditEvent.object_type == "case") & (AuditEvent.object_id == case.id))
    return query.where(AuditEvent.action == action).count() if action else query.count()


def opened_version(client, case):
    """The version in the hidden field of the step forms, as the browser would submit it."""
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    return VERSION.search(page).group(1)


def run_in_threads(count, target):
    """Run ``target(i)`` in ``count`` threads, each with its own DB connection; fail on any error."""
    errors = threads.run_in_threads(count, target)
    assert not errors, errors


# Gap-free numbering ----------------------------------------------------------------------

THREADS, PER_THREAD = 8, 5
SAME_POST = "https://weibo.example.cn/hot/1"  # everyone registers the same trending post


@pytest.mark.parametrize("new_year", [False, True], ids=["this-year", "first-cases-of-a-new-year"])
def test_concurrent_intake_numbers_are_gap_free(app, db, monkeypatch, new_year):
    year = now().year + (1 if new_year else 0)
    if new_year:  # no counter row yet: the threads race to create it as well
        monkeypatch.setattr(workflow, "now", lambda: datetime(year, 1, 1, 8, 30))
        assert CaseCounter.get_or_none(CaseCounter.year == year) is None
    before = Case.select().where(Case.year == year).count()
    barrier = threading.Barrier(THREADS, timeout=30)

    def intake(i):
        with app.app_context():
            actor = user("monitor" if i % 2 else "monitor2")
            barrier.wait()  # all threads register at once
            for j in range(PER_THREAD):
                workflow.register(actor, title=f"并发受理 {i}-{j}", source="weibo", url=SAME_POST, category="consult",
                                  post_text="网民留言", posted_at=datetime(2026, 11, 1, 9, 0))

    run_in_threads(THREADS, intake)

    total = before + THREADS * PER_THREAD
    rows = list(Case.select(Case.number, Case.seq).where(Case.year == year).order_by(Case.seq))
    assert [r.number for r in rows] == [f"YQ-{year}-{n:04d}" for n in range(1, total + 1)]
    assert [r.seq for r in rows] == list(range(1, total + 1))  # (year, seq) unique, no gap
    assert CaseCounter.get_by_id(year).last == total
    # each registration saw the ones committed before it: all but the first are flagged as duplicates
    first, *later = Case.select().where(Case.url == SAME_POST).order_by(Case.seq)
    assert first.duplicate_of_id is None and {c.duplicate_of_id for c in later} == {first.id}


# One winner per step ---------------------------------------------------------------------

def test_two_leaders_assign_the_same_case_one_wins(app, db, login):
    case = new_case(app, "两位领导同时批办", state="reported")
    leader, deputy = login("leader"), login("deputy")
    seen = {c: opened_version(c, case) for c in (leader, deputy)}
    assert seen[leader] == seen[deputy]

    first = leader.post(f"/cases/{case.id}/do/assign", data={
        "version": seen[leader], "host_department": dept("电力科").id, "instruction": "电力科主办。"})
    second = deputy.post(f"/cases/{case.id}/do/assign", data={
        "version": seen[deputy], "host_department": dept("煤炭科").id, "instruction": "煤炭科主办。"})

    assert first.status_code == 302
    assert second.status_code == 409 and STALE in second.get_data(as_text=True)
    assert audit_actions(case, "case.assigned") == 1
    assert Case.get_by_id(case.id).host_department.name == "电力科"
    page = deputy.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "办理中" in page and "电力科主办。" in page and "煤炭科主办。" not in page
    told = {n.user.username for n in Notification.select().where((Notification.case == case.id)
                                                                  & (Notification.kind == "assigned"))}
    # 电力科 and its 分管领导 (deputy); nobody in 煤炭科 was told to handle it
    assert told == {"head", "staff", "liaison", "deputy"}


def test_two_leaders_assign_simultaneously_one_wins(app, db, login, monkeypatch):
    """Both requests pass the version check before either writes; the guarded UPDATE decides."""
    case = new_case(app, "两位领导真正同时批办", state="reported")
    clients = {"电力科": login("leader"), "煤炭科": login("deputy")}
    posts = {host: {"version": opened_version(c, case), "csrf_token": c.csrf_token(),
                    "host_department": dept(host).id, "instruction": f"{host}主办。"} for host, c in clients.items()}
    both_checked = threading.Barrier(2, timeout=10)
    check = workflow._check

    def check_then_wait(*args, **kwargs):
        check(*args, **kwargs)
        both_checked.wait()  # before the transaction: both saw the same version

    monkeypatch.setattr(workflow, "_check", check_then_wait)
    hosts, status = list(clients), {}

    def post(i):
        host = hosts[i]
        status[host] = clients[host].post(f"/cases/{case.id}/do/assign", data=posts[host]).status_code

    run_in_threads(2, post)

    assert sorted(status.values()) == [302, 409]
    winner = next(host for host, code in status.items() if code == 302)
    assert Case.get_by_id(case.id).host_department.name == winner
    assert audit_actions(case, "case.assigned") == 1


# Stale forms -----------------------------------------------------------------------------

def snapshot(case):
    fresh = Case.get_by_id(case.id)
    records = [m.select().where(m.case == case.id).count()
               for m in (ReplyDraft, Extension, Explanation, Urging, Supervision, Notification)]
    return fresh.state, fresh.version, audit_actions(case), records


@pytest.mark.parametrize("username, action, fields", [
    ("head", "submit_reply", {"findings": "已核实。", "reply_text": "网友您好：已处理。"}),
    ("head", "request_extension", {"days": "5", "reason": "需现场核查。"}),
    ("liaison", "explain", {"explanation": "需多部门会商。"}),
    ("office", "urge", {"message": "请抓紧办理。"}),
    ("office", "supervise", {"note": "重点督办。"}),
])
def test_stale_form_is_refused_and_changes_nothing(app, db, login, username, action, fields):
    case = new_case(app, f"过期表单 {action}", state="handling")
    client = login(username)
    old_version = opened_version(client, case)
    with app.app_context():  # meanwhile a leader urges: the page the user has open is out of date
        workflow.urge(case, user("leader"), version=case.version, message="领导催办。")
    before = snapshot(case)

    response = client.post(f"/cases/{case.id}/do/{action}", data={"version": old_version, **fields})

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert STALE in page and "领导催办。" in page  # the refusal shows the current case
    assert snapshot(case) == before


# A failing step changes nothing ----------------------------------------------------------

class FailOn:
    """A plugin whose portal_case_event fails for one event of one case."""

    def __init__(self, case_id, event, fail):
        self.case_id, self.event, self.fail = case_id, event, fail

    @hookimpl
    def portal_case_event(self, case, event):
        if case.id == self.case_id and event.name == self.event:
            self.fail(case)


def plugin_error(case):
    raise RuntimeError("插件处理失败")


def db_error(case):  # a real constraint violation inside the step's transaction
    CaseCounter.insert(year=case.year, last=0).execute()


@pytest.fixture
def failing_plugin(app):
    """``failing_plugin(case, event, fail)`` registers a FailOn plugin; returns its unregister."""
    pm, registered = app.extensions["portal_pm"], []

    def register(case, event, fail):
        plugin = FailOn(case.id, event, fail)
        pm.register(plugin)
        registered.append(plugin)
        return lambda: pm.unregister(plugin)

    yield register
    for plugin in registered:
        if pm.is_registered(plugin):
            pm.unregister(plugin)


def counts(case, kind):  # (audit events, notifications, urgings)
    notified = Notification.select().where((Notification.case == case.id) & (Notification.kind == kind))
    return audit_actions(case, f"case.{kind}"), notified.count(), Urging.select().where(Urging.case == case.id).count()


@pytest.mark.parametrize("fail, error", [(plugin_error, RuntimeError), (db_error, peewee.IntegrityError)],
                         ids=["hook-raises", "db-error"])
def test_failing_step_rolls_back_case_audit_and_notifications(app, db, login, failing_plugin, fail, error):
    case = new_case(app, "批办时出错", state="reported")
    leader = login("leader")
    version = opened_version(leader, case)
    before = snapshot(case)
    failing_plugin(case, "assigned", fail)

    with pytest.raises(error):  # the user gets an error page (500)
        leader.post(f"/cases/{case.id}/do/assign", data={
            "version": version, "host_department": dept("电力科").id, "instruction": "电力科主办。"})

    assert snapshot(case) == before  # state, version, audit trail, notifications
    fresh = Case.get_by_id(case.id)
    assert fresh.state == "reported" and fresh.host_department_id is None
    page = leader.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "已报送" in page and 'name="host_department"' in page  # still waiting to be assigned


def test_failing_deadline_event_is_not_recorded_and_fires_on_the_next_tick(app, db, failing_plugin):
    case = new_case(app, "即将到期时插件出错", state="handling")
    at = case.due_at - timedelta(hours=12)
    remove = failing_plugin(case, "due_soon", plugin_error)
    with app.app_context(), pytest.raises(RuntimeError):
        workflow.tick(at)
    assert Case.get_by_id(case.id).due_soon_fired_at is None
    assert counts(case, "due_soon") == (0, 0, 0)  # no audit event, notification or automatic urging

    remove()
    with app.app_context():
        workflow.tick(at)
    assert Case.get_by_id(case.id).due_soon_fired_at == at
    assert counts(case, "due_soon") == (1, 5, 1)  # 电力科's three handlers and the office's two


class WriteBetweenCases:
    """Stands in for workflow.database: another user's step commits just before the tick's 2nd case."""

    def __init__(self, write):
        self.write, self.calls = write, 0

    def atomic(self, *args, **kwargs):
        self.calls += 1
        if self.calls == 2:
            run_in_threads(1, lambda i: self.write())
        return database.atomic(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(database, name)


def test_tick_fires_every_case_while_another_user_saves_a_step(app, db, monkeypatch):
    """On SQLite, tick() used to write while its SELECT was still being read: once another connection
    committed in between, the next BEGIN IMMEDIATE failed at once with "database is locked"."""
    late = [new_case(app, f"同时超期 {i}", state="handling", posted_at=now() - timedelta(days=10)) for i in range(3)]
    busy = new_case(app, "他人正在办理", state="handling")

    def urge_other_case():
        with app.app_context():
            workflow.urge(busy, user("office"), version=busy.version, message="请抓紧办理。")

    monkeypatch.setattr(workflow, "database", WriteBetweenCases(urge_other_case))
    with app.app_context():
        workflow.tick(now())

    assert Urging.select().where(Urging.case == busy.id).count() == 1  # the other step was saved
    assert [audit_actions(c, "case.overdue") for c in late] == [1, 1, 1]
