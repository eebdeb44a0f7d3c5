"""`portal demo --cases N` makes meetings in proportion: two regular meetings a year over the
years the cases span, an emergency meeting per 250 cases and an ad hoc one per 500, each about a
case made, with items, minutes and decided matters (past ones mostly closed)."""
from portal import bulk

from plugins.meetings.bulk import ADHOC_EVERY, EMERGENCY_EVERY
from plugins.meetings.models import Decision, Item, Meeting


def test_bulk_cases_bring_meetings_in_proportion(app, db):
    before = Meeting.select().count()
    with app.app_context():
        bulk.generate(1000, seed=11, years=2, long_timeline_case=False)
    made = Meeting.select().where(Meeting.title.contains("批量"))
    assert made.where(Meeting.kind == "emergency").count() == 1000 // EMERGENCY_EVERY
    assert made.where(Meeting.kind == "adhoc").count() == 1000 // ADHOC_EVERY
    assert 2 <= made.where(Meeting.kind == "regular").count() <= 6
    assert Meeting.select().count() - before == made.count()
    for m in made.where(Meeting.kind != "regular"):
        assert m.case_id is not None
    items = Item.select().join(Meeting).where(Meeting.title.contains("批量"))
    assert items.count() >= made.count() and all(i.minutes_state == "confirmed" for i in items)
    decisions = Decision.select().join(Item).join(Meeting).where(Meeting.title.contains("批量"))
    assert decisions.where(Decision.state == "closed").count() > decisions.where(Decision.state == "open").count() > 0
