"""A case from intake to archive, each step clicked by the role whose step it is, in its own browser.

Every step on the case page is an htmx form: the test checks that the step swapped the case in
place (the page was not reloaded), showed its message and moved the case to the next state.
"""
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="未安装 playwright：pip install -e '.[test]'")
from playwright.sync_api import expect

from tests.e2e.conftest import accessible, png_bytes

TITLE = "E2E：某小区昨夜停电至今未恢复"
URL = "https://bbs.example.cn/t/e2e-whole-path"
SHOT = png_bytes(rgb=(20, 120, 200))


def state_of(page):
    return page.locator("#case .case-meta .state")


def attachments(page):
    return page.locator("#case section", has=page.get_by_role("heading", name="附件", exact=True)).locator("li")


def step(page, button, message, new_state):
    """Click a step's button; the case is swapped in place by htmx with the step's message."""
    page.evaluate("() => { window.__e2e_no_reload = true; }")
    page.locator("#case .case-actions").get_by_role("button", name=button, exact=True).click()
    expect(page.locator("#messages")).to_contain_text(message)
    expect(state_of(page)).to_have_text(new_state)
    assert page.evaluate("() => window.__e2e_no_reload === true"), f"{button}: the page was reloaded, not swapped"
    accessible(page)


def test_a_case_from_intake_to_archive(pages, server):
    # 受理登记: the monitor registers the post with a screenshot.
    monitor = pages.login("monitor")
    monitor.get_by_role("navigation", name="主菜单").get_by_role("link", name="受理登记").click()
    expect(monitor).to_have_url(re.compile(r"/cases/new$"))
    accessible(monitor)
    monitor.get_by_label("事项标题").fill(TITLE)
    monitor.get_by_label("来源").select_option(label="论坛")
    monitor.get_by_label("类别").select_option(label="投诉")
    monitor.get_by_label("原帖链接").fill(URL)
    expect(monitor.get_by_label("网民发帖时间")).not_to_have_value("")  # defaults to now
    monitor.get_by_label("原帖内容").fill("我们小区从昨晚八点停电，到现在还没来电，冰箱里的东西都坏了。")
    monitor.get_by_label("网民昵称").fill("停电的邻居")
    monitor.get_by_label("原帖截图").set_input_files({"name": "原帖.png", "mimeType": "image/png", "buffer": SHOT})
    monitor.get_by_role("button", name="受理登记").click()
    expect(monitor).to_have_url(re.compile(r"/cases/\d+$"))
    expect(monitor.locator("#messages")).to_contain_text("已受理登记，编号 YQ-")
    expect(monitor.locator("h1")).to_have_text(TITLE)
    expect(state_of(monitor)).to_have_text("已受理")
    number = monitor.locator("#case .case-meta strong").first.inner_text()
    assert re.fullmatch(r"YQ-\d{4}-\d{4}", number), number
    case_url = monitor.url
    accessible(monitor)
    # The screenshot is listed and comes back byte for byte.
    shot = attachments(monitor).filter(has_text="原帖截图").get_by_role("link", name="原帖.png", exact=True)
    with monitor.expect_download() as download:
        shot.click()
    assert Path(download.value.path()).read_bytes() == SHOT

    # 报送: the office reports it to the working group.
    office = pages.login("office")
    office.goto(case_url)
    accessible(office)
    step(office, "报送领导小组办公室", "已报送领导小组办公室。", "已报送")

    # 批办: the leader finds it in 我的待办 and assigns it to 电力科 with an instruction.
    leader = pages.login("leader")
    leader.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的待办").click()
    accessible(leader)
    leader.get_by_role("link", name=TITLE).first.click()
    expect(leader).to_have_url(case_url)
    accessible(leader)
    leader.get_by_label("主办部门").select_option(label="电力科")
    leader.get_by_label("批办意见").fill("请电力科立即核实停电原因，当日答复网民。")
    step(leader, "批办", "已批办。", "办理中")
    expect(leader.locator("#case")).to_contain_text("请电力科立即核实停电原因，当日答复网民。")

    # 办理: the head of 电力科 drafts a reply and submits it.
    head = pages.login("head")
    head.goto(case_url)
    accessible(head)
    head.get_by_label("调查核实情况").fill("10千伏线路故障，已组织抢修。")
    head.get_by_label("回复稿").fill("第一稿：经核实，停电系线路故障所致，正在抢修。")
    step(head, "提交审定", "回复稿已提交审定。", "待审定")

    # 退回修改: the leader sends the draft back with a comment.
    leader.reload()
    accessible(leader)
    leader.get_by_label("退回意见").fill("请写明恢复供电的时间。")
    step(leader, "退回修改", "回复稿已退回修改。", "办理中")
    first = leader.locator("#case details.draft", has_text="第1稿")
    expect(first).to_contain_text("退回")
    expect(first).to_contain_text("请写明恢复供电的时间。")

    # The department sees the comment, finds its draft kept, and submits a second one.
    head.reload()
    expect(head.locator("#case")).to_contain_text("请写明恢复供电的时间。")
    expect(head.get_by_label("回复稿")).to_have_value("第一稿：经核实，停电系线路故障所致，正在抢修。")
    head.get_by_label("回复稿").fill("第二稿：停电系线路故障所致，已于今日8时恢复供电。")
    step(head, "提交审定", "回复稿已提交审定。", "待审定")

    # 审定通过: the leader approves the second draft.
    leader.reload()
    step(leader, "审定通过", "回复稿已审定通过。", "已审定待回复")

    # 登记回复: the office publishes the reply and records where, with a screenshot.
    office.reload()
    accessible(office)
    office.get_by_label("回复所在网页链接").fill(URL + "#reply")
    office.get_by_label("回复截图").set_input_files({"name": "回复.png", "mimeType": "image/png", "buffer": png_bytes()})
    step(office, "登记回复", "网上回复已登记，时限停止计算。", "已回复")
    reply = office.locator("#case section", has=office.get_by_role("heading", name="网上回复"))
    expect(reply).to_contain_text("第二稿：停电系线路故障所致，已于今日8时恢复供电。")
    expect(reply.get_by_role("link", name=URL + "#reply")).to_be_visible()
    expect(attachments(office).filter(has_text="回复截图")).to_contain_text("回复.png")

    # 立卷归档: irreversible, so the office ticks the confirmation first (the browser and the server
    # both refuse without it); then nothing is offered any more.
    archive = office.locator("#case .case-actions form", has=office.get_by_role("button", name="立卷归档"))
    archive.get_by_role("button", name="立卷归档").click()
    expect(office.locator("#case .case-meta .state")).to_have_text("已回复")  # held back: not ticked
    archive.get_by_role("checkbox").check()
    step(office, "立卷归档", "已立卷归档。", "已归档")
    expect(office.locator("#case .case-actions button")).to_have_count(0)

    # The dossier holds the whole story.
    office.locator("#case").get_by_role("link", name="案卷", exact=True).click()
    expect(office).to_have_url(re.compile(r"/cases/\d+/dossier$"))
    accessible(office)
    for text in (number, TITLE, "请电力科立即核实停电原因，当日答复网民。", "第一稿", "请写明恢复供电的时间。",
                 "第二稿：停电系线路故障所致，已于今日8时恢复供电。", URL + "#reply", "立卷归档"):
        expect(office.locator("body")).to_contain_text(text)


def test_an_archived_case_says_it_is_frozen(pages):
    office = pages.login("office")
    office.goto("/cases/?state=archived")
    office.locator("#results tbody tr").first.get_by_role("link").first.click()
    expect(state_of(office)).to_have_text("已归档")
    expect(office.locator("#case .case-actions")).to_contain_text("该事项已立卷归档，不能再作任何修改。", timeout=2000)
