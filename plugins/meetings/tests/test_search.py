"""The search everywhere finds agenda items and decisions for those who see the meetings, and
never an item about a case the reader may not see."""
from datetime import date

from plugins.meetings.models import Decision, Item, Meeting
from portal.cases.models import Case
from portal.db import database
from portal.org.models import Department
from portal.testing import drive

WORD = "迎峰度夏鹦鹉螺"


def test_items_and_decisions_are_found_and_labelled(app, login):
    hidden = drive(app, "内部事项", host="煤炭科")
    with database.connection_context():
        Case.update(confidentiality="internal").where(Case.id == hidden.id).execute()
        unit = Department.get(Department.name == "电力科")
        meeting = Meeting.create(kind="regular", title="第三季度联席会议", state="scheduled")
        item = Item.create(meeting=meeting, department=unit, title=f"{WORD}保供舆情应对", opinion="统一口径", basis="预案")
        Item.create(meeting=meeting, department=unit, title=f"{WORD}内部事项研究", opinion="核查", basis="制度",
                    case=hidden.id)
        Decision.create(item=item, text=f"拟定{WORD}统一答复口径", department=unit, due_on=date(2026, 12, 1))
    html = login("office").get("/search", query_string={"q": WORD}).get_data(as_text=True)
    assert "研究事项（2）" in html and "议定事项（1）" in html and f"拟定{WORD}统一答复口径" in html
    head = login("head").get("/search", query_string={"q": WORD}).get_data(as_text=True)  # 电力科: not the 内部 case
    assert "研究事项（1）" in head and f"{WORD}内部事项研究" not in head
    assert f"{WORD}保供" not in login("staff").get("/search", query_string={"q": WORD}).get_data(as_text=True)
