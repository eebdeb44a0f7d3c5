"""Paths that plugins add, clicked through when the plugin is installed and enabled:
grading a case by its metrics (grading), signing, issuing and acknowledging a circular (circulars)."""
import hashlib
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="未安装 playwright：pip install -e '.[test]'")
from playwright.sync_api import expect

from tests.e2e.conftest import accessible, plugin_enabled, register_case, settle, unread_count


def needs(plugin):
    return pytest.mark.skipif(not plugin_enabled(plugin),
                              reason=f"插件 {plugin} 未安装或已停用（PORTAL_DISABLED_PLUGINS）")


@needs("grading")
def test_grade_a_case_by_entering_its_metrics(pages, http):
    title = "E2E：分级——某热电厂烟囱冒黑烟视频热传"
    case_id = register_case(http, title, report=True)
    leader = pages.login("leader")
    leaders_before = unread_count(leader)

    monitor = pages.login("monitor")
    monitor.goto(f"/cases/{case_id}")
    settle(monitor)
    panel = monitor.locator("#case .plugin-panel", has=monitor.get_by_role("heading", name="分级预警"))
    expect(panel).to_contain_text("尚未分级")
    accessible(monitor)
    panel.get_by_role("link", name="记录热度").click()
    expect(monitor).to_have_url(re.compile(rf"/grading/cases/{case_id}/metrics$"))
    accessible(monitor)
    monitor.get_by_label("点击率").fill("1500")
    monitor.get_by_label("跟帖评论").fill("40")
    monitor.get_by_label("报道转发的主流网站").fill("0")
    monitor.get_by_label("热点指数").fill("36.5")
    monitor.get_by_label("说明").fill("抖音原视频")
    monitor.get_by_role("button", name="记录并判定分级").click()

    expect(monitor).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(monitor.locator("#messages")).to_contain_text("热度已记录。当前分级：重大。")
    settle(monitor)
    expect(panel).to_contain_text("重大舆情")
    expect(panel).to_contain_text("1,500")
    expect(panel).to_contain_text("点击率")
    accessible(monitor)

    # Everywhere cases are listed the grade shows; a rise is told to every leader at once.
    monitor.goto("/cases/?q=" + title)
    expect(monitor.locator("#results tr", has_text=title)).to_contain_text("重大")
    leader.reload()
    assert unread_count(leader) == leaders_before + 1


@needs("circulars")
def test_sign_issue_and_acknowledge_a_circular(pages):
    title = "关于开展网络舆情应对演练的通知"  # the demo's notice awaiting a leader's signature

    leader = pages.login("leader")
    leader.get_by_role("navigation", name="主菜单").get_by_role("link", name="发文").click()
    expect(leader).to_have_url(re.compile(r"/circulars/$"))
    accessible(leader)
    row = leader.locator("table tr", has_text=title)
    expect(row).to_contain_text("待签发")
    row.get_by_role("link", name=re.compile(title)).click()
    accessible(leader)
    expect(leader.get_by_label("签发意见")).to_have_value("同意印发。")
    leader.get_by_role("button", name="签发", exact=True).click()
    expect(leader.locator("#messages")).to_contain_text(re.compile(r"已签发，文号 .+〔\d{4}〕\d+号。"))
    expect(leader.locator(".case-meta .state")).to_have_text("已签发待印发")
    number = leader.locator(".case-meta strong").inner_text()
    circular_url = leader.url

    office = pages.login("office")
    office.goto(circular_url)
    accessible(office)
    office.get_by_role("button", name="印发", exact=True).click()
    expect(office.locator("#messages")).to_contain_text("已印发，PDF 已定稿并分送各单位。")
    expect(office.locator(".case-meta")).to_contain_text("定稿 PDF")
    sha_prefix = re.search(r"SHA-256 ([0-9a-f]{16})", office.locator(".case-meta").inner_text()).group(1)

    head = pages.login("head")  # 电力科, one of the receiving departments
    head.get_by_role("navigation", name="主菜单").get_by_role("link", name="收文").click()
    accessible(head)
    row = head.locator("table tr", has_text=title)
    expect(row).to_contain_text("本科室未签收")
    row.get_by_role("link", name=re.compile(title)).click()
    accessible(head)
    head.get_by_role("button", name="签收", exact=True).click()
    expect(head.locator("#messages")).to_contain_text(f"已签收 {number}。")
    expect(head.locator("#receipts tr", has_text="电力科")).to_contain_text("吴建国")

    # The frozen PDF downloads, byte for byte what was issued.
    with head.expect_download() as download:
        head.get_by_role("link", name="下载PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest().startswith(sha_prefix)
