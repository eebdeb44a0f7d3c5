"""Demo watch list (invented), written before the demo cases so that their registration is matched;
sensitive periods with their roster; an imported export."""
import csv
import io

from portal.plugin_api import Department, User

from plugins.monitoring import watchlist

TOPICS = [
    ("煤矿安全", "煤矿\n透水\n瓦斯\n矿难\n冒顶", "招聘\n培训通知", "report", "安全监管科", ["煤炭科", "安全监管科"]),
    ("供电与停电", "停电\n漏电\n配电箱\n供电公司\n电费", "", "complaint", "电力科", ["电力科"]),
    ("新能源项目与补贴", "光伏\n充电桩\n风电\n补贴", "广告", "consult", "新能源科", ["新能源科"]),
    ("冬季供暖与燃料价格", "供暖\n用煤价格\n燃气\n油品", "", "appeal", "煤炭科", ["煤炭科", "市能源发展服务中心"]),
]


def create_demo():
    office = User.get(User.username == "office")
    ids = {d.name: d.id for d in Department.select()}
    for name, keywords, exclusions, category, host, concerns in TOPICS:
        watchlist.add_topic(office, {"name": name, "keywords": keywords, "exclusions": exclusions,
                                     "category": category, "host_department": ids[host],
                                     "concerns": [ids[c] for c in concerns], "active": True})
    create_demo_periods()
    create_demo_import()
    create_demo_patrol()
    create_demo_team()
    create_demo_statement()
    create_demo_enquiries()


def create_demo_periods():
    """A period that ended and one that starts the day after tomorrow (its roster still has gaps);
    none covers the present, so the demo's grades are those of ordinary times."""
    from datetime import datetime, time, timedelta

    from portal.plugin_api import now

    from plugins.monitoring import periods

    office = User.get(User.username == "office")
    today = now().date()
    start = datetime.combine(today + timedelta(days=2), time(8))
    made = [periods.add(office, {"name": name, "kind": kind, "starts_at": starts_at, "ends_at": ends_at, "note": note})
            for name, kind, starts_at, ends_at, note in (
                ("国庆节假期", "holiday", datetime.combine(today - timedelta(days=60), time()),
                 datetime.combine(today - timedelta(days=53), time()), "节日期间加强监测"),
                ("全市能源保供工作会议", "meeting", start, start + timedelta(days=3), "会议期间安排专人24小时监控"))]
    create_demo_roster(office, *made)


def create_demo_roster(office, past, coming):
    """The holiday's first day, handed over; the meeting's first day and a half (the rest: gaps)."""
    from datetime import timedelta

    from plugins.monitoring import roster
    from plugins.monitoring.models import Shift

    monitor, monitor2 = (User.get(User.username == name) for name in ("monitor", "monitor2"))
    half = timedelta(hours=12)

    def add(period, who, start):
        return roster.add_shift(period, office, {"monitor": who.id, "starts_at": start, "ends_at": start + half})

    for n, who in enumerate((monitor, monitor2)):
        shift = add(past, who, past.starts_at + n * half)
        Shift.update(handover="当班监测微博、论坛、本局官网，未发现重大舆情；一条关于加油站排队的帖子已登记。",
                     handover_at=shift.ends_at, version=2).where(Shift.id == shift.id).execute()
    for n, who in enumerate((monitor, monitor2, monitor)):
        add(coming, who, coming.starts_at + n * half)


def create_demo_import():
    """A service's export (invented): imported, with a bad row and a duplicate; one candidate dismissed."""
    from datetime import timedelta

    from portal.plugin_api import now

    from plugins.monitoring import imports
    from plugins.monitoring.models import Candidate

    monitor = User.get(User.username == "monitor")

    def at(hours):
        return (now() - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")

    rows = [
        ["标题", "链接", "来源", "发布时间", "作者", "正文", "阅读数", "评论数", "转发数"],
        ["某小区冬季供暖不热", "https://bbs.example.cn/thread/1001", "本地论坛", at(6), "暖冬", "小区暖气温度不到16度，物业推给热力公司。", "860", "42", "0"],
        ["充电桩建设进度慢", "https://weibo.example.cn/u/88/1002", "新浪微博", at(9), "电车车主", "去年说的充电桩到现在还没建好。", "2,300", "118", "2"],
        ["光伏电站占用耕地？", "https://news.example.cn/a/1003", "某新闻网", at(12), "", "网传某光伏电站占用基本农田，真相如何？", "5400", "260", "6"],
        ["招聘煤矿安全员", "https://jobs.example.cn/1004", "招聘网", at(3), "", "某煤矿招聘安全员若干名。", "12", "0", "0"],
        ["充电桩建设进度慢（转发）", "https://www.weibo.example.cn/u/88/1002?from=timeline", "新浪微博", at(8), "", "转发", "30", "1", "0"],
        ["油价什么时候降", "https://bbs.example.cn/thread/1006", "本地论坛", "前天", "", "油价什么时候降", "5", "0", "0"],
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    data = out.getvalue().encode("gbk")
    batch = imports.upload(monitor, "某舆情监测平台", "舆情日报（演示）.csv", data)
    imports.run(batch.id)
    jobs_post = Candidate.get(Candidate.title == "招聘煤矿安全员")
    imports.dismiss(jobs_post, monitor, jobs_post.version, {"reason": "招聘信息，与舆情无关"})


def create_demo_patrol():
    """The bureau's own channels (invented) and a week of patrols with two days missed."""
    from datetime import timedelta

    from portal.plugin_api import now

    from plugins.monitoring import patrol

    office, monitor = User.get(User.username == "office"), User.get(User.username == "monitor")
    ids = {d.name: d.id for d in Department.select()}
    made = [patrol.save_position(None, office, {"department": ids[dept], "kind": kind, "name": name, "url": url,
                                                "manager": manager.id, "active": True})
            for dept, kind, name, url, manager in (
                ("办公室", "website", "局门户网站", "https://energy.example.gov.cn/", office),
                ("办公室", "weibo", "局官方微博", "https://weibo.example.cn/energy", monitor),
                ("信息中心", "wechat", "局微信公众号", "", monitor),
                ("市能源发展服务中心", "website", "中心网站", "https://center.example.gov.cn/", office))]
    today = now().date()
    for back in (7, 6, 5, 3, 1):
        patrol.record_patrol(monitor, {"day": today - timedelta(days=back), "checked": [p.id for p in made[:3]],
                                       "seen": "官网留言板新增咨询2条，微博评论区未见异常。", "leads": ""})


def create_demo_team():
    """The team (the demo's monitors and two staff) and this year's two trainings; one member missed one."""
    from datetime import date, timedelta

    from portal.plugin_api import now

    from plugins.monitoring import team

    office = User.get(User.username == "office")
    today = now().date()
    start = date(today.year, 1, 1)
    made = {name: team.add_member(office, {"user": User.get(User.username == name).id, "joined_on": start})
            for name in ("monitor", "monitor2", "staff", "coal_liaison")}
    for back, topic, trainer, absent in ((40, "网络舆情研判与分级", "李晓峰", ()),
                                         (10, "回应网民关切的口径与技巧", "孙若兰", ("coal_liaison",))):
        held = max(start, today - timedelta(days=back))
        team.record_training(office, {"held_on": held, "topic": topic, "trainer": trainer,
                                      "materials": "课件（演示）存信息中心共享盘",
                                      "present": [m.id for n, m in made.items() if n not in absent]})


def create_demo_statement():
    """An approved statement on winter heating, and a second version waiting for the leader."""
    from portal.plugin_api import now

    from plugins.monitoring import statements
    from plugins.monitoring.models import Topic

    office, leader = User.get(User.username == "office"), User.get(User.username == "leader")
    heating = Topic.get(Topic.name == "冬季供暖与燃料价格")
    coal = Department.get(Department.name == "煤炭科")
    row = statements.draft(office, {"title": "关于冬季供暖用煤价格的答复口径", "topic": heating.id, "department": coal.id,
                                    "text": "今冬全市民用供暖煤源充足，价格总体平稳。我局会同有关部门加强市场监测，"
                                            "对哄抬价格的行为依法查处。群众反映具体问题的，可拨打12345热线。"})
    statements.approve(row, leader, {"valid_from": now().date()})
    statements.revise(row, office, {"text": "今冬全市民用供暖煤源充足，价格总体平稳，另对困难群众发放取暖补贴。"
                                            "群众反映具体问题的，可拨打12345热线。"})


def create_demo_enquiries():
    """Two media enquiries (invented outlets and reporters): one answered with the heating statement
    and closed, one waiting for the office."""
    from datetime import timedelta

    from portal.plugin_api import now

    from plugins.monitoring import enquiries, statements
    from plugins.monitoring.models import Statement

    office, staff = User.get(User.username == "office"), User.get(User.username == "staff")
    at = now().replace(second=0, microsecond=0)
    done = enquiries.record(staff, {"outlet": "江城晚报（演示）", "reporter": "林晓雯", "contact": "0000-00000000",
                                    "subject": "今冬民用供暖用煤价格是否上涨，困难群众有无补贴？",
                                    "received_at": (at - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")})
    version = statements.in_force(Statement.get(Statement.title == "关于冬季供暖用煤价格的答复口径"))
    enquiries.answer(done, office, {"statement_version": version.id,
                                    "answer_text": "办公室电话答复，按统一口径第1版说明煤源和价格情况。"}, done.version)
    enquiries.close(done, office, done.version)
    enquiries.record(staff, {"outlet": "某某新闻客户端（演示）", "reporter": "赵一鸣", "contact": "zhao@example.com",
                             "subject": "采访某光伏项目补贴发放进度。", "received_at": at.strftime("%Y-%m-%dT%H:%M")})


def create_demo_handling():
    """分类处置 on the demo cases (made after the watch list, so this runs once they exist): two
    询问/置疑/诉求 cases with a same-day holding reply and a promised date (one passed), a 恶意传播炒作
    case with the facts published and a police referral with its reference and outcome, and a
    捏造歪曲攻击 case clarified. Invented texts, links and references."""
    from datetime import timedelta

    from portal.plugin_api import Case, now

    from plugins.monitoring import handling
    from plugins.monitoring.models import Handling

    today = now().date()
    people = {u.username: u for u in User.select()}

    def case(title):
        return Case.get(Case.title == title)

    def handle(title, who, klass):
        c = case(title)
        return c, handling.set_class(c, people[who], {"klass": klass}, None)

    for title, who, days, text in (
            ("反映城郊村冬季供暖用煤价格过高", "coal_liaison", 3,
             "网友您好：您反映的城郊村冬季供暖用煤价格问题已收到，我局正会同价格主管部门核实，将于{day}前答复。"),
            ("建议在高速服务区增设充电桩", "energy_head", 2,
             "网友您好：您的建议已收到，我局正与高速公路管理单位研究服务区充电设施布局，将于{day}前答复。")):
        c, row = handle(title, who, "enquiry")
        promised = today + timedelta(days=days)
        row = handling.holding_reply(c, people[who], {"holding_text": text.format(day=f"{promised:%m月%d日}"),
                                                       "promised_on": promised.isoformat()}, row.version)
        if title.startswith("反映城郊村"):  # its reply is to use the heating statement (插入统一口径)
            from plugins.monitoring import statements
            from plugins.monitoring.models import Statement

            version = statements.in_force(Statement.get(Statement.title == "关于冬季供暖用煤价格的答复口径"))
            statements.choose(c, people[who], {"statement_version": version.id})
    # the second promise has passed with the case still open: the panel says so, portal tick reminds once
    passed = today - timedelta(days=1)
    Handling.update(promised_on=passed, holding_text=text.format(day=f"{passed:%m月%d日}")).where(
        Handling.id == row.id).execute()

    c, row = handle("反映风电项目噪音扰民", "head", "spreading")
    handling.referral(c, people["head"], {
        "facts_text": "经第三方机构检测，该风电项目厂界噪声昼夜均符合国家标准，检测报告已在局门户网站公开；"
                      "个别账号仍反复发布剪辑视频，称“风机噪音致村民集体患病”。",
        "facts_url": "https://energy.example.gov.cn/gk/fengdian-zaosheng.html",
        "referred_on": (today - timedelta(days=2)).isoformat(), "referral_ref": f"能局商〔{today.year}〕7号（演示）",
        "referral_outcome": "公安机关已约谈两名账号主体，相关视频已删除，账号承诺不再发布不实信息。"}, row.version)

    c, row = handle("网传某煤矿发生透水事故", "office", "fabrication")
    handling.referral(c, people["office"], {
        "facts_text": "经核实，该煤矿当日生产正常，未发生透水事故；我局已在官方微博发布情况说明，澄清不实信息。",
        "facts_url": "https://weibo.example.cn/energy/status/demo-clarify", "referred_on": "",
        "referral_ref": "", "referral_outcome": ""}, row.version)
