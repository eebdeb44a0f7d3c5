"""Every accountability route × every role × anonymous (the core's table format, tests/matrix.py).

A unit reads its own checklist and items (电力科's head, staff and liaison), not {other}'s (煤炭科) nor
the Party group's (0); the office, the leaders and 机关纪委 read all; the monitor (信息中心) none of these.
{record} an accountability record with its document {doc}: the leaders' and 机关纪委's only.
{rect} a rectification of {item} (the monitor, in 信息中心, does not read 电力科's).
{item} is an open item of 电力科's checklist this year (owned by `head`, 电力科's head), {file} a
file of its evidence, {proposal} a record proposed for it; {unit} is 电力科, {template} the first
template item. The office manages; every role but the administrator reads and works its own items.
"""
import pytest

from portal.plugin_api import Case, Department, database, now

from plugins.accountability.models import Evidence, Finding, Item, Record, RecordDocument, Rectification, TemplateItem
from tests.matrix import check_get, check_post, unlisted_routes

GET = """
route                                                anonymous admin leader office monitor head staff liaison
/accountability/                                     login     403   200    200    200     200  200   200
/accountability/?year=2020                           login     403   200    200    200     200  200   200
/accountability/parties/{year}                       login     403   200    200    200     200  200   200
/accountability/parties/1900                         login     403   404    404    404     404  404   404
/accountability/template                             login     403   403    200    403     403  403   403
/accountability/template/{template}                  login     403   403    200    403     403  403   403
/accountability/checklists/{year}/0                  login     403   200    200    403     403  403   403
/accountability/checklists/{year}/{unit}             login     403   200    200    403     200  200   200
/accountability/checklists/{year}/{other}            login     403   200    200    403     403  403   403
/accountability/items/{other_item}                   login     403   200    200    404     404  404   404
/accountability/checklists/{year}/999999             login     403   404    404    404     404  404   404
/accountability/items/{item}                         login     403   200    200    404     200  200   200
/accountability/items/{item}/evidence/{file}         login     403   200    200    404     200  200   200
/accountability/items/{item}/evidence/{proposal}     login     403   404    404    404     404  404   404
/accountability/reports                              login     403   200    200    200     200  200   200
/accountability/reports/{year}/1/{unit}              login     403   200    200    200     200  200   200
/accountability/reports/{year}/9/{unit}              login     403   404    404    404     404  404   404
/accountability/reports/{year}/1/0                   login     403   404    404    404     404  404   404
/accountability/inspections/{year}/{unit}            login     403   200    200    403     403  403   403
/accountability/inspections/{year}/0                 login     403   404    404    403     403  403   403
/accountability/rectifications                       login     403   200    200    200     200  200   200
/accountability/rectifications/{rect}                login     403   200    200    404     200  200   200
/accountability/rectifications/{rect}/file           login     403   200    200    404     200  200   200
/accountability/rectifications/999999                login     403   404    404    404     404  404   404
/accountability/assessment                           login     403   200    200    403     403  403   403
/accountability/assessment?year=2020                 login     403   200    200    403     403  403   403
/accountability/assessment/{year}.xlsx               login     403   200    200    403     403  403   403
/accountability/assessment/1900.xlsx                 login     403   404    404    403     403  403   403
/documents/accountability.assessment/{year}.pdf      login     404   200    200    404     404  404   404
/accountability/records                              login     403   200    403    403     403  403   403
/accountability/records?q=x                          login     403   200    403    403     403  403   403
/accountability/records/new                          login     403   200    403    403     403  403   403
/accountability/records/{record}                     login     403   200    403    403     403  403   403
/accountability/records/{record}/edit                login     403   200    403    403     403  403   403
/accountability/records/{record}/documents/{doc}     login     403   200    403    403     403  403   403
/accountability/records/999999                       login     403   404    403    403     403  403   403
"""

POST = """
route                                                          anonymous admin leader office monitor head staff liaison
/accountability/parties/{year}                                 login     403   403    ok     403     403  403   403
/accountability/template                                       login     403   403    ok     403     403  403   403
/accountability/template/{template}                            login     403   403    ok     403     403  403   403
/accountability/checklists/{year}/generate                     login     403   403    ok     403     403  403   403
/accountability/items/{item}/do/complete                       login     403   ok     ok     404     ok   ok    ok
/accountability/items/{item}/propose                           login     403   403    ok     404     ok   403   403
/accountability/items/{item}/references                        login     403   403    ok     404     ok   403   403
/accountability/items/{item}/evidence/{proposal}/accept        login     403   403    ok     404     ok   403   403
/accountability/items/{item}/evidence/{proposal}/reject        login     403   403    ok     404     ok   403   403
/accountability/reports/schedule                               login     403   403    ok     403     403  403   403
/accountability/reports/{year}/1/{unit}                        login     403   403    ok     403     ok   ok    ok
/accountability/inspections/{year}/{unit}/{item}               login     403   ok     ok     403     403  403   403
/accountability/rectifications/{rect}/do/report                login     403   ok     ok     404     ok   ok    ok
/accountability/rectifications/{rect}/do/close                 login     403   ok     ok     404     ok   ok    ok
/accountability/records/new                                    login     403   ok     403    403     403  403   403
/accountability/records/{record}/edit                          login     403   ok     403    403     403  403   403
/accountability/records/{record}/documents                     login     403   ok     403    403     403  403   403
"""


@pytest.fixture
def ids(app):
    with database.connection_context():
        power = Department.get(Department.name == "电力科")
        item = Item.get((Item.year == now().year) & (Item.department == power.id) & (Item.state == "open")
                        & (Item.source == "cases"))
        file = Evidence.create(item=item.id, filename="台账.txt", content_type="text/plain", data=b"x")
        proposal = Evidence.create(item=item.id, state="proposed", source="cases", case=Case.select().first().id)
        finding = Finding.create(item=item.id, score=6, text="台账不全")
        rect = Rectification.create(finding=finding.id, year=item.year, department=power.id, task="补齐台账",
                                    owner=item.owner_id, due_at=now(), data=b"x", filename="a.txt",
                                    content_type="text/plain")
        record = Record.create(year=item.year, subject="某负责人", situations="9", facts="事实", form="通报",
                               decided_by="局党组", decided_on=now().date())
        doc = RecordDocument.create(record=record.id, filename="决定.txt", content_type="text/plain", data=b"x")
        coal = Department.get(Department.name == "煤炭科")
        other_item = Item.get((Item.year == now().year) & (Item.department == coal.id))
        return {"other": coal.id, "other_item": other_item.id, "record": record.id, "doc": doc.id, "rect": rect.id, "year": now().year, "unit": power.id, "item": item.id, "file": file.id, "proposal": proposal.id,
                "template": TemplateItem.select().first().id}


def test_get_matrix(app, ids):
    wrong = check_get(app, GET, ids)
    assert wrong == [], "\n".join(wrong)


def test_post_matrix(app, ids):
    wrong = check_post(app, POST, ids, data={})
    assert wrong == [], "\n".join(wrong)


def test_every_accountability_route_is_in_the_matrix(app):
    assert unlisted_routes(app, [GET, POST], {"accountability"}) == [], "routes without a row in the matrix"
