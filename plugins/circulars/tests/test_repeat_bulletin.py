"""A second 通报 of overdue cases for a period that an earlier one covers is drafted only after
the drafter has been shown the earlier one and confirmed."""
from datetime import timedelta

from portal.db import now

from plugins.circulars.models import Circular


def test_a_second_bulletin_for_an_overlapping_period_needs_confirmation(login, db):
    office = login("office")
    start, end = now().date() - timedelta(days=30), now().date()
    period = {"from": start.isoformat(), "to": end.isoformat()}
    first = office.post("/circulars/new/bulletin", data=dict(period))
    assert first.status_code == 302
    first_id = int(first.headers["Location"].rsplit("/", 1)[1])
    count = Circular.select().count()

    page = office.get("/circulars/new/bulletin", query_string=period).get_data(as_text=True)
    assert "与已有的通报期间重叠" in page and f"/circulars/{first_id}" in page and 'name="again"' in page

    overlapping = {"from": (start + timedelta(days=10)).isoformat(), "to": (end + timedelta(days=5)).isoformat()}
    for data in (period, overlapping):
        refused = office.post("/circulars/new/bulletin", data=dict(data))
        text = refused.get_data(as_text=True)
        assert refused.status_code == 400 and "该期间已有通报" in text and f"/circulars/{first_id}" in text
        assert Circular.select().count() == count

    again = office.post("/circulars/new/bulletin", data=dict(period, again="1"))
    assert again.status_code == 302 and Circular.select().count() == count + 1


def test_a_bulletin_for_an_earlier_period_is_not_warned_about(login, db):
    office = login("office")
    end = now().date()
    assert office.post("/circulars/new/bulletin", data={"from": (end - timedelta(days=10)).isoformat(),
                                                          "to": end.isoformat()}).status_code == 302
    page = office.get("/circulars/new/bulletin", query_string={
        "from": (end - timedelta(days=60)).isoformat(), "to": (end - timedelta(days=11)).isoformat()})
    assert "与已有的通报期间重叠" not in page.get_data(as_text=True)
