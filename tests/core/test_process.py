"""The process kit (portal.process): one guard answers both the page and a forced POST; the
versioned record refuses a stale write; numbering has no gaps."""
import pytest

from portal.cases import workflow
from portal.cases.models import Case, CaseCounter
from portal.db import database
from portal.org.models import User
from portal.process import Stale, Step, Workflow, bump, next_number
from portal.workdays import MAX_REPLY_DAYS
from tests.core.case_helpers import drive


def test_the_buttons_and_the_refusals_come_from_the_same_guards(app, db):
    """For every demo case, user and step: a step is offered exactly when the workflow would
    take it, a refused one says why, and a reason shown beside a missing button is the refusal."""
    with app.app_context():
        for case in Case.select():
            for user in User.select().where(User.active):
                offered = set(workflow.allowed_actions(case, user))
                withheld = workflow.WORKFLOW.withheld(case, user)
                for name in workflow.ACTIONS:
                    reason = workflow.WORKFLOW.refusal(case, user, name)
                    assert (reason is None) == (name in offered), (case.number, user.username, name)
                    if name in withheld:
                        assert withheld[name] == reason
                    if reason:
                        with pytest.raises(workflow.WorkflowError, match=reason.replace("(", r"\(")[:20]):
                            workflow._check(case, user, name, case.version)


def test_the_extension_cap_is_the_laws_number(app, db):
    case = drive(app, "延期上限", state="handling")
    assert workflow.extension_days(case) == list(range(case.deadline_days + 1, MAX_REPLY_DAYS + 1))
    case.deadline_days = MAX_REPLY_DAYS
    head = User.get(User.username == "head")
    with app.app_context():
        assert workflow.WORKFLOW.refusal(case, head, "request_extension") == f"办理时限已延至{MAX_REPLY_DAYS}日，按规定不能再延期。"


def test_an_archived_case_is_read_only_for_every_step(app, db):
    case = Case(state="archived")
    admin = User.get(User.username == "admin")
    with app.app_context():
        assert {workflow.WORKFLOW.refusal(case, admin, name) for name in workflow.ACTIONS} == {workflow.read_only(case)}


def test_a_stale_version_is_refused_and_changes_nothing(app, db):
    case = drive(app, "版本", state="registered")
    with pytest.raises(workflow.StaleCase):
        with database.atomic():
            bump(case, case.version - 1, workflow.StaleCase, title="改过")
    assert Case.get_by_id(case.id).title == "版本"
    bump(case, case.version, workflow.StaleCase, title="改过")
    assert case.title == "改过" and Case.get_by_id(case.id).version == case.version


def test_numbering_has_no_gaps_and_a_rolled_back_number_is_given_back(db):
    first = next_number(CaseCounter, year=2031)
    try:
        with database.atomic():
            next_number(CaseCounter, year=2031)
            raise RuntimeError
    except RuntimeError:
        pass
    assert (first, next_number(CaseCounter, year=2031)) == (1, 2)


def test_a_workflow_declared_with_the_kit_refuses_in_order():
    class Record:
        state, state_label, version = "draft", "草稿", 1

    class Person:
        def __init__(self, *perms):
            self.perms = perms

        def can(self, p):
            return p in self.perms

    flow = Workflow.of("toy", [Step("send", "送出", ("draft",), "toy.send",
                                    guards=(lambda r, u: "还不能送出。" if r.version < 2 else None,)),
                               Step("sign", "签发", ("sent",), "toy.sign", confirm="确认签发")], noun="该文件")
    assert flow.refusal(Record(), Person(), "sign") == "该文件当前状态为“草稿”，不能签发。"
    assert flow.refusal(Record(), Person(), "send") == "您没有对该文件送出的权限。"
    assert flow.refusal(Record(), Person("toy.send"), "send") == "还不能送出。"
    assert flow.withheld(Record(), Person("toy.send")) == {"send": "还不能送出。"}
    with pytest.raises(Stale):
        flow.check(Record(), Person("toy.send"), "send", version=0)
