"""Every page usable from 360 px up (issue 14, items 15 and 18).

For every role whose menus differ, every page its menus reach (the main menu, the user menu and
the tabs of the pages they open), a case page, a department page and a circular page: at 360 px
nothing scrolls sideways (``document.documentElement.scrollWidth <= 360``); at 1400 px every
table fits inside its card without scrolling. At 390 px the menu is folded away behind a toggle
that works without JavaScript, and the case list shows each case's deadline on screen.
"""
import pytest

from tests.e2e.conftest import plugin_enabled, settle
from tests.matrix import USERS

ROLES = [u for u in USERS if u != "anonymous"]

# Each table, and the card (.panel or .widget; else <main>) it sits in: where the table or the
# scrolling box around it ends, and whether the table is wider than the box that shows it.
TABLES = """() => [...document.querySelectorAll('main table')].map(t => {
  const card = t.closest('.panel, .widget') || t.closest('main');
  let box = t.parentElement;
  while (box !== card && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
  const shown = box === card ? t : box, c = card.getBoundingClientRect(), r = shown.getBoundingClientRect();
  return {table: (t.querySelector('th') || t).textContent.trim().slice(0, 12), card: card.className || card.tagName,
          outside: Math.round(Math.max(r.right - c.right, c.left - r.left)),
          hidden: shown === t ? 0 : Math.round(t.getBoundingClientRect().width - shown.clientWidth)};
})"""


def menu_links(page) -> list[str]:
    return [a.get_attribute("href") for a in page.locator(".mainnav a, .usermenu a").element_handles()]


def reachable(page, menu) -> list[str]:
    """The menus' pages, the tabs on them, and one case, one department, one circular and one
    working-group page (for those who reach them)."""
    urls = ["/"] + menu
    for url in menu:
        page.goto(url)
        urls += [a.get_attribute("href") for a in page.locator("main nav.tabs a").element_handles()]
    page.goto("/cases/")
    urls.append(page.locator("main table.cases a").first.get_attribute("href"))
    page.goto("/departments")
    urls.append(page.get_by_role("link", name="电力科", exact=True).get_attribute("href"))
    if "/admin/groups" in urls:  # and a group's page, where its members are kept
        page.goto("/admin/groups")
        urls.append(page.locator("main table a[href^='/admin/groups/']").first.get_attribute("href"))
    if plugin_enabled("circulars") and "/circulars/" in menu:
        page.goto("/circulars/")
        urls.append(page.locator("main table a[href^='/circulars/']").first.get_attribute("href"))
    return list(dict.fromkeys(u.partition("#")[0] for u in urls if u and u.startswith("/")))


@pytest.fixture(scope="module")
def tours(browser, server, _sessions):
    """{role: its pages}, for the roles whose menus differ (one role of each kind of menu)."""
    from tests.e2e.conftest import Pages

    opened, found, menus = Pages(browser, server, _sessions), {}, set()
    try:
        for role in ROLES:
            page = opened.login(role)
            menu = menu_links(page)
            if tuple(menu) in menus:
                continue
            menus.add(tuple(menu))
            found[role] = reachable(page, menu)
    finally:
        opened.close()
    return found


def test_the_roles_menus_reach_the_pages(tours):
    assert {"admin", "leader", "office", "monitor", "head"} <= set(tours)  # their menus all differ
    assert {"/admin/groups", "/admin/departments"} <= set(tours["admin"]) and "/cases/bulletin" in tours["office"]
    assert any(u.startswith("/admin/groups/") for u in tours["admin"])


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_at_360_px(pages, tours, role):
    if role not in tours:
        pytest.skip(f"{role} has the same menus as another role")
    page = pages.login(role)
    page.set_viewport_size({"width": 360, "height": 780})
    wide = []
    for url in tours[role]:
        page.goto(url)
        settle(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide.append(f"{url}: {width} px")
    assert wide == [], f"pages wider than 360 px for {role}"


@pytest.mark.parametrize("role", ROLES)
def test_every_table_fits_its_card_at_1400_px(pages, tours, role):
    if role not in tours:
        pytest.skip(f"{role} has the same menus as another role")
    page = pages.login(role)
    page.set_viewport_size({"width": 1400, "height": 900})
    problems = []
    for url in tours[role]:
        page.goto(url)
        settle(page)
        if page.evaluate("document.documentElement.scrollWidth") > 1400:
            problems.append(f"{url}: the page scrolls sideways")
        for t in page.evaluate(TABLES):
            if t["outside"] > 1 or t["hidden"] > 1:
                problems.append(f"{url}: table “{t['table']}” in {t['card']}: {t['outside']} px outside, "
                                f"{t['hidden']} px scrolled out of view")
    assert problems == []


def test_the_menu_folds_away_on_a_phone_and_opens_without_javascript(browser, server, pages):
    pages.login("office")  # for its cookies
    context = browser.new_context(base_url=server.base, locale="zh-CN", viewport={"width": 390, "height": 844},
                                  java_script_enabled=False, storage_state=pages.sessions["office"])
    try:
        page = context.new_page()
        page.goto("/cases/")
        menu = page.get_by_role("navigation", name="主菜单")
        assert not menu.is_visible()
        assert page.get_by_role("heading", name="舆情事项").is_visible()
        page.locator(".menu-button").click()
        assert menu.is_visible()
        menu.get_by_role("link", name="我的待办").click()
        page.wait_for_url("**/cases/todo")
        assert not page.get_by_role("navigation", name="主菜单").is_visible()  # folded again on the next page
    finally:
        context.close()


def test_the_case_list_shows_the_deadline_on_a_phone(pages):
    page = pages.login("office")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/cases/")
    row = page.locator("main table.cases tbody tr").first
    deadline = row.locator("td[data-label='回复时限']")
    box = deadline.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert "24:00" in deadline.inner_text() or "—" in deadline.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
