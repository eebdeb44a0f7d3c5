"""Helpers for case tests: register through the real form, read a case back."""
import io
import re

from portal.cases.models import Case
from portal.db import database
from portal.testing import drive  # shipped with the portal: the fixture make_case

__all__ = ["PNG", "drive", "fetch", "png", "register", "step"]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def register(client, **fields):
    data = {
        "title": "反映某小区停电", "source": "website", "category": "complaint",
        "url": "https://bbs.example.cn/t/1", "posted_at": "2026-11-28T09:30",
        "post_text": "小区昨晚停电至今未恢复。", "confidentiality": "normal",
        "netizen_nickname": "热心市民", "netizen_contact": "13900001111",
    }
    data.update(fields)
    response = client.post("/cases/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    case_id = int(re.search(r"/cases/(\d+)$", response.headers["Location"]).group(1))
    return fetch(case_id)


def hidden_from(username: str) -> Case:
    """A case in handling made 内部 that ``username`` may not see: not their department's, neither
    hosted nor co-handled, nor registered by them."""
    from portal.cases.models import CaseCoDepartment
    from portal.org.models import User

    with database.connection_context():
        user = User.get(User.username == username)
        case = (Case.select().where((Case.state == "handling") & (Case.host_department != user.department_id)
                                    & (Case.registered_by != user.id)).order_by(Case.id.desc()).first())
        CaseCoDepartment.delete().where(CaseCoDepartment.case == case.id).execute()
        Case.update(confidentiality="internal").where(Case.id == case.id).execute()
    return case


def fetch(case_id) -> Case:
    with database.connection_context():
        return Case.get_by_id(case_id)


def step(client, case, action, **fields):
    """POST one workflow step with the case's current version."""
    data = {"version": str(fetch(case.id).version)}
    data.update(fields)
    return client.post(f"/cases/{case.id}/do/{action}", data=data, content_type="multipart/form-data")


def png(name="shot.png"):
    return (io.BytesIO(PNG), name)
