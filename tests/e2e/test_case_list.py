"""The case list's live filter (htmx, as you type) and the browser's back and forward buttons."""
import re
from urllib.parse import quote

import pytest

pytest.importorskip("playwright.sync_api", reason="未安装 playwright：pip install -e '.[test]'")
from playwright.sync_api import expect

from tests.e2e.conftest import accessible, settle

TERM = "光伏"      # in the demo cases; no other e2e test writes it
NARROWER = "光伏板"


def count_of(page) -> int:
    return int(re.search(r"共 (\d+)", page.locator("#result-count").inner_text()).group(1))


def titles(page) -> list[str]:
    return page.locator("#results table.cases tbody tr td:nth-child(2) a").all_inner_texts()


def expected_titles(http, q) -> list[str]:
    """What the server lists for ``q`` on a plain full-page GET, without the browser."""
    html = http("office").get(f"/cases/?q={quote(q)}").read().decode()
    rows = re.findall(r'<td>.*?<a href="/cases/\d+">([^<]*)</a>', html)
    return rows


def q_in_url(term):
    return re.compile(r"/cases/\?(.*&)?q=" + re.escape(quote(term)) + r"(&|$)")


def open_list(pages):
    office = pages.login("office")
    office.get_by_role("navigation", name="主菜单").get_by_role("link", name="舆情事项").click()
    expect(office).to_have_url(re.compile(r"/cases/$"))
    accessible(office)
    office.evaluate("() => { window.__e2e_no_reload = true; }")
    return office


def test_the_list_narrows_as_you_type(pages, http):
    office = open_list(pages)
    total = count_of(office)
    assert total == len(titles(office)) and total > 2

    search = office.get_by_label("搜索")
    search.press_sequentially(TERM, delay=60)
    expect(office).to_have_url(q_in_url(TERM))  # pushed into the address bar
    expect(office.locator("#result-count")).to_have_text(re.compile(rf"共 {len(expected_titles(http, TERM))} 件"))
    assert titles(office) == expected_titles(http, TERM)
    wide = count_of(office)
    assert 1 < wide < total

    search.press_sequentially("板", delay=60)
    expect(office).to_have_url(q_in_url(NARROWER))
    expect(office.locator("#result-count")).to_have_text(re.compile(rf"共 {len(expected_titles(http, NARROWER))} 件"))
    assert titles(office) == expected_titles(http, NARROWER) and count_of(office) < wide
    assert office.evaluate("() => window.__e2e_no_reload === true"), "the list was reloaded, not swapped"

    office.get_by_label("状态").select_option(label="已受理")  # a select filters on change
    expect(office).to_have_url(re.compile(r"state=registered"))
    expect(office.locator("#result-count")).to_have_text("共 0 件")
    expect(office.locator("#results")).to_contain_text("没有符合条件的事项。")
    accessible(office)


def test_back_and_forward_between_filters(pages, http):
    office = open_list(pages)
    total = count_of(office)
    office.get_by_label("搜索").press_sequentially(TERM, delay=60)
    expect(office).to_have_url(q_in_url(TERM))
    expect(office.locator("#result-count")).to_have_text(f"共 {len(expected_titles(http, TERM))} 件")
    filtered = titles(office)

    office.go_back()
    expect(office).to_have_url(re.compile(r"/cases/$"))
    expect(office.get_by_label("搜索")).to_have_value("")
    expect(office.locator("#result-count")).to_have_text(f"共 {total} 件")
    expect(office).to_have_title("舆情事项 · 网络舆情工作平台")
    settle(office)

    office.go_forward()
    expect(office).to_have_url(q_in_url(TERM))
    expect(office.get_by_label("搜索")).to_have_value(TERM)
    expect(office.locator("#result-count")).to_have_text(f"共 {len(filtered)} 件")
    assert titles(office) == filtered
    accessible(office)



def test_back_from_a_case_shows_the_whole_filtered_list(pages, http):
    """Filter, open a case, press Back: the filtered list page, whole, comes back.

    The browser caches the htmx fragment under the list's own URL, keyed (Vary) on the Cookie only.
    Flask re-signs the session cookie every second, so whether Back shows the fragment depends on
    the clock: it does when the case opened within the second of the last list request, which is
    likely, since leaving the search box fires the form's `change` trigger again as the user clicks.
    The test makes that moment certain by giving the browser back the cookie that the last list
    request carried."""
    office = open_list(pages)
    sent = []
    office.on("request", lambda r: sent.append(r.all_headers().get("cookie", ""))
              if r.headers.get("hx-request") and "/cases/?" in r.url else None)
    office.get_by_label("搜索").press_sequentially(TERM, delay=60)
    expect(office).to_have_url(q_in_url(TERM))
    expect(office.locator("#result-count")).to_have_text(f"共 {len(expected_titles(http, TERM))} 件")
    office.get_by_label("搜索").press("Tab")  # leaving the box: the form's change trigger asks once more
    office.wait_for_timeout(100)
    settle(office)
    first = titles(office)[0]

    office.get_by_role("link", name=first).click()
    expect(office.locator("#case h1")).to_have_text(first)
    settle(office)
    jar = dict(part.split("=", 1) for part in sent[-1].split("; ") if "=" in part)
    office.context.add_cookies([dict(c, value=jar[c["name"]]) for c in office.context.cookies() if c["name"] in jar])

    office.go_back()
    expect(office).to_have_url(q_in_url(TERM))
    expect(office).to_have_title("舆情事项 · 网络舆情工作平台", timeout=2000)
    expect(office.get_by_label("搜索")).to_have_value(TERM)
    accessible(office)
