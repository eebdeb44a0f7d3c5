"""The search everywhere finds checklist items (责任清单) by the plugin's own reading rule
(visibility.may_read): a unit's people find their unit's items, never another unit's; the office
finds every unit's."""
from datetime import datetime

from plugins.accountability.models import Item
from portal.plugin_api import Department, User, database

WORD = "意识形态鹦鹉螺"


def test_checklist_items_are_found_for_who_may_see_them(app, login):
    with database.connection_context():
        staff_unit = User.get(User.username == "staff").department
        other = Department.select().where(Department.id != staff_unit.id, Department.kind == staff_unit.kind).first()
        own = Item.create(year=2026, article="第五条", title=f"{WORD}本单位专题研究", text="每半年研究一次。",
                          due_at=datetime(2026, 12, 31), department=staff_unit)
        theirs = Item.create(year=2026, article="第五条", title=f"{WORD}他单位专题研究", text="每半年研究一次。",
                             due_at=datetime(2026, 12, 31), department=other)
    office = login("office").get("/search", query_string={"q": WORD}).get_data(as_text=True)
    assert "责任清单事项（2）" in office and own.title in office and theirs.title in office
    staff = login("staff")
    found = staff.get("/search", query_string={"q": WORD}).get_data(as_text=True)
    assert f'href="/accountability/items/{own.id}"' in found and theirs.title not in found
    assert staff.get(f"/accountability/items/{own.id}").status_code == 200
    assert staff.get(f"/accountability/items/{theirs.id}").status_code == 404
