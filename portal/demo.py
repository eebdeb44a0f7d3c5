"""Demo departments, users and working groups for `make run`. Every name is invented."""
from functools import lru_cache

from flask import current_app
from werkzeug.security import generate_password_hash

from portal.db import database
from portal.documents import seals
from portal.identity import set_identity
from portal.org.models import WORKING_KINDS, Department, User, WorkingGroup, WorkingGroupMember

DEMO_PASSWORD = "Demo2026"

# The bureau the demo portal belongs to (portal.identity; the administrator changes it at /admin/identity).
IDENTITY = {
    "bureau.name": "鄂尔多斯市能源局",
    "bureau.short_name": "市能源局",
    "bureau.prefix": "鄂能局发",
}

DEPARTMENTS = [
    ("局领导", "leadership"),
    ("办公室", "office"),
    ("信息中心", "info_centre"),
    ("电力科", "office"),
    ("煤炭科", "office"),
    ("新能源科", "office"),
    ("安全监管科", "office"),
    ("规划法规科", "office"),
    ("市能源发展服务中心", "unit"),
    ("市煤炭安全技术服务中心", "unit"),
]

# department -> username of its 分管领导 (leader in charge)
LEADERS_IN_CHARGE = {
    "办公室": "leader", "信息中心": "leader", "规划法规科": "leader", "市能源发展服务中心": "leader",
    "电力科": "deputy", "煤炭科": "deputy", "新能源科": "deputy", "安全监管科": "deputy",
    "市煤炭安全技术服务中心": "deputy",
}

# username, name, department, roles
USERS = [
    ("admin", "陈立新", "信息中心", ["admin"]),
    ("leader", "赵文博", "局领导", ["leader"]),
    ("deputy", "钱思远", "局领导", ["leader"]),
    ("office", "孙若兰", "信息中心", ["office"]),
    ("office2", "林书瑶", "办公室", ["office"]),  # 核稿 of what 孙若兰 drafts: nobody reviews their own text
    ("monitor", "李晓峰", "信息中心", ["monitor"]),
    ("monitor2", "周子涵", "办公室", ["monitor"]),
    ("head", "吴建国", "电力科", ["dept_head"]),
    ("staff", "郑雨桐", "电力科", ["staff"]),
    ("liaison", "冯嘉怡", "电力科", ["liaison", "staff"]),
    ("coal_head", "韩志明", "煤炭科", ["dept_head"]),
    ("coal_liaison", "蒋秋月", "煤炭科", ["liaison", "staff"]),
    ("energy_head", "许嘉树", "新能源科", ["dept_head"]),
    ("safety_liaison", "沈墨言", "安全监管科", ["liaison", "staff"]),
]

GROUPS = [
    ("opinion_leading_group", "网络舆情管理工作领导小组", "《网络舆情管理工作制度》二、机构设置",
     "指定专人每天浏览本局官网、微博、微信公众号，关注网络舆论；各科室关注本科室本领域舆情。",
     [("leader", "leader"), ("deputy", "deputy"), ("office_director", "office"), ("member", "head"),
      ("member", "coal_head"), ("monitor", "monitor"), ("monitor", "monitor2")]),
    ("response_group", "网络舆情监控与应对工作领导小组", "《网络舆情预警机制及应对预案》二、组织保障",
     "对事关本市能源行业的舆情进行监控及应对，统一对外信息发布口径。",
     [("leader", "leader"), ("deputy", "deputy"), ("office_director", "office"),
      ("monitor", "monitor"), ("monitor", "monitor2")]),
    ("ideology_group", "网络意识形态工作领导小组", "《网络意识形态工作责任制实施细则》第七条",
     "落实网络意识形态工作责任制，每年对各支部、各部门开展一次专项督查。",
     [("leader", "leader"), ("deputy", "deputy"), ("office_director", "office")]),
    ("joint_meeting", "能源领域网络舆情联席会议", "《网络舆情信息通报共享和联席会商工作制度》第二条",
     "联席会议办公室设在信息中心；一般每半年召开一次，遇突发事件临时召开。",
     [("leader", "leader"), ("office_director", "office"), ("liaison", "liaison"), ("liaison", "coal_liaison")]),
]


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    # One hash for every demo user: scrypt is slow by design, and demo logins share a password.
    return generate_password_hash(DEMO_PASSWORD)


def create_demo() -> bool:
    """Create the demo organisation and every plugin's demo data, once.

    Returns False, changing nothing, when the database already has users.
    """
    if User.select().exists():
        return False
    with database.atomic():
        departments = {}
        for order, (name, kind) in enumerate(DEPARTMENTS):
            departments[name] = Department.create(name=name, kind=kind, sort_order=order * 10)
        users = {}
        for username, name, dept, roles in USERS:
            user = User(username=username, name=name, department=departments[dept])
            user.password_hash = _demo_password_hash()
            user.save()
            user.set_roles(roles)
            users[username] = user
        for dept, username in LEADERS_IN_CHARGE.items():
            departments[dept].leader_in_charge = users[username]
            departments[dept].save(only=[Department.leader_in_charge])
        for code, name, basis, duties, members in GROUPS:
            group = WorkingGroup.create(code=code, name=name, basis=basis, duties=duties)
            for position, username in members:
                WorkingGroupMember.create(group=group, position=position, user=users[username])
        WorkingGroupMember.insert_many(
            [{"group": WorkingGroup.get(code="joint_meeting"), "position": "member", "department": d}
             for d in departments.values() if d.kind in WORKING_KINDS]
        ).execute()
        set_identity(IDENTITY)  # before the plugins' demo: their drafts start from it
        seals.save(IDENTITY["bureau.name"], seals.drawn_seal(), users["admin"])  # for the 加盖印章 layout
        current_app.extensions["portal_pm"].hook.portal_demo_data(app=current_app._get_current_object())
    return True


def demo_logins() -> list[tuple[str, str, str]]:
    return [(u, n, "、".join(r)) for u, n, _, r in USERS]
