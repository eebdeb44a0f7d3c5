"""The process kit (portal.process): one guard answers both the page and a forced POST; the
versioned record refuses a stale write; numbering has no gaps."""
from datetime import date, datetime

import pytest
from werkzeug.datastructures import MultiDict

from portal.cases import workflow
from portal.cases.models import Case, CaseCounter
from portal.db import database
from portal.org.models import User
from portal.inputs import InputError
from portal.process import Field, Stale, Step, Workflow, bump, next_number, read
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


# --- field schemas (portal.process.fields) ----------------------------------------------------

FORM = (Field("title", "标题", "text", 10, required=True), Field("note", "备注", "textarea", 5),
        Field("link", "链接", "url", 30), Field("host", "主办部门", "choice", required=True, choices=[(4, "电力科"), (5, "煤炭科")]),
        Field("co", "协办部门", "choices", choices=[(4, "电力科"), (5, "煤炭科")], message="协办部门无效，请重新选择。"),
        Field("kind", "类别", "choice", choices=[("a", "甲"), ("b", "乙")], default="a"),
        Field("on", "日期", "date"), Field("at", "时间", "datetime"), Field("n", "份数", "whole", limit=99),
        Field("ok", "同意", "bool"))


def problems_of(form):
    with pytest.raises(InputError) as refused:
        read(FORM, MultiDict(form))
    return refused.value.problems


def test_a_form_is_read_through_its_fields_with_every_problem_at_once():
    assert problems_of({"title": "界" * 11, "note": "123456", "link": "ftp://x", "host": "+4", "co": ["4", "x"],
                        "kind": "c", "on": "2026-02-30", "at": "昨天", "n": "１"}) == [
        "标题不能超过10个字。", "备注不能超过5个字。", "链接须以 http:// 或 https:// 开头。", "请选择主办部门。",
        "协办部门无效，请重新选择。", "请选择类别。", "日期格式不正确，请按“2019-11-07”填写。", "请按“年-月-日 时:分”填写时间。",
        "份数须为0至99之间的整数。"]
    assert problems_of({"title": "\x00\u200b "}) == ["请填写标题。", "请选择主办部门。"]


def test_clean_values_read_again_are_the_same():
    values = read(FORM, MultiDict({"title": " 标题\x00 ", "host": " 4 ", "co": ["5", "4", "5"], "on": "2026-11-28",
                                   "at": "2026-11-28T09:30", "n": "007", "ok": "1"}))
    assert values == {"title": "标题", "note": "", "link": "", "host": 4, "co": [5, 4], "kind": "a",
                      "on": date(2026, 11, 28), "at": datetime(2026, 11, 28, 9, 30), "n": 7, "ok": True}
    assert read(FORM, values) == values


def test_content_is_refused_for_a_record_kept_offline_and_read_as_empty():
    fields = (Field("text", "答复内容", "textarea", 200, required=True, content=True),)
    barred = "涉密事项线下办理，本系统不记录{label}，请勿填写。"
    with pytest.raises(InputError, match="本系统不记录答复内容"):
        read(fields, {"text": "内容"}, barred=barred)
    assert read(fields, {"text": "  "}, barred=barred) == {"text": ""}


def test_choices_may_depend_on_the_record_and_a_step_shows_them():
    case = Case(deadline_days=4)
    days = next(f for f in workflow.WORKFLOW.steps["request_extension"].fields if f.name == "days")
    assert days.options(case) == [(5, "5日")]
    with pytest.raises(InputError, match="延期后的时限须长于当前的4日。"):
        days.read("4", case)
    with pytest.raises(InputError, match=f"延期后的办理时限不得超过{MAX_REPLY_DAYS}日。"):
        days.read(str(MAX_REPLY_DAYS + 1), case)
