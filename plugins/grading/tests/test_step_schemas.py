"""Each grading step, each field, read from the step's schema (tests/step_schemas.py)."""
from markupsafe import escape

from plugins.grading import workflow
from plugins.grading.tests.helpers import snapshot
from portal.cases.models import Case
from portal.org.models import User
from tests.core.case_helpers import register
from tests.hostile import XSS
from tests.step_schemas import check_steps, escaped_after

PATHS = {"record": "metrics", "flags": "metrics", "set_grade": "grade"}
FORMS = {"record": {"form": "snapshot"}, "flags": {"form": "flags"}}


def test_every_field_of_every_step_refuses_what_its_schema_refuses(app, login):
    clients = {name: login(name) for name in ("monitor", "office", "leader")}
    users = {name: (User.get(User.username == name), client) for name, client in clients.items()}
    fresh = register(clients["monitor"])
    due = register(clients["monitor"], title="网传某加油站爆炸")
    snapshot(clients["monitor"], due.id, clicks=1500)
    clients["office"].post(f"/grading/cases/{due.id}/eliminate", data={"note": "已辟谣。"})
    tried = 0
    for case in (Case.get_by_id(fresh.id), Case.get_by_id(due.id)):
        tried += check_steps(app, workflow.WORKFLOW, case, users,
                             lambda client, name, data: client.post(
                                 f"/grading/cases/{case.id}/{PATHS.get(name, name)}", data=data),
                             extra=lambda name: FORMS.get(name, {}))
    assert tried >= 20


def test_a_script_in_a_reason_comes_back_escaped(login):
    monitor, leader = login("monitor"), login("leader")
    case = register(monitor)
    response = leader.post(f"/grading/cases/{case.id}/grade", data={"grade": "major", "reason": XSS[0]})
    page = escaped_after(response, leader)
    assert str(escape(XSS[0])) in page and XSS[0] not in page
