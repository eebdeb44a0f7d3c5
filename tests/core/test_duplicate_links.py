"""The duplicate-link check: the same post behind another spelling of its link is found, while the
link is typed and after saving, and a case the user may not see is never named nor hinted at."""
import pytest

from portal.cases.links import link_key
from portal.cases.models import Case
from portal.db import database
from tests.core.case_helpers import fetch, register
from tests.core.test_migrations import legacy  # noqa: F401  (the fixture)

POST = "https://bbs.example.cn/thread/77"


@pytest.mark.parametrize("variant", [
    "https://bbs.example.cn/thread/77/", "HTTPS://BBS.Example.CN/thread/77", "https://bbs.example.cn:443/thread/77",
    "http://bbs.example.cn/thread/77", "https://www.bbs.example.cn/thread/77", "https://bbs.example.cn/thread/77#reply",
    "https://bbs.example.cn/thread/77?from=share", "https://bbs.example.cn/thread/77?utm_source=wechat&utm_medium=x",
    "https://bbs.example.cn/thread/77?spm=a2h0k.1&share_source=copy_link&vd_source=abc", " https://bbs.example.cn/thread/77 ",
])
def test_spellings_of_one_post_share_a_key(variant):
    assert link_key(variant) == link_key(POST) == "bbs.example.cn/thread/77"


@pytest.mark.parametrize("other", [
    "https://bbs.example.cn/thread/78", "https://bbs.example.cn/thread/77?page=2", "https://bbs.example.cn:8443/thread/77",
    "https://other.example.cn/thread/77", "https://bbs.example.cn/#/thread/77",
])
def test_other_posts_keep_their_own_key(other):
    assert link_key(other) != link_key(POST)


def test_parameters_that_name_the_post_are_kept_in_one_order():
    assert link_key("https://x.example.cn/view?tid=5&fid=2") == link_key("https://x.example.cn/view?fid=2&tid=5&from=share")
    assert link_key("https://x.example.cn/路径") == link_key("https://x.example.cn/%E8%B7%AF%E5%BE%84")
    assert link_key("") == link_key("ftp://x.example.cn/a") == link_key("https://x.example.cn:99999/") == ""


def test_a_variant_link_is_flagged_after_saving(login):
    monitor = login("monitor")
    first = register(monitor, url=POST)
    response = monitor.post("/cases/new", data={
        "title": "同一帖子", "source": "weibo", "category": "complaint", "url": "http://BBS.Example.cn/thread/77/?from=share",
        "posted_at": "2026-11-28T10:00", "post_text": "重复"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"同一链接已有未办结的事项 {first.number}" in page
    assert f'href="/cases/{first.id}">{first.number}</a>，可能重复' in page  # and on the new case's page


def test_the_link_is_checked_while_it_is_typed(login):
    monitor = login("monitor")
    first = register(monitor, url=POST, title="小区停电（原登记）")
    fragment = monitor.get("/cases/check-link", query_string={"url": "https://BBS.example.cn/thread/77?from=share"},
                           headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and first.number in text and "小区停电（原登记）" in text
    assert "<html" not in text  # a fragment, for the form's warning slot
    assert "可能重复" not in monitor.get("/cases/check-link", query_string={"url": "https://bbs.example.cn/thread/78"}).get_data(as_text=True)
    assert "可能重复" not in monitor.get("/cases/check-link", query_string={"url": "javascript:alert(1)"}).get_data(as_text=True)
    assert login("staff").get("/cases/check-link", query_string={"url": POST}).status_code == 403
    form = monitor.get("/cases/new").get_data(as_text=True)
    assert 'hx-get="/cases/check-link"' in form and 'hx-trigger="input changed delay:500ms, change"' in form


def test_a_hidden_case_is_never_named_nor_hinted_at(login):
    office, monitor = login("office"), login("monitor")
    hidden = register(office, url=POST, title="内部事项标题XYZ", confidentiality="internal")
    assert monitor.get(f"/cases/{hidden.id}").status_code == 404  # the monitor may not see it
    live = monitor.get("/cases/check-link", query_string={"url": POST + "/"}).get_data(as_text=True)
    assert hidden.number not in live and "内部事项标题XYZ" not in live and "可能重复" not in live and "已有" not in live

    response = monitor.post("/cases/new", data={
        "title": "同一帖子", "source": "weibo", "category": "complaint", "url": POST + "?from=share",
        "posted_at": "2026-11-28T10:00", "post_text": "重复"})
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = monitor.get(f"/cases/{new_id}").get_data(as_text=True)
    for shown in (page, login("staff").get(f"/cases/{new_id}").get_data(as_text=True)):
        assert hidden.number not in shown and "同一链接" not in shown and "可能重复" not in shown
    # recorded all the same: the office, who may see both, is told on the new case's page
    assert fetch(new_id).duplicate_of_id == hidden.id
    assert f"同一链接已有事项 <a href=\"/cases/{hidden.id}\">{hidden.number}</a>" in office.get(f"/cases/{new_id}").get_data(as_text=True)


def test_a_refused_intake_keeps_the_warning(login):
    monitor = login("monitor")
    first = register(monitor, url=POST)
    refused = monitor.post("/cases/new", data={"title": "", "source": "weibo", "category": "complaint",
                                                "url": POST + "#top", "posted_at": "2026-11-28T10:00", "post_text": "x"})
    assert refused.status_code == 400 and first.number in refused.get_data(as_text=True)


def test_the_migration_fills_the_key_of_every_existing_case(legacy):  # noqa: F811
    from portal.db import init_schema

    app, _ = legacy
    init_schema(app)
    with database.connection_context():
        cases = list(Case.select().where(Case.url != ""))
        assert cases and all(c.url_key == link_key(c.url) != "" for c in cases)
        assert database.execute_sql("SELECT COUNT(*) FROM \"case\" WHERE url_key = ''").fetchone()[0] == \
            Case.select().where(Case.url == "").count()
