"""The accountability plugin in Chromium: one checklist item from the evidence the portal proposes
to the self-assessment, the annual inspection, the rectification and its closing."""
import re
import time

import pytest

pytest.importorskip("playwright.sync_api", reason="未安装 playwright：pip install -e '.[test]'")
from playwright.sync_api import expect

from tests.e2e.conftest import plugin_enabled, register_case, settle

pytestmark = pytest.mark.skipif(not plugin_enabled("accountability"), reason="插件 accountability 未安装或已停用")
ITEM = "突发网络舆情应急处置"


def _step(session, case_id, action, **fields):
    page = session.get(f"/cases/{case_id}").read().decode()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = session.post(f"/cases/{case_id}/do/{action}", {"version": version, **fields})
    assert response.status == 302, response.read().decode()[-2000:]


def replied_on_time(http, title) -> tuple[int, int]:
    """A case hosted by 电力科 and replied within its deadline, over HTTP: (case id, 电力科's id)."""
    case_id = register_case(http, title, report=True)
    form = http("leader").get(f"/cases/{case_id}").read().decode()
    power = int(re.search(r'<option value="(\d+)">电力科</option>', form).group(1))
    _step(http("leader"), case_id, "assign", host_department=power, instruction="请电力科核实答复。")
    _step(http("head"), case_id, "submit_reply", findings="已核实。", reply_text="感谢关注，已安排检修。")
    _step(http("leader"), case_id, "approve", comment="")
    _step(http("office"), case_id, "record_reply", reply_url="https://bbs.example.cn/t/1", replied_at="")
    return case_id, power


def test_an_item_from_proposed_evidence_to_inspection_and_a_closed_rectification(pages, http):
    title = "E2E：责任制——某小区停电抢修进度"
    case_id, power = replied_on_time(http, title)
    year = time.localtime().tm_year

    head = pages.login("head")
    head.goto(f"/accountability/checklists/{year}/{power}")
    head.get_by_role("link", name=ITEM).click()
    item_url = head.url
    head.get_by_role("button", name="查找系统中的佐证记录").click()
    expect(head.locator("#messages")).to_contain_text("条新的佐证记录")
    proposal = head.locator("#evidence li", has_text=title)
    expect(proposal).to_contain_text("待确认")
    proposal.get_by_role("button", name="采用", exact=True).click()
    expect(head.locator("#evidence li", has_text=title)).to_contain_text("已采用")
    head.get_by_label("自评情况").fill("应急响应机制已建立，舆情事项均按时答复。")
    head.get_by_role("button", name="提交自评，标记完成").click()
    settle(head)
    expect(head.locator("#item")).to_contain_text("已完成")

    office = pages.login("office")
    office.goto(f"/accountability/inspections/{year}/{power}")
    item_id = re.search(r"/items/(\d+)", item_url).group(1)
    section = office.locator(f"#item-{item_id}")
    section.get_by_text("记录督查结果").click()
    section.get_by_label("得分（满分10）").fill("8")
    section.get_by_label("督查发现").fill("机制健全，但应急演练记录缺失。")
    section.get_by_label("整改要求").fill("补充年度应急演练记录。")
    section.get_by_label("整改期限").fill(f"{year + 1}-01-31T17:00")
    section.get_by_role("button", name="保存督查结果").click()
    expect(office.locator("#messages")).to_contain_text("已记录")
    expect(office.locator(f"#item-{item_id}")).to_contain_text("督查得分：8/10")

    head.goto(item_url)
    head.get_by_role("link", name="补充年度应急演练记录。").click()
    head.get_by_label("整改情况").fill("已组织应急演练并补齐记录。")
    head.get_by_label("整改佐证材料").set_input_files(
        files=[{"name": "演练记录.txt", "mimeType": "text/plain", "buffer": "应急演练记录".encode()}])
    head.get_by_role("button", name="报送").click()
    settle(head)
    expect(head.locator("#rectification")).to_contain_text("待验收")
    rect_url = head.url

    office.goto(rect_url)
    office.get_by_role("button", name="验收通过，销号").click()
    settle(office)
    expect(office.locator("#rectification")).to_contain_text("已销号")
    expect(office.locator("#rectification")).to_contain_text("演练记录.txt")
