"""涉密 cases are register entries only: the portal, not a classified system, holds their number,
dates, host department and state, never their content (docs/security.md)."""
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from portal import create_app
from portal.cases import access, workflow
from portal.cases.models import Attachment, Case, CaseCounter, Notification
from portal.cases.workflow import WorkflowError
from portal.db import database, init_schema, now
from portal.org.models import Department, User
from portal.uploads import Upload, UploadError
from tests.core.case_helpers import PNG, fetch, png, step
from tests.core.test_migrations import LEGACY
from tests.fixtures import PortalClient


def _user(name):
    return User.get(User.username == name)


def test_intake_refuses_every_content_at_once_and_changes_nothing(app, login, db):
    office = login("office")
    before = Case.select().count(), list(CaseCounter.select().dicts())
    response = office.post("/cases/new", content_type="multipart/form-data", data={
        "title": "某煤矿事故内情", "source": "weibo", "category": "report", "url": "https://weibo.example.cn/1",
        "posted_at": now().strftime("%Y-%m-%dT%H:%M"), "post_text": "内情……", "confidentiality": "secret",
        "netizen_nickname": "知情人", "netizen_contact": "13900000000", "screenshot": png("内情.png")})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "涉密事项只登记编号、日期和办理状态" in page
    assert "事项标题、原帖内容、原帖链接、网民昵称、网民联系方式、截图或附件" in page
    assert (Case.select().count(), list(CaseCounter.select().dicts())) == before


def test_a_secret_case_is_a_register_entry_through_its_process(app, login, db):
    office = login("office")
    response = office.post("/cases/new", data={
        "title": "", "source": "website", "category": "report", "posted_at": now().strftime("%Y-%m-%dT%H:%M"),
        "post_text": "", "confidentiality": "secret"}, content_type="multipart/form-data")
    assert response.status_code == 302
    case = Case.select().order_by(Case.id.desc()).get()
    assert (case.title, case.post_text, case.url, case.netizen_nickname) == (access.SECRET_TITLE, access.SECRET_TEXT, "", "")
    page = office.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "涉密，线下办理" in page and 'name="instruction"' not in page and "分级预警" not in page
    # its steps carry no text, and refuse any
    assert step(office, case, "report").status_code == 302
    leader = login("leader")
    coal = Department.get(Department.name == "煤炭科").id
    refused = step(leader, case, "assign", host_department=coal, instruction="请查明泄密源头")
    assert refused.status_code == 400 and "涉密事项线下办理，本系统不记录批办意见" in refused.get_data(as_text=True)
    assert step(leader, case, "assign", host_department=coal).status_code == 302
    assert fetch(case.id).host_department_id == coal and fetch(case.id).instruction == ""
    with app.app_context():
        with pytest.raises(WorkflowError, match="不得在本系统上传附件"):
            workflow.attach(fetch(case.id), _user("office"), upload=Upload(PNG, "image/png", "a.png"), kind="material")
        from plugins.grading import workflow as grading
        with pytest.raises(grading.GradingError, match="涉密事项线下办理"):
            grading.record_snapshot(fetch(case.id), _user("office"), clicks=1, comments=1, reposts=0, heat_index=1)
        with pytest.raises(UploadError, match="不得在本系统上传附件"):  # the one place every upload passes
            from portal.cases.attachments import store
            store(fetch(case.id), Upload(PNG, "image/png", "a.png"), "material", _user("office"))


def test_the_workflow_refuses_secret_content_directly(app, db):
    with app.app_context():
        with pytest.raises(WorkflowError) as refused:
            workflow.register(_user("monitor"), title="", source="website", url="", post_text="涉密内容",
                              category="report", posted_at=now(), confidentiality="secret", files=1)
    assert "原帖内容、截图或附件" in str(refused.value)


def _legacy(tmp_path):
    """The legacy database (SQLite, or PostgreSQL when PORTAL_TEST_DATABASE_URL is set), its app
    settings, and a DB-API connection to change it behind the portal's back."""
    if os.environ.get("PORTAL_TEST_DATABASE_URL"):
        import psycopg

        from tests.core.test_migrations import _postgres_legacy
        settings, _ = _postgres_legacy(tmp_path)
        return settings, psycopg.connect(settings["DATABASE_URL"]), "%s"
    instance = tmp_path / "instance"
    shutil.copytree(LEGACY / "sqlite", instance)
    return {"INSTANCE_PATH": str(instance)}, sqlite3.connect(instance / "portal.db"), "?"


def test_migration_empties_existing_secret_cases(tmp_path):
    """A database from before (tests/data/legacy_49cb592) whose 0003 was 涉密: after `portal migrate`
    its content, attachment file, grading records and notification texts are gone; others intact."""
    settings, con, p = _legacy(tmp_path)
    instance = Path(settings["INSTANCE_PATH"])
    cursor = con.cursor()
    cursor.execute("SELECT id, title FROM \"case\" WHERE number LIKE '%-0003'")
    case_id, title = cursor.fetchone()
    cursor.execute(f"UPDATE \"case\" SET confidentiality = 'secret' WHERE id = {p}", (case_id,))
    cursor.execute("INSERT INTO attachment (case_id, kind, filename, stored_name, content_type, size, sha256, "
                   "uploaded_by_id, uploaded_at) VALUES ({p}, 'screenshot', '内情截图.png', 'c0ffee', 'image/png', 72, "
                   "'x', 1, '2026-11-28 10:00:00')".format(p=p), (case_id,))
    con.commit()
    con.close()
    folder = instance / "attachments"
    folder.mkdir()
    (folder / "c0ffee").write_bytes(PNG)
    os.utime(folder / "c0ffee", (time.time() - 3600, time.time() - 3600))
    app = create_app({**settings, "TESTING": True})
    app.test_client_class = PortalClient
    logged = []
    init_schema(app, log=logged.append)
    assert any("c0ffee" in line for line in logged) and not (folder / "c0ffee").exists()
    with database.connection_context():
        case = Case.get_by_id(case_id)
        assert (case.title, case.post_text, case.url, case.netizen_nickname, case.netizen_contact) == (
            access.SECRET_TITLE, access.SECRET_TEXT, "", "", "")
        assert case.number.endswith("-0003") and case.state == "reported"
        assert not Attachment.select().where(Attachment.case == case_id).exists()
        assert all(title not in n.message for n in Notification.select().where(Notification.case == case_id))
        from plugins.grading.models import Grade
        assert not Grade.select().where(Grade.case == case_id).exists()
        others = Case.select().where(Case.id != case_id)
        assert all(c.title != access.SECRET_TITLE for c in others)
    client = app.test_client()
    client.login("leader")
    assert "透水" in title
    page = client.get("/cases/?q=透水").get_data(as_text=True)  # two characters: the index alone answers
    assert case.number not in page  # the search index forgot its old title
    database.close()
