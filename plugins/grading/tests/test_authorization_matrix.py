"""Every grading route × every role × anonymous (the core's table format, tests/matrix.py).

{normal} is demo case -0001 (普通), {internal} demo case -0003 (内部, registered by `monitor`,
not yet assigned): the office and the leaders see it, and its registrant; admin, heads and clerks get 404.
"""
import pytest

from portal.cases.models import Case
from portal.db import database
from tests.matrix import check_get, check_post, unlisted_routes

GET = """
route                                       anonymous admin leader office monitor head staff liaison
/grading/static/grading.css                 200       200   200    200    200     200  200   200
/grading/settings                           login     200   403    200    403     403  403   403
/grading/cases/{normal}/panel               login     200   200    200    200     200  200   200
/grading/cases/{internal}/panel             login     404   200    200    200     404  404   404
/grading/cases/{normal}/metrics             login     403   403    200    200     403  403   403
/grading/cases/{internal}/metrics           login     403   403    200    200     403  403   403
/grading/cases/{normal}/assess              login     403   403    200    403     403  403   403
/grading/cases/{normal}/escalate            login     403   403    200    403     403  403   403
/grading/cases/{normal}/eliminate           login     403   403    200    403     403  403   403
/grading/cases/{normal}/grade               login     403   200    403    403     403  403   403
/grading/cases/{internal}/grade             login     403   200    403    403     403  403   403
/grading/cases/{normal}/review              login     403   200    200    403     403  403   403
"""

POST = """
route                                       anonymous admin leader office monitor head staff liaison
/grading/settings                           login     ok    403    ok     403     403  403   403
/grading/cases/{normal}/metrics             login     403   403    ok     ok      403  403   403
/grading/cases/{internal}/metrics           login     403   403    ok     ok      403  403   403
/grading/cases/{normal}/assess              login     403   403    ok     403     403  403   403
/grading/cases/{internal}/assess            login     403   403    ok     403     403  403   403
/grading/cases/{normal}/meeting             login     403   403    ok     403     403  403   403
/grading/cases/{normal}/escalate            login     403   403    ok     403     403  403   403
/grading/cases/{normal}/eliminate           login     403   403    ok     403     403  403   403
/grading/cases/{normal}/grade               login     403   ok     403    403     403  403   403
/grading/cases/{internal}/grade             login     403   ok     403    403     403  403   403
/grading/cases/{normal}/review              login     403   ok     ok     403     403  403   403
"""


@pytest.fixture
def ids(app):
    with database.connection_context():
        internal = Case.get(Case.number.endswith("-0003"))
        assert internal.confidentiality == "internal" and internal.host_department_id is None
        return {"normal": Case.get(Case.number.endswith("-0001")).id, "internal": internal.id}


def test_get_matrix(app, ids):
    assert check_get(app, GET, ids) == []


def test_post_matrix(app, ids):
    assert check_post(app, POST, ids, data={}) == []


def test_every_grading_route_is_in_the_matrix(app):
    assert unlisted_routes(app, [GET, POST], {"grading"}) == []
