"""Search everywhere: one box finds cases and circulars by any Chinese substring, each result
labelled with its kind, and nothing a reader may not see."""
import pytest

from portal.cases.models import Case
from portal.db import database
from portal.testing import drive

WORD = "鹦鹉螺"


@pytest.fixture
def found(app):
    normal = drive(app, f"反映{WORD}小区停电")
    hidden = drive(app, f"反映{WORD}煤矿内部问题", host="煤炭科")
    with app.app_context(), database.connection_context():
        Case.update(confidentiality="internal").where(Case.id == hidden.id).execute()
    return normal, hidden


def test_the_office_finds_cases_and_circulars_labelled_by_kind(login, found, app):
    from plugins.circulars import ready, workflow
    from portal.org.models import User

    with app.app_context(), database.connection_context():
        form = dict(ready.defaults(None), title=f"关于{WORD}专项整治的通知", body="请各单位认真落实。")
        workflow.save_draft(User.get(User.username == "office"), form=form, department_ids=[])
    office = login("office")
    html = office.get("/search", query_string={"q": WORD[1:]}).get_data(as_text=True)
    assert "舆情事项（2）" in html and found[0].number in html and found[1].number in html
    assert "发文（1）" in html and f"关于{WORD}专项整治的通知" in html
    assert html.index("舆情事项（") < html.index("发文（")
    # a staff member sees no draft that is not theirs
    assert "专项整治" not in login("staff").get("/search", query_string={"q": WORD}).get_data(as_text=True)


def test_a_case_the_reader_may_not_see_is_never_found(login, found):
    html = login("staff").get("/search", query_string={"q": WORD}).get_data(as_text=True)  # 电力科
    assert "舆情事项（1）" in html and found[0].number in html
    assert found[1].number not in html and "煤矿内部问题" not in html


def test_an_empty_or_unmatched_query_says_so(login, found):
    assert "没有找到包含“不存在的词”的内容" in login("head").get("/search?q=不存在的词").get_data(as_text=True)
    assert login("head").get("/search").status_code == 200
