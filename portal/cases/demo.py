"""A dozen demo cases in every state, and a 涉密 register entry, driven through the real workflow. All invented."""
from datetime import timedelta

from portal.cases import workflow
from portal.db import now
from portal.org.models import Department, User

# title, source, category, hours since posted, confidentiality, how far it goes, host department
CASES = [
    ("小区配电箱长期漏电无人维修", "website", "complaint", 5, "normal", "registered", None),
    ("询问分布式光伏并网补贴申请流程", "wechat", "consult", 20, "normal", "reported", None),
    ("网传某煤矿发生透水事故", "weibo", "false_info", 30, "internal", "reported", None),
    ("反映城郊村冬季供暖用煤价格过高", "website", "appeal", 50, "normal", "handling", "煤炭科"),
    ("建议在高速服务区增设充电桩", "weibo", "suggestion", 80, "normal", "handling", "新能源科"),
    ("举报加油站违规销售不合格油品", "website", "report", 150, "internal", "handling", "安全监管科"),
    ("投诉供电公司频繁停电影响生产", "weibo", "complaint", 60, "normal", "awaiting_approval", "电力科"),
    ("咨询燃气壁挂炉改造补助标准", "wechat", "consult", 40, "normal", "approved", "新能源科"),
    ("反映风电项目噪音扰民", "forum", "appeal", 200, "normal", "replied", "电力科"),
    ("建议公开煤矿安全检查结果", "website", "suggestion", 400, "normal", "archived", "安全监管科"),
    ("广告推销帖", "forum", "harmful_info", 10, "normal", "rejected", None),
    ("反映光伏板安装后屋顶漏水", "website", "complaint", 90, "normal", "explained", "新能源科"),
]

# A 涉密 case is a register entry only (access.REGISTER_ONLY): no title, text, link, netizen or
# attachment is entered, and its steps carry no text. Reported and assigned to 煤炭科, in handling.
SECRET_CASE = dict(hours=70, host="煤炭科")

ORDER = ["registered", "reported", "handling", "awaiting_approval", "approved", "replied", "archived"]


def create_demo_cases():
    users = {u.username: u for u in User.select()}
    monitor, office, leader, head = users["monitor"], users["office"], users["leader"], users["head"]
    departments = {d.name: d for d in Department.select()}
    for i, (title, source, category, hours, secrecy, target, host) in enumerate(CASES, start=1):
        case = workflow.register(
            monitor, title=title, source=source, category=category, confidentiality=secrecy,
            url=f"https://bbs.example.cn/thread/{1000 + i}", posted_at=now() - timedelta(hours=hours),
            post_text=f"{title}。网民原帖内容（演示）：希望有关部门尽快核实处理并答复。",
            netizen_nickname=f"网友{100 + i}", netizen_contact=f"1380000{i:04d}",
        )
        if target == "rejected":
            workflow.reject(case, office, version=case.version, reason="商业广告，不属于本局职责范围。")
            continue
        reached = ORDER.index("handling") if target == "explained" else ORDER.index(target)
        if reached >= ORDER.index("reported"):
            workflow.report(case, monitor, version=case.version)
        if reached >= ORDER.index("handling"):
            dept = departments[host]
            workflow.assign(case, leader, version=case.version, host_department_id=dept.id,
                            instruction="请主办部门认真核实，依法依规答复网民，按期办结。")
            handler = User.get_or_none((User.department == dept.id) & User.active) or head
            if handler.department_id != dept.id:
                continue
            if target == "explained":
                workflow.explain(case, handler, version=case.version, text="需现场核查多户情况，无法在3日内答复。")
                continue
            if target == "handling" and hours >= 80:
                workflow.urge(case, office, version=case.version, message="请抓紧办理，按期回复。")
        if reached >= ORDER.index("awaiting_approval"):
            workflow.submit_reply(case, handler, version=case.version, findings="经现场核实，情况基本属实。",
                                  text="网友您好：您反映的问题已收悉，我局已责成相关单位整改，感谢您的监督。")
        if reached >= ORDER.index("approved"):
            workflow.approve(case, leader, version=case.version)
        if reached >= ORDER.index("replied"):
            workflow.record_reply(case, office, version=case.version, reply_url=f"https://bbs.example.cn/thread/{1000 + i}#reply")
        if reached >= ORDER.index("archived"):
            workflow.archive(case, office, version=case.version, confirmed=True)
    secret = workflow.register(monitor, title="", source="other", category="report", url="", post_text="",
                               confidentiality="secret", posted_at=now() - timedelta(hours=SECRET_CASE["hours"]))
    workflow.report(secret, monitor, version=secret.version)
    workflow.assign(secret, leader, version=secret.version, instruction="",
                    host_department_id=departments[SECRET_CASE["host"]].id)
    workflow.tick()
