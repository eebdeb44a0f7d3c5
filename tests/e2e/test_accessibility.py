"""Basic accessibility of every page a user reaches from the menus, and of keyboard use of a step.

The checks (tests/e2e/a11y.py): `<html lang="zh-CN">`, a non-empty `<title>`, a label on every
visible input/select/textarea (`<label for>`, a wrapping label or aria-label), and a visible focus
ring on the first keyboard stops. The paths' own tests run the same checks on every page they visit.
"""
import re

import pytest

pytest.importorskip("playwright.sync_api", reason="未安装 playwright：pip install -e '.[test]'")
from playwright.sync_api import expect

from tests.e2e import a11y
from tests.e2e.conftest import register_case, settle

ROLES = ("office", "leader", "admin", "monitor", "head")  # each sees menus and pages the others don't
PER_ROLE = {"/cases/N", "/circulars/N"}  # pages whose forms and links differ most between roles
NOT_PAGES = re.compile(r"\.pdf|\.xlsx|\.ics|/files?(/|$)|/attachments/|/documents/|/static/|/logout|[?#]")


def route(path: str, username: str = "") -> str:
    pattern = re.sub(r"\d+", "N", path)
    return f"{pattern} ({username})" if pattern in PER_ROLE else pattern


def links(page) -> list[str]:
    return page.eval_on_selector_all("a[href^='/']", "els => els.map(e => e.getAttribute('href'))")


def test_every_page_reached_from_the_menus(pages):
    """Each kind of page once (by the first role that reaches it; a case and a circular once per
    role): the home page and the menu's pages, the pages they link to, and the pages those link
    to (a case, its dossier, a plugin's forms, a circular …). A link to an error page is a problem too."""
    checked, problems = {}, []

    def check(page, username, path):
        checked[route(path, username)] = f"{username} {path}"
        settle(page)
        problems.extend(f"{p}（{username}）" for p in a11y.check(page))

    for username in ROLES:
        page = pages.login(username)  # on the home page
        if route("/") not in checked:
            check(page, username, "/")
        seeds = []
        for start in ("/cases/todo", "/cases/"):  # first the cases waiting for this role: its own forms
            if page.goto(start).status == 200:
                seeds += [link for link in links(page) if re.fullmatch(r"/cases/\d+", link)]
        page.goto("/")
        seeds += page.eval_on_selector_all("nav.mainnav a", "els => els.map(e => e.getAttribute('href'))") + links(page)
        depth = dict.fromkeys(seeds, 1)
        todo = list(depth)
        while todo:
            path = todo.pop(0)
            if route(path, username) in checked or NOT_PAGES.search(path):
                continue
            response = page.goto(path)
            if response.status != 200:
                checked[route(path, username)] = f"{username} {path} HTTP {response.status}"
                problems.append(f"{path}: {username} 从页面上的链接打开得到 HTTP {response.status}")
                continue
            check(page, username, path)
            if depth[path] < 3:
                for link in links(page):
                    if link not in depth and route(link, username) not in checked:
                        depth[link] = depth[path] + 1
                        todo.append(link)
    print("\n".join(sorted(checked.values())))
    assert len(checked) >= 20, f"only {len(checked)} pages reached: {sorted(checked)}"
    assert not problems, "\n".join(problems)


def test_keyboard_focus_stays_on_the_case_after_a_step(pages, http):
    case_id = register_case(http, "E2E：键盘操作——某充电站收费不明示")
    office = pages.login("office")
    office.goto(f"/cases/{case_id}")
    settle(office)
    office.get_by_role("button", name="列入督办").focus()
    office.keyboard.press("Enter")
    expect(office.locator("#messages")).to_contain_text("已列入督办。")
    settle(office)
    office.wait_for_timeout(100)  # htmx settles (and would move focus to [autofocus]) after 20 ms
    where = office.evaluate("() => document.activeElement && document.activeElement.closest('#case, #messages') ? "
                            "'case' : (document.activeElement || document.body).tagName")
    assert where == "case", f"focus is on {where} after the step"
