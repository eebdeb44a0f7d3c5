"""The search everywhere finds approved statements (统一口径) by title or approved text; a draft's
words are not found until a leader approves it; a withdrawn one is found and says so."""
from datetime import date

from portal.plugin_api import Department, User

from plugins.monitoring import statements

WORD = "鹦鹉螺口径"


def found(client, q) -> str:
    return client.get("/search", query_string={"q": q}).get_data(as_text=True)


def make_statements():
    office, leader = User.get(User.username == "office"), User.get(User.username == "leader")
    coal = Department.get(Department.name == "煤炭科").id
    approved = statements.draft(office, {"title": f"关于{WORD}的答复", "department": coal, "text": "价格总体平稳。"})
    statements.approve(approved, leader, {"valid_from": date(2026, 1, 1)})
    by_text = statements.draft(office, {"title": "关于停电抢修的答复口径", "department": coal,
                                        "text": f"抢修队伍已到场（{WORD}正文）。"})
    statements.approve(by_text, leader, {"valid_from": date(2026, 1, 1)})
    draft = statements.draft(office, {"title": f"关于{WORD}的草稿", "department": coal, "text": "待审定。"})
    withdrawn = statements.draft(office, {"title": f"关于{WORD}的旧口径", "department": coal, "text": "已过时。"})
    statements.approve(withdrawn, leader, {"valid_from": date(2026, 1, 1)})
    statements.withdraw(withdrawn, leader)
    return approved, by_text, draft, withdrawn


def test_approved_statements_are_found_drafts_are_not(app, login, db):
    with app.test_request_context():  # the audit log records who acted
        approved, by_text, draft, withdrawn = make_statements()
    page = found(login("staff"), WORD)
    assert "统一口径（3）" in page
    assert approved.title in page and by_text.title in page and withdrawn.title in page and draft.title not in page
    assert f'href="/monitoring/statements/{approved.id}"' in page and "第1版，2026-01-01起施行" in page
    assert "已废止或尚未施行" in page
    assert login("staff").get(f"/monitoring/statements/{approved.id}").status_code == 200
    # the demo's second version, waiting for the leader, is not searched: its new words find nothing
    assert "统一口径" not in found(login("office"), "取暖补贴")
