"""Demo data: two Party branches, a 机关纪委 member, the responsible parties of last year and this
year, and both years' checklists in several states."""
from datetime import datetime, timedelta

from portal.plugin_api import Department, User, database, now

from plugins.accountability import checklists, parties, reports
from plugins.accountability.models import Evidence, Finding, Item, Record, Rectification, Report

BRANCHES = [("综合党支部", "jjw"), ("业务党支部", "coal_head")]  # branch, its secretary


def create_demo():
    leader = User.get(User.username == "leader")
    office = User.get(User.username == "office")
    # 机关纪委's member sits in 办公室: not in 局领导, whose members all see every case
    jjw = User.create(username="jjw", name="马清源", department=Department.get(Department.name == "办公室"),
                        password_hash=leader.password_hash)
    jjw.set_roles(["discipline"])
    last = Department.select().order_by(Department.sort_order.desc()).first()
    for n, (name, _secretary) in enumerate(BRANCHES, start=1):
        Department.create(name=name, kind=parties.BRANCH, sort_order=last.sort_order + n * 10)
    year = now().year
    for y in (year - 1, year):
        held, _ = parties.holders(y)
        held[("secretary", None)] = leader.id
        held[("direct", None)] = User.get(User.username == "deputy").id
        for name, secretary in BRANCHES:
            branch = Department.get(Department.name == name)
            held[("unit_head", branch.id)] = User.get(User.username == secretary).id
        with database.atomic():
            parties.save(y, held)
        checklists.generate(y, office)
    # last year: nearly all done, each with its evidence; this year: some done, some proposed evidence
    for y, share in ((year - 1, 0.9), (year, 0.3)):
        items = list(Item.select().where(Item.year == y).order_by(Item.id))
        for i, item in enumerate(items):
            if i % 10 >= share * 10:
                continue
            Evidence.create(item=item.id, filename="工作台账.txt", content_type="text/plain",
                            data="工作台账（演示）".encode(), note="本项工作台账", added_by=item.owner_id)
            Item.update(state="done", completed_at=now() - timedelta(days=30 * (year - y) + 3),
                        self_assessment="已按要求落实，相关台账、记录齐全。", version=2).where(Item.id == item.id).execute()
    for item in Item.select().where((Item.year == year) & (Item.state == "open") & (Item.source != "")):
        checklists.propose(item, None)
    attach_records(year)
    # last year's reports all filed; this year's first period by two units
    for p in reports.periods(year - 1) + reports.periods(year)[:1]:
        units = parties.units() if p.year < year else parties.units()[2:4]
        held, _ = parties.holders(p.year)
        for unit in units:
            filer = held.get(("unit_head", unit.id)) or office.id
            Report.create(department=unit.id, period=reports.key(p), filed_by=filer, filed_at=p.due - timedelta(days=2),
                          text=f"{unit.name}{p.label}：本单位网络阵地运行正常，未发现错误思潮和苗头性问题。")
    inspect_last_year(year - 1, office)
    Record.create(year=year - 1, subject="某科室副科长（演示）", department=Department.get(Department.name == "煤炭科"),
                  situations="5,9", facts="所管理的工作群转发未经核实的不实信息，发现后未及时处置，造成不良影响（演示数据）。",
                  form="诫勉", decided_by="局党组", decided_on=datetime(year - 1, 11, 6).date(), created_by=jjw.id)


def inspect_last_year(year, office):
    """Last year's inspection of 电力科 and 煤炭科: a score per item, two rectifications (one closed)."""
    for name, task, closed in (("电力科", "补齐网站栏目巡查台账，建立月度自查制度。", True),
                               ("煤炭科", "完善本科室网站栏目巡查和信息发布审核制度。", False)):
        unit = Department.get(Department.name == name)
        items = list(Item.select().where((Item.year == year) & (Item.department == unit.id)).order_by(Item.id))
        for n, item in enumerate(items):
            weak = n == 0
            finding = Finding.create(item=item.id, score=6 if weak else 9, inspected_by=office.id,
                                     inspected_at=datetime(year, 12, 20, 10, 0),
                                     text="台账不够完整。" if weak else "已按要求落实，佐证材料齐全。")
            if weak:
                Rectification.create(
                    finding=finding.id, year=year, department=unit.id, task=task, owner=item.owner_id,
                    due_at=now() + timedelta(days=20) if not closed else datetime(year + 1, 1, 31, 17, 0),
                    state="closed" if closed else "open", report="已整改到位。" if closed else "",
                    reported_at=datetime(year + 1, 1, 25, 9, 0) if closed else None,
                    closed_at=datetime(year + 1, 1, 28, 9, 0) if closed else None)


def attach_records(year):
    """The Party group's items on the commentator team and the 24-hour watch take the records other
    plugins offer (the monitoring desk's trainings and duty rosters), when those plugins are there."""
    from portal.plugin_api import evidence_references

    refs = evidence_references(None, None, year)
    for title, kind in (("建好网络评论员队伍并定期培训", "monitoring.training"), ("特殊时期24小时监控", "monitoring.period")):
        item = Item.get_or_none((Item.year == year) & Item.department.is_null() & (Item.title == title))
        for ref in (r for r in refs if r.kind == kind and r.day <= now().date()) if item else ():
            Evidence.create(item=item.id, state="accepted", ref_kind=ref.kind, ref_id=ref.ref_id, ref_label=ref.label,
                            ref_day=ref.day, added_by=item.owner_id, decided_by=item.owner_id, decided_at=now())
