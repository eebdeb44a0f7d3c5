"""Helpers for case tests: register through the real form, read a case back."""
import io
import re

from portal.cases.models import Case
from portal.db import database

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


def drive(app, title, *, state="handling", host="电力科", posted_at=None) -> Case:
    """A case driven through the real workflow, each step by its role, up to ``state``
    (registered, reported, handling, awaiting_approval or replied)."""
    from datetime import timedelta

    from portal.cases import workflow
    from portal.db import now
    from portal.org.models import Department, User

    def user(username):
        return User.get(User.username == username)

    with app.app_context(), database.connection_context():
        host_id = Department.get(Department.name == host).id
        case = workflow.register(user("monitor"), title=title, source="website", url="", category="complaint",
                                 post_text=f"{title}（测试原帖）", posted_at=posted_at or now() - timedelta(hours=1))
        if state == "registered":
            return Case.get_by_id(case.id)
        workflow.report(case, user("monitor"), version=case.version)
        if state == "reported":
            return Case.get_by_id(case.id)
        workflow.assign(case, user("leader"), version=case.version, host_department_id=host_id,
                        instruction="请核实后答复。")
        if state in ("awaiting_approval", "replied"):
            handler = User.get(User.department == host_id)
            workflow.submit_reply(case, handler, version=case.version, findings="已核实。", text="网友您好：已处理。")
        if state == "replied":
            workflow.approve(case, user("leader"), version=case.version)
            workflow.record_reply(case, user("office"), version=case.version, reply_url="https://bbs.example.cn/r",
                                  replied_at=min(case.posted_at + timedelta(days=1), now()))
        return Case.get_by_id(case.id)
