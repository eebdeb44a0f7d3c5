"""The duplicate-link warning appears while the link is typed, before anything is saved, on a
phone (390 px) and a desk screen (1400 px); a case the monitor may not see never shows."""
import re
import time

import pytest

pytest.importorskip("playwright.sync_api", reason="未安装 playwright：pip install -e '.[test]'")
from playwright.sync_api import expect

from tests.e2e.conftest import accessible, register_case


def typed_link(page, url):
    """Type the link as a user does, and wait for the portal's answer to the last keystroke."""
    field = page.get_by_label("原帖链接")
    field.fill(url[:-1])
    with page.expect_response(lambda r: "/cases/check-link" in r.url):  # one request, 500 ms after the last key
        field.press_sequentially(url[-1])
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


@pytest.mark.parametrize("width", [390, 1400])
def test_the_warning_appears_while_the_link_is_typed(pages, http, width):
    own = f"https://bbs.example.cn/thread/e2e-dup-{width}"
    case_id = register_case(http, f"E2E：重复链接 {width}", url=own)
    number = re.search(r"YQ-\d{4}-\d{4}", http("monitor").get(f"/cases/{case_id}").read().decode()).group(0)

    monitor = pages.login("monitor")
    monitor.set_viewport_size({"width": width, "height": 900})
    monitor.goto("/cases/new")
    warning = monitor.locator("#url-duplicates")
    expect(warning).to_be_empty()
    typed_link(monitor, own.replace("https://bbs.", "http://BBS.") + "/?from=share")
    expect(warning).to_contain_text("同一链接已有未办结的事项，可能重复")
    expect(warning.get_by_role("link", name=number)).to_have_attribute("href", f"/cases/{case_id}")
    expect(monitor).to_have_url(re.compile(r"/cases/new$"))  # nothing was submitted
    box = warning.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box  # readable without scrolling sideways
    accessible(monitor)

    typed_link(monitor, "https://bbs.example.cn/thread/another-post")
    expect(warning).to_be_empty()


def test_a_case_the_monitor_may_not_see_is_never_hinted_at(pages, http):
    hidden = "https://bbs.example.cn/thread/e2e-dup-hidden"
    office = http("office")
    data = {"title": "E2E：内部重复链接", "source": "weibo", "category": "consult", "url": hidden,
            "posted_at": time.strftime("%Y-%m-%dT%H:%M"), "post_text": "内部事项原帖",
            "confidentiality": "internal"}
    assert office.post("/cases/new", data).status == 302
    monitor = pages.login("monitor")
    monitor.set_viewport_size({"width": 390, "height": 900})
    monitor.goto("/cases/new")
    typed_link(monitor, hidden + "#comments")
    expect(monitor.locator("#url-duplicates")).to_be_empty()
    assert "内部重复链接" not in monitor.content()
