"""Separation of duties: 核稿 is done by someone other than whoever wrote the circular, and the
page tells the drafter why there is no 核稿 button."""
from portal.org.models import User

from plugins.circulars import workflow
from plugins.circulars.models import Circular
from plugins.circulars.ready import defaults
from plugins.circulars.tests.test_circulars import new_circular, step

import pytest

REASON = "核稿须由拟稿人以外的人进行"


@pytest.fixture
def rules(app, db):
    """For the rules called directly: permissions are read from the app."""
    with app.app_context():
        yield


def user(username):
    return User.get(User.username == username)


def submitted(drafter="office", editor=None, attachment_by=None) -> Circular:
    c = workflow.save_draft(user(drafter), form=dict(defaults(), title="测试通知", body="正文。"),
                            department_ids=[d.id for d in workflow.default_departments()])
    if editor:
        c = workflow.save_draft(user(editor), c, version=c.version, form=dict(defaults(), title="测试通知", body="改过的正文。"),
                                department_ids=[d.id for d in workflow.default_departments()])
    if attachment_by:
        workflow.add_attachment(c, user(attachment_by), kind="text", title="附件", text="附件内容")
        c = Circular.get_by_id(c.id)
    return workflow.submit(c, user(drafter), version=c.version)


def test_the_drafter_may_not_review_a_colleague_may(rules):
    c = submitted()
    assert REASON in workflow.refusal(c, user("office"), "review")
    assert workflow.refusal(c, user("office2"), "review") is None
    assert workflow.allowed_actions(c, user("office")) == ["return_review"]  # withdrawing it stays possible
    assert "review" in workflow.allowed_actions(c, user("office2"))


def test_whoever_changed_the_text_or_its_attachments_is_a_drafter(rules):
    edited = submitted(editor="office2")
    assert REASON in workflow.refusal(edited, user("office2"), "review")
    assert REASON in workflow.refusal(edited, user("office"), "review")
    attached = submitted(attachment_by="office2")
    assert REASON in workflow.refusal(attached, user("office2"), "review")


def test_the_refused_step_changes_nothing_and_the_page_says_why(app, login, db):
    office, office2 = login("office"), login("office2")
    cid = new_circular(office)
    assert step(office, cid, "submit").status_code == 302
    page = office.get(f"/circulars/{cid}").get_data(as_text=True)
    assert REASON in page and "核稿通过，送签发</button>" not in page
    refused = step(office, cid, "review", version=str(Circular.get_by_id(cid).version))
    assert refused.status_code == 400 and REASON in refused.get_data(as_text=True)
    assert Circular.get_by_id(cid).state == "reviewing" and Circular.get_by_id(cid).reviewed_by_id is None
    page = office2.get(f"/circulars/{cid}").get_data(as_text=True)
    assert REASON not in page and "核稿通过，送签发</button>" in page
    assert step(office2, cid, "review").status_code == 302
    assert Circular.get_by_id(cid).reviewed_by_id == user("office2").id


def test_the_to_do_list_offers_nobody_their_own_text(app, login, db):
    office, office2 = login("office"), login("office2")
    cid = new_circular(office, title="只给同事核稿的通知")
    step(office, cid, "submit")
    assert "只给同事核稿的通知" not in office.get("/").get_data(as_text=True)
    assert "只给同事核稿的通知" in office2.get("/").get_data(as_text=True)


def test_the_demo_was_reviewed_by_someone_other_than_its_drafter(app, db):
    for c in Circular.select().where(Circular.reviewed_by.is_null(False)):
        assert c.reviewed_by_id not in workflow.drafters(c), c.plain_title
