"""The leaders' emergency meeting clicked through (预案四（二）; 《网络舆情信息通报共享和联席会商工作制度》
第八、九条): a 重大 case's 研判 asks for it, the office schedules and holds it, writes the item's minutes
and the 应对方案, assigns a measure to 电力科, whose liaison reports back; the office closes the
measure, confirms the minutes and closes the meeting; the case's panel shows the plan and the measure done."""
import re
from datetime import timedelta

import pytest

pytest.importorskip("playwright.sync_api", reason="未安装 playwright：pip install -e '.[test]'")
from playwright.sync_api import expect

from portal.plugin_api import now
from tests.e2e.conftest import accessible, plugin_enabled, register_case, settle

pytestmark = pytest.mark.skipif(not (plugin_enabled("meetings") and plugin_enabled("grading")),
                                reason="插件 meetings 或 grading 未安装或已停用（PORTAL_DISABLED_PLUGINS）")


def _open_step(scope, heading):
    scope.locator("summary", has_text=heading).first.click()


def _state(page):
    """The meeting's state badge."""
    return page.locator("#meeting > section.panel").first.locator(".state").first


def test_emergency_meeting_from_grading_to_closed(pages, http):
    title = "E2E：紧急会议——某变电站爆炸视频热传"
    case_id = register_case(http, title, report=True)
    metrics = {"clicks": "1500", "comments": "40", "reposts": "0", "heat_index": "36.5", "note": "抖音原视频"}
    assert http("monitor").post(f"/grading/cases/{case_id}/metrics", metrics).status == 302

    # 研判 finds it 重大: the office asks the leaders to meet.
    office = pages.login("office")
    office.goto(f"/cases/{case_id}")
    settle(office)
    office.get_by_role("button", name="提请局领导召开紧急会议").click()
    expect(office.locator("#messages")).to_contain_text("已提请局领导召开紧急会议")
    settle(office)
    panel = office.locator("#case .plugin-panel", has=office.get_by_role("heading", name="联席会议与应对方案"))
    expect(panel).to_contain_text("局领导紧急会议")
    panel.get_by_role("link", name=re.compile("应对处置紧急会议")).click()
    expect(office.get_by_role("heading", level=1)).to_contain_text("应对处置紧急会议")
    meeting_url = office.url

    # Scheduled (an hour ago: it has begun) and held.
    _open_step(office, "安排会议")
    started = (now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    office.get_by_label("会议时间").fill(started)
    office.get_by_label("会议地点").fill("局机关五楼会议室")
    office.get_by_role("button", name="安排会议").click()
    expect(_state(office)).to_have_text("已安排")
    _open_step(office, "登记会议已召开")
    office.get_by_role("button", name="登记会议已召开").click()
    expect(_state(office)).to_have_text("已召开")

    # The office hosts the meeting's one item: its minutes, then the plan and a measure.
    item = office.locator("article.meeting-item", has_text="研判舆情并制定应对方案")
    _open_step(item, "记录本事项纪要")
    item.get_by_label("事项纪要").fill("局领导研判认为该舆情为重大舆情，同意办公室的处置意见。")
    item.get_by_role("button", name="保存纪要").click()
    expect(item).to_contain_text("记录中")
    _open_step(office, "记录应对方案")
    office.get_by_label("应对方案").fill("一、两小时内发布权威信息；二、电力科会同供电公司现场核查并答复网民。")
    office.get_by_role("button", name="记录应对方案").click()
    expect(office.locator("#meeting")).to_contain_text("两小时内发布权威信息")
    _open_step(item, "记录议定事项")
    item.get_by_label("议定事项").fill("现场核查变电站情况并在官网答复网民")
    item.get_by_label("责任单位").select_option(label="电力科")
    due = (now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    item.get_by_label("完成时限").fill(due)
    item.get_by_role("button", name="记录", exact=True).click()
    expect(office.locator("#messages")).to_contain_text("议定事项已记录")
    accessible(office)

    # 电力科's liaison reports back.
    liaison = pages.login("liaison")
    liaison.goto(meeting_url)
    decision = liaison.locator(".decision", has_text="现场核查变电站情况")
    _open_step(decision, "报告办理情况")
    decision.get_by_label("办理情况").fill("已现场核查，设备正常，已在官网发布答复。")
    decision.get_by_role("button", name="提交办理情况").click()
    expect(liaison.locator(".decision", has_text="现场核查变电站情况")).to_contain_text("已报告待审核")

    # The office closes the measure, confirms the minutes and closes the meeting.
    office.goto(meeting_url)
    decision = office.locator(".decision", has_text="现场核查变电站情况")
    _open_step(decision, "审核办结")
    decision.get_by_role("button", name="审核办结").click()
    expect(office.locator(".decision", has_text="现场核查变电站情况")).to_contain_text("已办结")
    item = office.locator("article.meeting-item", has_text="研判舆情并制定应对方案")
    _open_step(item, "确认本事项纪要")
    item.get_by_label("纪要内容已核对无误").check()
    item.get_by_role("button", name="确认本事项纪要").click()
    expect(office.locator("article.meeting-item", has_text="研判舆情并制定应对方案")).to_contain_text("已确认")
    _open_step(office, "结束会议")
    office.get_by_label("会议纪要已确认无误").check()
    office.get_by_role("button", name="结束会议").click()
    expect(_state(office)).to_have_text("已结束")

    # The case shows the plan and its measure done.
    office.goto(f"/cases/{case_id}")
    settle(office)
    expect(panel).to_contain_text("已结束")
    expect(panel).to_contain_text("两小时内发布权威信息")
    expect(panel.locator("tr", has_text="现场核查变电站情况")).to_contain_text("已办结")


def test_ad_hoc_meeting_from_request_to_carry_over(pages):
    """第六–九条: the office asks, the convener approves; 电力科 submits an item with its 处理意见 and
    依据; the office accepts and holds the meeting; 电力科 writes and confirms the minutes; the
    office records a decided matter, and the next meeting takes the unfinished matter into its agenda."""
    title = "E2E：临时联席会议——某光伏项目征地舆情会商"
    office = pages.login("office")
    office.goto("/meetings/new")
    office.get_by_role("radio", name=re.compile("^临时会议")).check()
    office.get_by_label("会议名称").fill(title)
    office.get_by_label("召开理由").fill("征地补偿舆情有扩大迹象，涉及多个科室。")
    office.get_by_role("button", name="提交", exact=True).click()
    expect(office.locator("#messages")).to_contain_text("已报召集人审批")
    meeting_url = office.url

    leader = pages.login("leader")
    leader.goto(meeting_url)
    _open_step(leader, "审批临时会议申请")
    leader.get_by_label("审批意见").fill("同意")
    leader.get_by_role("button", name="批准召开").click()
    expect(_state(leader)).to_have_text("待安排")

    liaison = pages.login("liaison")
    liaison.goto(meeting_url)
    submit = liaison.locator("#submit")
    submit.get_by_label("研究事项").fill("光伏项目征地补偿舆情的答复口径")
    submit.get_by_label("处理意见").fill("电力科会同规划法规科拟定答复口径。")
    submit.get_by_role("button", name="报送").click()
    expect(liaison.locator("#messages")).to_contain_text("处理意见")  # the 依据 is required too
    submit = liaison.locator("#submit")
    submit.get_by_label("研究事项").fill("光伏项目征地补偿舆情的答复口径")
    submit.get_by_label("处理意见").fill("电力科会同规划法规科拟定答复口径。")
    submit.get_by_label("依据").fill("《土地管理法》；《网络舆情预警机制及应对预案》四（一）")
    submit.get_by_role("button", name="报送").click()
    expect(liaison.locator("#messages")).to_contain_text("研究事项已报送")

    office.goto(meeting_url)
    item = office.locator("article.meeting-item", has_text="光伏项目征地补偿舆情的答复口径")
    _open_step(item, "列入议程")
    item.get_by_role("button", name="列入议程").click()
    expect(office.locator("article.meeting-item", has_text="光伏项目征地补偿舆情的答复口径")).to_contain_text("已列入议程")
    _open_step(office, "安排会议")
    office.get_by_label("会议时间").fill((now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    office.get_by_label("会议地点").fill("局机关三楼会议室")
    office.get_by_role("button", name="安排会议").click()
    expect(_state(office)).to_have_text("已安排")
    _open_step(office, "登记会议已召开")
    office.get_by_role("button", name="登记会议已召开").click()
    expect(_state(office)).to_have_text("已召开")

    liaison.goto(meeting_url)
    item = liaison.locator("article.meeting-item", has_text="光伏项目征地补偿舆情的答复口径")
    _open_step(item, "记录本事项纪要")
    item.get_by_label("事项纪要").fill("会议同意电力科的处理意见。")
    item.get_by_role("button", name="保存纪要").click()
    item = liaison.locator("article.meeting-item", has_text="光伏项目征地补偿舆情的答复口径")
    _open_step(item, "确认本事项纪要")
    item.get_by_label("纪要内容已核对无误").check()
    item.get_by_role("button", name="确认本事项纪要").click()
    expect(liaison.locator("article.meeting-item", has_text="光伏项目征地补偿舆情的答复口径")).to_contain_text("已确认")

    office.goto(meeting_url)
    item = office.locator("article.meeting-item", has_text="光伏项目征地补偿舆情的答复口径")
    _open_step(item, "记录议定事项")
    item.get_by_label("议定事项").fill("拟定征地补偿舆情答复口径并在官网发布")
    item.get_by_label("责任单位").select_option(label="电力科")
    item.get_by_label("完成时限").fill((now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    item.get_by_role("button", name="记录", exact=True).click()
    expect(office.locator("#messages")).to_contain_text("议定事项已记录")

    # The next meeting takes the unfinished matter into its agenda.
    office.goto("/meetings/new")
    office.get_by_role("radio", name=re.compile("^例会")).check()
    office.get_by_label("会议名称").fill("E2E：下一次联席会议例会")
    office.get_by_role("button", name="提交", exact=True).click()
    expect(office.locator("#messages")).to_contain_text("例会已发起")
    office.get_by_role("button", name="结转以往未办结的议定事项").click()
    expect(office.locator("#messages")).to_contain_text("列入本次会议议程")
    expect(office.locator("#agenda")).to_contain_text("未办结事项：拟定征地补偿舆情答复口径并在官网发布")
    accessible(office)
