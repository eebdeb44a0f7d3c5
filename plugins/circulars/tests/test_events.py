"""Every step of a circular is an event plugins hear (portal_record_event), named after its
audit entry, through the kit's one event path; a case's steps come the same way."""
import pytest

from portal.db import now
from tests.core.case_helpers import register
from tests.core.plugin_helpers import listening

from plugins.circulars.models import Circular
from plugins.circulars.tests.test_circulars import new_circular, step


@pytest.fixture
def listener(app):
    with listening(app) as plugin:
        yield plugin


def test_each_step_of_a_circular_is_heard_with_its_name_and_actor(login, listener):
    office, office2, leader = login("office"), login("office2"), login("leader")
    cid = new_circular(office)
    assert step(office, cid, "submit").status_code == 302
    assert step(office2, cid, "return_review", comment="请补充值班安排。").status_code == 302
    office.post(f"/circulars/{cid}/attachments", data={"kind": "text", "title": "值班表", "text": "见附表"})
    assert step(office, cid, "submit").status_code == 302
    assert step(office2, cid, "review").status_code == 302
    assert step(leader, cid, "sign", comment="同意。").status_code == 302
    assert step(office, cid, "issue", date_of_issue=now().date().isoformat()).status_code == 302
    assert login("head").post(f"/circulars/{cid}/acknowledge").status_code == 302
    assert listener.heard("circular", cid) == [
        ("drafted", "office"), ("submitted", "office"), ("returned", "office2"), ("attachment_added", "office"),
        ("submitted", "office"), ("reviewed", "office2"), ("signed", "leader"), ("issued", "office"),
        ("acknowledged", "head")]
    assert listener.data("circular", cid, "signed") == [{"number": Circular.get_by_id(cid).number}]


def test_a_refused_step_is_not_heard(login, listener):
    office = login("office")
    cid = new_circular(office)
    assert step(office, cid, "review").status_code == 400  # the drafter may not review
    assert step(office, cid, "submit", version="0").status_code == 409
    assert listener.heard("circular", cid) == [("drafted", "office")]


def test_a_case_step_is_heard_on_the_same_path_beside_portal_case_event(login, listener):
    case = register(login("monitor"))
    assert listener.heard("case", case.id) == [("registered", "monitor")]
