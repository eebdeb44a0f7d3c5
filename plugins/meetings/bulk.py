"""`portal demo --cases N`: meetings in proportion to the cases made in bulk (portal_demo_bulk).

Over the years the cases span: two regular meetings a year (第六条), each with four items and
their minutes; per EMERGENCY_EVERY cases one leaders' emergency meeting on one of them (预案四（二）)
with its 应对方案 and two measures; per ADHOC_EVERY cases one ad hoc joint meeting on one of them.
Past meetings are closed, their decided matters mostly closed with a report; this year's last
ones are held with matters still open. Written with multi-row inserts, never a row at a time.
"""
import random
from datetime import datetime, timedelta

from peewee import fn

from portal.plugin_api import Case, Department, WORKING_KINDS, now, users_with_roles

from plugins.meetings.models import Attendee, Decision, Item, Meeting, Report

EMERGENCY_EVERY = 250
ADHOC_EVERY = 500
TOPICS = ["供暖季停电投诉的应对口径", "煤矿安全生产类舆情信息共享", "新能源项目征地舆情的研判", "加油站油品质量投诉的处置",
          "充电桩建设进度舆情的回应", "天然气价格调整的政策解读", "输变电工程环评舆情的沟通"]
BASIS = "《网络舆情信息通报共享和联席会商工作制度》第七条；《网络舆情预警机制及应对预案》四"


def _batches(model, rows, size=500):
    for start in range(0, len(rows), size):
        model.insert_many(rows[start:start + size]).execute()


def add_bulk_meetings(case_ids: range, seed: int = 17) -> dict:
    if not case_ids:
        return {}
    rng = random.Random(seed)
    first, last = (Case.select(fn.MIN(Case.posted_at), fn.MAX(Case.posted_at))
                   .where(Case.id.between(case_ids.start, case_ids.stop - 1)).scalar(as_tuple=True))
    if first is None:
        return {}
    units = [d.id for d in Department.select().where(Department.kind.in_(WORKING_KINDS))]
    leaders = [u.id for u in users_with_roles(("leader",))]
    office = [u.id for u in users_with_roles(("office",))] or leaders
    if not units or not leaders:
        return {}
    today = now()
    plans = []  # (kind, at, case_id)
    for year in range(first.year, last.year + 1):
        for month in (6, 12):
            at = datetime(year, month, 15, 9, 30)
            if at <= today:
                plans.append(("regular", at, None))
    for kind, every in (("emergency", EMERGENCY_EVERY), ("adhoc", ADHOC_EVERY)):
        for _ in range(max(1, len(case_ids) // every)):
            case_id = rng.choice(case_ids)
            plans.append((kind, None, case_id))
    posted = {c.id: c.posted_at for c in Case.select(Case.id, Case.posted_at).where(
        Case.id.in_([p[2] for p in plans if p[2]]))}
    plans = [(k, at or posted[c] + timedelta(days=1), c) for k, at, c in plans]
    stamp = f"批量{today:%Y%m%d%H%M%S}"
    meetings = []
    for n, (kind, at, case_id) in enumerate(sorted(plans, key=lambda p: p[1]), 1):
        recent = (today - at).days < 45
        title = {"regular": f"{at.year}年{'上' if at.month <= 6 else '下'}半年联席会议例会",
                 "emergency": "舆情事项应对处置紧急会议", "adhoc": "舆情会商临时联席会议"}[kind]
        meetings.append({"kind": kind, "title": f"{title}（{stamp}-{n}）", "case": case_id, "starts_at": at,
                         "state": "held" if recent else "closed", "place": "局机关三楼会议室", "chair": leaders[0],
                         "requested_by": rng.choice(office), "requested_at": at - timedelta(days=3),
                         "decided_by": leaders[0] if kind == "adhoc" else None,
                         "decided_at": at - timedelta(days=2) if kind == "adhoc" else None,
                         "reason": "重大舆情，需会商应对。" if kind != "regular" else "",
                         "plan": "一、及时发布权威信息；二、责任单位现场核查并答复网民。" if kind == "emergency" else "",
                         "summary": "会议研究了以下事项。", "compiled_at": None if recent else at + timedelta(days=1),
                         "updated_at": at})
    _batches(Meeting, meetings)
    made = list(Meeting.select(Meeting.id, Meeting.kind, Meeting.starts_at, Meeting.state, Meeting.case)
                .where(Meeting.title.contains(stamp)).order_by(Meeting.id))
    attendees, items = [], []
    for m in made:
        people = leaders if m.kind == "emergency" else leaders[:1] + office[:1]
        attendees += [{"meeting": m.id, "user": u, "attendance": "present"} for u in dict.fromkeys(people)]
        count = 1 if m.kind == "emergency" else (4 if m.kind == "regular" else 3)
        for position in range(1, count + 1):
            title = "研判舆情并制定应对方案" if m.kind == "emergency" else rng.choice(TOPICS)
            items.append({"meeting": m.id, "department": rng.choice(units), "title": title, "case": m.case_id,
                          "opinion": "由主办单位会同相关单位拟定处置意见，报联席会议研究。", "basis": BASIS,
                          "state": "accepted", "position": position, "submitted_by": rng.choice(office),
                          "submitted_at": m.starts_at - timedelta(days=2), "minutes": "会议同意该处理意见，要求责任单位按期落实。",
                          "minutes_state": "confirmed", "confirmed_at": m.starts_at + timedelta(hours=3),
                          "updated_at": m.starts_at})
    _batches(Attendee, attendees)
    _batches(Item, items)
    decisions = []
    for item in Item.select(Item.id, Item.meeting, Meeting.starts_at, Meeting.state, Meeting.kind).join(Meeting).where(
            Meeting.id.in_([m.id for m in made])):
        for _ in range(2 if item.meeting.kind == "emergency" else rng.randint(1, 2)):
            due = (item.meeting.starts_at + timedelta(days=rng.randint(7, 30))).date()
            closed = item.meeting.state == "closed" and rng.random() < 0.9
            decisions.append({"item": item.id, "text": "落实会议确定的处置措施并报告办理情况", "department": rng.choice(units),
                              "due_on": due, "state": "closed" if closed else "open",
                              "closed_at": datetime.combine(due, datetime.min.time()) if closed else None,
                              "updated_at": item.meeting.starts_at})
    _batches(Decision, decisions)
    reports = [{"decision": d.id, "text": "已按要求落实。", "by": None,
                "at": d.closed_at - timedelta(days=1)}
               for d in Decision.select(Decision.id, Decision.closed_at).join(Item).where(
                   Item.meeting.in_([m.id for m in made]) & (Decision.state == "closed"))]
    _batches(Report, reports)
    return {"meetings": len(made), "items": len(items), "decisions": len(decisions)}
