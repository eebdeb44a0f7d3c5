"""The header's notification count: the host department's user sees it rise when a leader assigns
a case, and fall again when the notification is opened."""
import re

import pytest

pytest.importorskip("playwright.sync_api", reason="未安装 playwright：pip install -e '.[test]'")
from playwright.sync_api import expect

from tests.e2e.conftest import accessible, register_case, unread_count

TITLE = "E2E：通知计数——某加油站夜间噪音扰民"


def test_assignment_raises_the_host_departments_count(pages, http, server):
    case_id = register_case(http, TITLE, report=True)
    head = pages.login("head")  # 电力科
    before = unread_count(head)
    accessible(head)

    leader = pages.login("leader")
    leader.goto(f"/cases/{case_id}")
    leader.get_by_label("主办部门").select_option(label="电力科")
    leader.get_by_label("批办意见").fill("请电力科核实。")
    leader.locator("#case .case-actions").get_by_role("button", name="批办", exact=True).click()
    expect(leader.locator("#messages")).to_contain_text("已批办。")

    head.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的待办").click()
    assert unread_count(head) == before + 1
    expect(head.locator("#notification-count .badge")).to_have_text(str(before + 1))
    expect(head.locator("#notification-count")).to_have_attribute("aria-label", f"通知，{before + 1}条未读")

    head.locator("#notification-count").click()
    expect(head).to_have_url(re.compile(r"/notifications$"))
    accessible(head)
    notice = head.locator("ul.notifications li.unread").filter(has_text=TITLE)
    expect(notice).to_have_count(1)
    notice.get_by_role("button").click()  # opens the case and marks the notification read
    expect(head).to_have_url(f"{server.base}/cases/{case_id}")
    assert unread_count(head) == before
