"""Grading's actions are steps of one kit workflow: the case page's buttons and the refusal of a
forced POST come from the same guards, word for word; its events are heard on the kit's path."""
import pytest

from plugins.grading import workflow
from plugins.grading.tests.helpers import page, snapshot
from plugins.grading import ACTION_PATHS, CASE_ACTIONS
from portal.cases.models import Case
from portal.db import database
from portal.org.models import User
from tests.core.case_helpers import register
from tests.core.plugin_helpers import listening


def test_every_button_is_a_step_the_workflow_allows_and_every_refusal_raises_its_reason(app, login):
    monitor, office = login("monitor"), login("office")
    major = register(monitor, title="网传某加油站爆炸")
    snapshot(monitor, major.id, clicks=1500)
    office.post(f"/grading/cases/{major.id}/eliminate", data={"note": "已辟谣。"})
    with app.app_context(), database.connection_context():
        for case in Case.select():
            for user in User.select().where(User.active):
                offered = set(workflow.WORKFLOW.allowed_steps(case, user))
                for name in workflow.WORKFLOW.steps:
                    reason = workflow.WORKFLOW.refusal(case, user, name)
                    assert (reason is None) == (name in offered), (case.number, user.username, name)
                    if reason:
                        with pytest.raises(workflow.GradingError) as refused:
                            workflow.WORKFLOW.check(case, user, name)
                        assert str(refused.value) == reason


def test_the_case_page_offers_exactly_the_allowed_steps(app, login):
    monitor, office = login("monitor"), login("office")
    case = register(monitor)
    snapshot(monitor, case.id, clicks=1500)  # 重大: no escalation, a meeting and elimination are due
    shown = page(office, f"/cases/{case.id}")
    with app.app_context(), database.connection_context():
        allowed = workflow.WORKFLOW.allowed_steps(Case.get_by_id(case.id), User.get(User.username == "office"))
    for name, label in CASE_ACTIONS.items():
        url = f"/grading/cases/{case.id}/{ACTION_PATHS.get(name, name)}"
        assert (url in shown) == (name in allowed), name
    assert "escalate" not in allowed and "eliminate" in allowed
    refused = office.post(f"/grading/cases/{case.id}/escalate", data={"reason": "再次提级"})
    assert refused.status_code == 400 and "该事项已是重大舆情，无需提级。" in refused.get_data(as_text=True)
    assert "该事项已是重大舆情，无需提级。" in page(office, f"/grading/cases/{case.id}/escalate")


def test_grading_events_are_heard_on_the_kits_path(app, login):
    with listening(app) as listener:
        monitor = login("monitor")
        case = register(monitor)
        snapshot(monitor, case.id, clicks=1500)
        login("office").post(f"/grading/cases/{case.id}/meeting")
    assert listener.heard("grading", case.id) == [("grade_changed", "monitor"), ("emergency_meeting_requested", "office")]
    assert listener.data("grading", case.id, "grade_changed") == [
        {"old": "", "new": "major", "source": "rule", "upgrade": True}]
