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
