"""Each step of a circular, each field, read from the step's schema (tests/step_schemas.py)."""
from markupsafe import escape

from plugins.circulars import workflow
from plugins.circulars.models import Circular
from plugins.circulars.tests.test_circulars import new_circular, step, user
from tests.step_schemas import check_steps, escaped_after
from tests.hostile import XSS


def circular_at(office, office2, leader, state) -> Circular:
    cid = new_circular(office)
    path = {"draft": [], "reviewing": [(office, "submit")], "signing": [(office, "submit"), (office2, "review")],
            "signed": [(office, "submit"), (office2, "review"), (leader, "sign")]}[state]
    for client, name in path:
        assert step(client, cid, name).status_code == 302
    return Circular.get_by_id(cid)


def test_every_field_of_every_step_refuses_what_its_schema_refuses(app, login):
    clients = {name: login(name) for name in ("office", "office2", "leader")}
    users = {name: (user(name), client) for name, client in clients.items()}
    tried = 0
    for state in ("draft", "reviewing", "signing", "signed"):
        circular = circular_at(clients["office"], clients["office2"], clients["leader"], state)
        tried += check_steps(app, workflow.WORKFLOW, circular, users,
                             lambda client, name, data: client.post(f"/circulars/{circular.id}/do/{name}", data=data))
    assert tried >= 4  # 退回 twice, 签发, 印发


def test_a_script_in_a_comment_comes_back_escaped(login):
    office, office2, leader = login("office"), login("office2"), login("leader")
    circular = circular_at(office, office2, leader, "reviewing")
    page = escaped_after(step(office2, circular.id, "return_review", comment=XSS[0]), office2)
    assert str(escape(XSS[0])) in page and XSS[0] not in page
