"""Helpers for the grading tests: record heat and read the results back as a user would."""
from plugins.grading.models import Grade
from portal.cases.models import Notification
from portal.db import database
from portal.org.models import User


def snapshot(client, case_id, clicks=0, comments=0, reposts=0, heat_index=0, **fields):
    data = {"form": "snapshot", "clicks": str(clicks), "comments": str(comments), "reposts": str(reposts),
            "heat_index": str(heat_index)}
    data.update(fields)
    return client.post(f"/grading/cases/{case_id}/metrics", data=data)


def set_flags(client, case_id, *flags):
    return client.post(f"/grading/cases/{case_id}/metrics", data={"form": "flags", "flags": list(flags)})


def grade_of(case_id) -> str | None:
    with database.connection_context():
        row = Grade.get_or_none(Grade.case == case_id)
        return row.grade if row else None


def messages(username, case_id) -> list[str]:
    """The notifications ``username`` received from this plugin about a case, oldest first."""
    with database.connection_context():
        user = User.get(User.username == username)
        return [n.message for n in Notification.select().where(
            (Notification.user == user) & (Notification.case == case_id) & Notification.kind.startswith("grading"))
            .order_by(Notification.id)]


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)
