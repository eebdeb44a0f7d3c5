"""The search everywhere finds checklist items (责任清单): every member of staff may read the
checklists (accountability.view), so every one finds them, linked to the item's page."""
from datetime import datetime

from plugins.accountability.models import Item
from portal.db import database

WORD = "意识形态鹦鹉螺"


def test_checklist_items_are_found_for_who_may_see_them(app, login):
    with database.connection_context():
        Item.create(year=2026, article="第五条", title=f"{WORD}工作专题研究", text="每半年研究一次。",
                    due_at=datetime(2026, 12, 31))
    office = login("office").get("/search", query_string={"q": WORD}).get_data(as_text=True)
    assert "责任清单事项（1）" in office and f"{WORD}工作专题研究" in office
    item = Item.get(Item.title == f"{WORD}工作专题研究")
    staff = login("staff")
    assert f'href="/accountability/items/{item.id}"' in staff.get("/search", query_string={"q": WORD}).get_data(as_text=True)
    assert staff.get(f"/accountability/items/{item.id}").status_code == 200
