"""Demo grading on the core's demo cases, through the plugin's own workflow. All invented."""
from datetime import timedelta

from plugins.grading import workflow
from portal.plugin_api import Case, User

# case title -> snapshots (hours after posting, clicks, comments, mainstream reposts, heat index)
HEAT = {
    "小区配电箱长期漏电无人维修": [(1, 45, 3, 0, 8.5), (4, 210, 16, 0, 21.0)],
    "反映城郊村冬季供暖用煤价格过高": [(3, 180, 12, 0, 18.2), (20, 520, 41, 0, 36.5), (45, 860, 74, 0, 52.1)],
    "投诉供电公司频繁停电影响生产": [(6, 300, 22, 0, 25.0), (40, 620, 41, 0, 38.4)],
    "建议在高速服务区增设充电桩": [(2, 260, 18, 0, 22.4), (12, 640, 55, 1, 41.3), (30, 1280, 96, 2, 63.8),
                          (55, 1650, 131, 2, 71.6), (75, 1720, 138, 2, 70.2)],
    "网传某煤矿发生透水事故": [(1, 380, 25, 0, 30.0), (4, 1900, 210, 2, 78.5), (10, 2600, 340, 3, 86.0),
                    (22, 2450, 352, 3, 64.0)],
}


def _snapshots(case, monitor, rows):
    for hours, clicks, comments, reposts, heat in rows:
        workflow.record_snapshot(case, monitor, clicks=clicks, comments=comments, reposts=reposts, heat_index=heat,
                                 observed_at=case.posted_at + timedelta(hours=hours), note="演示数据")


def create_demo_grading():
    users = {u.username: u for u in User.select().where(User.username.in_(("monitor", "office")))}
    monitor, office = users["monitor"], users["office"]
    cases = {c.title: c for c in Case.select().where(Case.title.in_(list(HEAT)))}
    if len(cases) < len(HEAT):
        return  # not the core's demo cases: nothing to grade
    for title in ("小区配电箱长期漏电无人维修", "反映城郊村冬季供暖用煤价格过高", "投诉供电公司频繁停电影响生产"):
        _snapshots(cases[title], monitor, HEAT[title])

    charging = cases["建议在高速服务区增设充电桩"]  # 重大 by its comments and clicks, still open
    _snapshots(charging, monitor, HEAT[charging.title])
    workflow.assess(
        charging, office, content="网民建议在高速服务区增设充电桩，跟帖集中反映节假日排队充电时间长、部分桩位故障。",
        attention="本地论坛置顶，微博话题阅读量约1.2万，2家主流网站转载。", commenters=131, heat_index=71.6,
        stage="peak", impact="若不及时回应，可能被解读为新能源配套建设滞后，影响本局形象。",
        response="由新能源科会同高速公路管理单位核实现有桩位运行情况，公布建设计划；网评员正面引导。",
        request_meeting=True)

    rumour = cases["网传某煤矿发生透水事故"]  # 特别重大 by subject matter, eliminated and reviewed
    _snapshots(rumour, monitor, HEAT[rumour.title][:1])
    workflow.set_flags(rumour, monitor, {"production_safety"})
    _snapshots(rumour, monitor, HEAT[rumour.title][1:])
    workflow.assess(
        rumour, office, content="网传某煤矿发生透水事故并有人员被困，配有不明来源的视频。",
        attention="短时间内被大量转发，3家主流网站跟进报道，跟帖多为询问伤亡情况。", commenters=352, heat_index=86.0,
        stage="spreading", impact="涉及安全生产，若不及时澄清，可能引发恐慌，严重影响社会稳定。",
        response="立即会同安全监管科核实；经核实后统一口径发布权威信息；评论员跟进引导。", request_meeting=True)
    workflow.declare_eliminated(rumour, office, note="经安全监管科现场核实，该煤矿未发生透水事故，视频系外地旧闻；"
                                                     "已发布辟谣信息，转发量明显回落，舆情趋于平稳。")
    workflow.record_review(
        rumour, office, summary="本次舆情从发现到发布辟谣信息用时约6小时，未造成恐慌扩散。",
        worked="网评员第一时间发现并上报；安全监管科现场核实迅速；统一口径后一次性发布权威信息。",
        failed="夜间发现后联系涉事单位负责人耗时较长；首次回应前未及时固定原帖证据。",
        rewards="对第一时间发现并上报的网评员予以通报表扬。",
        plan_changes="建议在预案中补充夜间值班联系人名单和原帖证据固定要求。")
