"""Logging in and out in the browser, and what a logout ends."""
import re

import pytest

pytest.importorskip("playwright.sync_api", reason="未安装 playwright：pip install -e '.[test]'")
from playwright.sync_api import expect

from tests.e2e.conftest import accessible

# monitor2 is used by this test alone: logging out ends every session of that user.
USER, NAME = "monitor2", "周子涵"


def test_login_then_logout_ends_the_session(pages, server):
    page = pages.new("anonymous")
    page.goto("/cases/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)cases(/|%2F)"))
    expect(page).to_have_title("登录 · 网络舆情工作平台")
    accessible(page)

    page.get_by_label("用户名").fill(USER)
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#messages")).to_contain_text("用户名或密码错误。")
    expect(page.locator("header .who")).to_have_count(0)

    page.get_by_label("用户名").fill(USER)
    page.get_by_label("密码").fill("Demo2026")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/cases/\??$"))  # back where the user was sent away from
    expect(page.locator("header .who")).to_contain_text(NAME)
    expect(page.get_by_role("navigation", name="主菜单").get_by_role("link", name="舆情事项")).to_have_attribute(
        "aria-current", "page")
    accessible(page)

    elsewhere = pages.login(USER, fresh=True)  # the same user in another browser
    expect(elsewhere.locator("header .who")).to_contain_text(NAME)

    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(f"{server.base}/login")
    expect(page.locator("#messages")).to_contain_text("您已安全退出。")
    expect(page.locator("header .who")).to_have_count(0)
    accessible(page)
    page.goto("/cases/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)cases(/|%2F)"))

    elsewhere.reload()  # logging out ends the user's other sessions too
    expect(elsewhere).to_have_url(re.compile(r"/login\?next="))
