"""Every circulars route × every role × anonymous (the core's table format, tests/matrix.py).

{issued} is the demo's issued notice (sent to every department), {signing} one awaiting the
leader's signature, {draft} a draft; {issued_file} an attachment of the issued notice,
{draft_file} one of the draft. Drafts are seen by the office and the leaders only.
"""
import pytest

from plugins.circulars import workflow
from plugins.circulars.models import Circular, CircularAttachment
from plugins.circulars.ready import defaults
from portal.org.models import User
from portal.db import database
from tests.matrix import check_get, check_post, unlisted_routes

GET = """
route                                         anonymous admin leader office monitor head staff liaison
/circulars/                                   login     200   200    200    200     200  200   200
/circulars/new                                login     403   403    200    403     403  403   403
/circulars/new/bulletin                       login     403   403    200    403     403  403   403
/circulars/{issued}                           login     200   200    200    200     200  200   200
/circulars/{issued}.pdf                       login     200   200    200    200     200  200   200
/circulars/{issued}/attachments/{issued_file} login     200   200    200    200     200  200   200
/circulars/{signing}                          login     404   200    200    404     404  404   404
/circulars/{signing}.pdf                      login     404   200    200    404     404  404   404
/circulars/{draft}                            login     404   200    200    404     404  404   404
/circulars/{draft}/attachments/{draft_file}   login     404   200    200    404     404  404   404
/circulars/{draft}/edit                       login     403   403    200    403     403  403   403
/circulars/{reviewing}                        login     404   200    200    404     404  404   404
"""

POST = """
route                                                anonymous admin leader office monitor head staff liaison
/circulars/new                                       login     403   403    ok     403     403  403   403
/circulars/new/bulletin                              login     403   403    ok     403     403  403   403
/circulars/new/from-document                         login     403   403    ok     403     403  403   403
/circulars/{draft}/edit                              login     403   403    ok     403     403  403   403
/circulars/{draft}/attachments                       login     403   403    ok     403     403  403   403
/circulars/{draft}/attachments/{draft_file}/delete   login     403   403    ok     403     403  403   403
/circulars/{signing}/do/sign                         login     404   ok     ok     404     404  404   404
/circulars/{issued}/acknowledge                      login     ok    ok     ok     ok      ok   ok    ok
"""


# 核稿 of a circular the office drafted: refused to its drafter (400, the reason shown) and to a
# leader (no permission); the office's colleague office2 may (plugins/circulars/tests/test_separation.py).
REVIEW = """
route                                                anonymous admin leader office monitor head staff liaison
/circulars/{reviewing}/do/review                     login     404   400    400    404     404  404   404
"""


@pytest.fixture
def ids(app):
    with database.connection_context():
        by_state = {c.state: c.id for c in Circular.select()}
        files = {}
        for name, state in (("issued_file", "issued"), ("draft_file", "draft")):
            files[name] = CircularAttachment.create(
                circular=by_state[state], position=9, title="测试附件", kind="file", file_name="附件.pdf",
                content_type="application/pdf", file_data=b"%PDF-1.4 test").id
        office = User.get(User.username == "office")
        with app.app_context():
            reviewing = workflow.save_draft(office, form=dict(defaults(), title="待核稿的通知", body="正文。"),
                                            department_ids=[d.id for d in workflow.default_departments()])
            workflow.submit(reviewing, office, version=reviewing.version)
    return {"issued": by_state["issued"], "signing": by_state["signing"], "draft": by_state["draft"],
            "reviewing": reviewing.id, "reviewing_version": reviewing.version, **files}


def test_get_matrix(app, ids):
    assert check_get(app, GET, ids) == []


def test_post_matrix(app, ids):
    assert check_post(app, POST, ids) == []


def test_review_matrix(app, ids):
    assert check_post(app, REVIEW, ids, data={"version": str(ids["reviewing_version"])}) == []


def test_every_circulars_route_is_in_the_matrix(app):
    assert unlisted_routes(app, [GET, POST, REVIEW], {"circulars"}) == []
