"""`portal demo --cases N` gives every case the deadline the portal's own rule gives (issue 14,
item 6), computing the rule once per posting day."""
from datetime import datetime

from portal import bulk
from portal.cases import deadlines
from portal.cases.models import Case


def test_bulk_cases_have_the_rules_deadlines_once_per_posting_day(app, db, frozen_clock, monkeypatch):
    frozen_clock(datetime(2026, 11, 29, 10))
    calls = []
    real = bulk.reply_deadline

    def counted(posted_at, *args):
        calls.append(posted_at.date())
        return real(posted_at, *args)

    monkeypatch.setattr(bulk, "reply_deadline", counted)
    with app.app_context():
        before = Case.select().count()
        bulk.generate(600, seed=11, years=2, long_timeline_case=False)
        calendar = deadlines.work_calendar()
        generated = list(Case.select().order_by(Case.id).offset(before))
        wrong = [(c.number, c.posted_at, c.due_at) for c in generated
                 if (c.due_at, c.due_provisional) != (lambda d: (d.due_at, d.provisional))(
                     deadlines.compute_deadline(c.posted_at, 3, calendar))]
    assert len(generated) == 600 and wrong == []
    # the cases roll over holidays: some deadline is later than posting day + 3
    assert any((c.due_at.date() - c.posted_at.date()).days > 4 for c in generated)
    posting_days = {c.posted_at.date() for c in generated}
    assert sorted(calls) == sorted(posting_days)  # once per posting day, never per case
