"""Every meetings route × every role × anonymous (the core's table format, tests/matrix.py).

{regular} is the demo's held regular meeting, {adhoc} the ad hoc request awaiting the convener;
{item} an item of the regular meeting, {file} its material, {decision} one of its decided
matters, {report} a progress report with evidence; {case} the case the ad hoc meeting is about;
{group} the demo's 专项督查组, {instruction} its instruction from above (with a file) relayed to
电力科 and 煤炭科, {task} 电力科's part of it, {bulletin} the office's 通报 to every member unit,
{lead} 电力科's lead to the office (seen by the office, leaders and 电力科).
Members of the joint meeting (leaders, the office, heads and liaisons) see the meetings; the
administrator, the monitors and other staff have no part in them.
"""
import pytest

from plugins.meetings.models import Decision, Group, Instruction, Item, ItemFile, Meeting, Report, Share, Task
from portal.org.models import Department
from portal.db import database
from tests.matrix import check_get, check_post, unlisted_routes

GET = """
route                                         anonymous admin leader office monitor head staff liaison
/meetings/                                    login     403   200    200    403     200  403   200
/meetings/new                                 login     403   403    200    403     403  403   403
/meetings/{regular}                           login     403   200    200    403     200  403   200
/meetings/{adhoc}                             login     403   200    200    403     200  403   200
/meetings/{regular}.ics                       login     403   200    200    403     200  403   200
/meetings/members                             login     403   200    200    403     200  403   200
/meetings/supervision                         login     403   200    200    403     200  403   200
/meetings/items/{item}/files/{file}           login     403   200    200    403     200  403   200
/meetings/reports/{report}/evidence           login     403   200    200    403     200  403   200
/meetings/cases/{case}/panel                  login     200   200    200    200     200  200   200
/meetings/groups                              login     403   200    200    403     200  403   200
/meetings/groups/{group}                      login     403   200    200    403     200  403   200
/meetings/instructions                        login     403   200    200    403     200  403   200
/meetings/instructions/{instruction}          login     403   200    200    403     200  403   200
/meetings/instructions/{instruction}/file     login     403   200    200    403     200  403   200
/meetings/sharing                             login     403   200    200    403     200  403   200
/meetings/sharing/{bulletin}                  login     403   200    200    403     200  403   200
/meetings/sharing/{lead}                      login     403   200    200    403     200  403   200
"""

POST = """
route                                         anonymous admin leader office monitor head staff liaison
/meetings/new                                 login     403   403    ok     403     403  403   403
/meetings/{adhoc}/do/approve                  login     403   ok     ok     403     ok   403   ok
/meetings/items/{item}/do/accept              login     403   ok     ok     403     ok   403   ok
/meetings/decisions/{decision}/do/close       login     403   ok     ok     403     ok   403   ok
/meetings/{regular}/attendance                login     403   403    ok     403     403  403   403
/meetings/{regular}/invite                    login     403   403    ok     403     403  403   403
/meetings/{regular}/carry-over                login     403   403    ok     403     403  403   403
/meetings/{regular}/items                     login     403   403    403    403     ok   403   ok
/meetings/items/{item}/files                  login     403   403    403    403     ok   403   ok
/meetings/items/{item}/decisions              login     403   403    ok     403     403  403   403
/meetings/members                             login     403   403    ok     403     403  403   403
/meetings/groups                              login     403   403    ok     403     403  403   403
/meetings/groups/{group}/report               login     403   ok     ok     403     ok   403   ok
/meetings/groups/{group}/close                login     403   403    ok     403     403  403   403
/meetings/instructions                        login     403   403    ok     403     403  403   403
/meetings/tasks/{task}/read                   login     403   ok     ok     403     ok   403   ok
/meetings/tasks/{task}/close                  login     403   ok     ok     403     ok   403   ok
/meetings/sharing                             login     403   403    403    403     ok   403   ok
/meetings/sharing/circulate                   login     403   403    ok     403     403  403   403
"""


@pytest.fixture
def ids(app):
    with database.connection_context():
        regular = Meeting.get(Meeting.kind == "regular")
        adhoc = Meeting.get(Meeting.kind == "adhoc")
        item = Item.select().where(Item.meeting == regular.id).order_by(Item.id).first()
        file = ItemFile.create(item=item.id, file_name="材料.pdf", content_type="application/pdf", data=b"%PDF-1.4 t")
        decision = Decision.select().where(Decision.item == item.id).order_by(Decision.id).first()
        report = Report.create(decision=decision.id, text="已办。", file_name="佐证.pdf", content_type="application/pdf",
                               data=b"%PDF-1.4 t")
        group = Group.get()
        instruction = Instruction.get()
        task = Task.get((Task.instruction == instruction.id) & (Task.department == Department.get(name="电力科").id))
        bulletin = Share.get(Share.kind == "bulletin")
        lead = Share.get((Share.kind == "lead") & (Share.department == Department.get(name="电力科").id))
        return {"regular": regular.id, "adhoc": adhoc.id, "item": item.id, "file": file.id, "decision": decision.id,
                "report": report.id, "case": adhoc.case_id, "group": group.id, "instruction": instruction.id,
                "task": task.id, "bulletin": bulletin.id, "lead": lead.id}


def test_get_matrix(app, ids):
    assert check_get(app, GET, ids) == []


def test_post_matrix(app, ids):
    assert check_post(app, POST, ids) == []


def test_every_meetings_route_is_in_the_matrix(app):
    assert unlisted_routes(app, [GET, POST], {"meetings"}) == []
