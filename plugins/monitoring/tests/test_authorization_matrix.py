"""Every monitoring route × every role × anonymous (the core's table format, tests/matrix.py).

{topic} is the demo's 煤矿安全 topic, {case} a demo case, {period} a demo sensitive period and
{shift} a shift of `monitor` in it, {batch} the demo import and {candidate} one of its waiting
candidates, {enquiry} the demo's open media enquiry. The leaders, the office and the monitors
see the desk; the office keeps the watch list, periods and roster; monitors and the office import.
"""
import pytest

from portal.plugin_api import Case, database

from plugins.monitoring.models import Batch, Candidate, Period, Position, Shift, Statement, Topic, Training, Enquiry
from tests.matrix import check_get, check_post, unlisted_routes

GET = """
route                                anonymous admin leader office monitor head staff liaison
/monitoring/                         login     403   200    200    200     403  403   403
/monitoring/topics                   login     403   200    200    200     403  403   403
/monitoring/topics/{topic}           login     403   200    200    200     403  403   403
/monitoring/topics/999999            login     403   404    404    404     403  403   403
/monitoring/hits                     login     403   200    200    200     403  403   403
/monitoring/cases/{case}/panel       login     403   200    200    200     403  403   403
/monitoring/cases/{case}/handling    login     200   200    200    200     200  200   200
/monitoring/cases/999999/handling    login     404   404    404    404     404  404   404
/monitoring/cases/999999/panel       login     403   404    404    404     403  403   403
/monitoring/periods                  login     403   200    200    200     403  403   403
/monitoring/periods/{period}         login     403   200    200    200     403  403   403
/monitoring/periods/999999           login     403   404    404    404     403  403   403
/monitoring/duty                     login     403   200    200    200     403  403   403
/monitoring/imports                  login     403   403    200    200     403  403   403
/monitoring/imports/{batch}          login     403   403    200    200     403  403   403
/monitoring/imports/999999           login     403   403    404    404     403  403   403
/monitoring/candidates               login     403   403    200    200     403  403   403
/monitoring/patrols                  login     403   200    200    200     403  403   403
/monitoring/positions                login     403   200    200    200     403  403   403
/monitoring/positions/{position}     login     403   200    200    200     403  403   403
/monitoring/team                     login     403   200    200    200     403  403   403
/monitoring/trainings/{training}     login     403   200    200    200     403  403   403
/monitoring/trainings/999999         login     403   404    404    404     403  403   403
/monitoring/statements               login     200   200    200    200     200  200   200
/monitoring/statements/{statement}   login     200   200    200    200     200  200   200
/monitoring/statements/999999        login     404   404    404    404     404  404   404
/monitoring/cases/{case}/statements  login     200   200    200    200     200  200   200
/monitoring/positions/999999         login     403   404    404    404     403  403   403
/monitoring/enquiries                login     403   200    200    200     200  200   200
/monitoring/enquiries/{enquiry}      login     403   200    200    200     200  200   200
/monitoring/enquiries/999999         login     403   404    404    404     404  404   404
"""

POST = """
route                                        anonymous admin leader office monitor head staff liaison
/monitoring/statements                       login     403   403    ok     403     ok   ok    ok
/monitoring/statements/{statement}/versions  login     403   403    ok     403     ok   ok    ok
/monitoring/statements/{statement}/approve   login     403   ok     403    403     403  403   403
/monitoring/statements/{statement}/withdraw  login     403   ok     403    403     403  403   403
/monitoring/cases/{case}/handling/class      login     403   403    ok     403     ok   ok    ok
/monitoring/cases/{case}/statements/choose   login     403   403    ok     403     ok   ok    ok
/monitoring/cases/{case}/handling/holding    login     403   403    ok     403     ok   ok    ok
/monitoring/cases/{case}/handling/referral   login     403   403    ok     403     ok   ok    ok
/monitoring/topics                           login     403   403    ok     403     403  403   403
/monitoring/topics/{topic}                   login     403   403    ok     403     403  403   403
/monitoring/rescan                           login     403   403    ok     403     403  403   403
/monitoring/periods                          login     403   403    ok     403     403  403   403
/monitoring/periods/{period}                 login     403   403    ok     403     403  403   403
/monitoring/periods/{period}/remove          login     403   403    ok     403     403  403   403
/monitoring/periods/{period}/shifts          login     403   403    ok     403     403  403   403
/monitoring/shifts/{shift}/remove            login     403   403    ok     403     403  403   403
/monitoring/shifts/{shift}/handover          login     403   403    ok     ok      403  403   403
/monitoring/imports                          login     403   403    ok     ok      403  403   403
/monitoring/imports/{batch}/mapping          login     403   403    ok     ok      403  403   403
/monitoring/imports/{batch}/confirm          login     403   403    ok     ok      403  403   403
/monitoring/candidates/{candidate}/accept    login     403   403    ok     ok      403  403   403
/monitoring/patrols                          login     403   403    ok     ok      403  403   403
/monitoring/positions                        login     403   403    ok     403     403  403   403
/monitoring/positions/{position}             login     403   403    ok     403     403  403   403
/monitoring/team                             login     403   403    ok     403     403  403   403
/monitoring/trainings                        login     403   403    ok     403     403  403   403
/monitoring/candidates/{candidate}/dismiss   login     403   403    ok     ok      403  403   403
/monitoring/enquiries                        login     403   ok     ok     ok      ok   ok    ok
/monitoring/enquiries/{enquiry}/answer       login     403   403    ok     403     403  403   403
/monitoring/enquiries/{enquiry}/close        login     403   403    ok     403     403  403   403
"""


@pytest.fixture
def ids(app):
    with database.connection_context():
        return {"topic": Topic.get(Topic.name == "煤矿安全").id, "case": Case.select().first().id,
                "period": Period.select().first().id, "shift": Shift.select().first().id,
                "batch": Batch.select().first().id,
                "candidate": Candidate.get(Candidate.state == "waiting").id,
                "position": Position.select().first().id, "training": Training.select().first().id,
                "statement": Statement.select().first().id,
                "enquiry": Enquiry.get(Enquiry.closed_at.is_null()).id}


def test_get_matrix(app, ids):
    assert check_get(app, GET, ids) == []


def test_post_matrix(app, ids):
    assert check_post(app, POST, ids, data={}) == []


def test_every_monitoring_route_is_in_the_matrix(app):
    assert unlisted_routes(app, [GET, POST], {"monitoring"}) == [], "routes without a row in the matrix"
