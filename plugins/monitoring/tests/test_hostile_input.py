"""Every form of the monitoring desk, sent junk: never a server error, and a refusal changes nothing."""
import pytest

from portal.plugin_api import Case, database

from plugins.monitoring.models import (Batch, Candidate, Commentator, Enquiry, Handling, Patrol, Period, Position, Shift,
                                       Statement, StatementUse, StatementVersion, Topic, Training)

JUNK = ["", " ", "<script>alert(1)</script>", "\x00", "９", "-1", "+4", "1e9", "2026-13-45T25:61", "99999999999999999999",
        "x" * 5000, "煤矿\n" * 600]
TABLES = (Topic, Period, Shift, Position, Patrol, Commentator, Training, Candidate, Batch, Handling, Statement,
          StatementVersion, Enquiry, StatementUse)


def routes(ids):
    return {
        "/monitoring/topics": ("name", "keywords", "exclusions", "category", "host_department", "concerns"),
        f"/monitoring/topics/{ids['topic']}": ("name", "keywords", "category", "version"),
        "/monitoring/periods": ("name", "kind", "starts_at", "ends_at", "note"),
        f"/monitoring/periods/{ids['period']}": ("name", "kind", "starts_at", "ends_at", "version"),
        f"/monitoring/periods/{ids['period']}/shifts": ("monitor", "starts_at", "ends_at"),
        f"/monitoring/shifts/{ids['shift']}/handover": ("handover", "version"),
        "/monitoring/positions": ("department", "kind", "name", "url", "manager"),
        "/monitoring/patrols": ("day", "checked", "seen", "leads"),
        "/monitoring/team": ("user", "joined_on"),
        "/monitoring/trainings": ("held_on", "topic", "trainer", "present"),
        f"/monitoring/candidates/{ids['candidate']}/accept": ("source", "category", "version"),
        f"/monitoring/candidates/{ids['candidate']}/dismiss": ("reason", "version"),
        f"/monitoring/imports/{ids['batch']}/mapping": ("map_title", "map_url", "map_posted_at"),
        f"/monitoring/cases/{ids['case']}/handling/class": ("klass", "version"),
        f"/monitoring/cases/{ids['case']}/handling/holding": ("holding_text", "promised_on", "version"),
        f"/monitoring/cases/{ids['case']}/handling/referral": ("facts_text", "facts_url", "referred_on", "version"),
        "/monitoring/statements": ("title", "topic", "department", "text"),
        f"/monitoring/statements/{ids['statement']}/versions": ("text",),
        f"/monitoring/cases/{ids['case']}/statements/choose": ("statement_version",),
        "/monitoring/enquiries": ("outlet", "reporter", "contact", "subject", "received_by", "received_at"),
        f"/monitoring/enquiries/{ids['enquiry']}/answer": ("statement_version", "answer_text", "version"),
    }


def counts():
    return {m.__name__: m.select().count() for m in TABLES}


@pytest.fixture
def ids(app):
    with database.connection_context():
        return {"topic": Topic.select().first().id, "period": Period.select().order_by(Period.id.desc()).first().id,
                "shift": Shift.select().first().id, "candidate": Candidate.get(Candidate.state == "waiting").id,
                "batch": Batch.select().first().id, "case": Case.select().first().id,
                "statement": Statement.select().first().id, "enquiry": Enquiry.get(Enquiry.closed_at.is_null()).id}


def test_junk_never_makes_a_server_error_nor_a_change(app, login, db, ids):
    office = login("office")
    before = counts()
    for url, names in routes(ids).items():
        for junk in JUNK:
            response = office.post(url, data={name: junk for name in names})
            assert response.status_code < 500, (url, junk, response.status_code)
    assert counts() == before
    assert Enquiry.get_by_id(ids["enquiry"]).answered_at is None
