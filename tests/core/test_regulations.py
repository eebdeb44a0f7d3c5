"""The portal's limits against the regulations' own table (tests/regulations.py)."""
from dataclasses import asdict

from plugins.grading.rules import DEFAULT_THRESHOLDS
from portal import workdays
from portal.cases import workflow
from portal.cases.models import Case
from tests import regulations


def test_the_reply_deadline_and_its_cap_are_the_regulations():
    assert (workdays.REPLY_DAYS, workdays.MAX_REPLY_DAYS) == (regulations.REPLY_DAYS, regulations.MAX_REPLY_DAYS)


def test_the_extension_step_offers_up_to_the_cap_and_no_further():
    case = Case(deadline_days=regulations.REPLY_DAYS)
    assert workflow.extension_days(case) == list(range(regulations.REPLY_DAYS + 1, regulations.MAX_REPLY_DAYS + 1))
    assert workflow.extension_days(Case(deadline_days=regulations.MAX_REPLY_DAYS)) == []


def test_the_grading_thresholds_are_the_plans():
    assert asdict(DEFAULT_THRESHOLDS) == regulations.GRADING


def test_the_extension_forms_choices_never_pass_the_cap():
    """Read from the step's field schema, the one the form is drawn from and the POST is read by."""
    days = next(f for f in workflow.WORKFLOW.steps["request_extension"].fields if f.name == "days")
    for current in range(1, regulations.MAX_REPLY_DAYS + 1):
        offered = [value for value, _label in days.options(Case(deadline_days=current))]
        assert offered == list(range(current + 1, regulations.MAX_REPLY_DAYS + 1))
