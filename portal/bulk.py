"""`portal demo --cases N`: a realistic database at bureau or province scale, fast.

Rows are written with multi-row INSERTs in one transaction, bypassing the workflow (which
would take minutes for 100,000 cases); what they hold mirrors what the workflow writes.
"""
import json
import random
from datetime import date, datetime, timedelta
from functools import lru_cache

from flask import current_app

from portal.audit import GENESIS, AuditEvent, key
from portal.cases import deadlines
from portal.cases import search as case_search
from portal.cases.links import link_key
from portal.cases.models import Attachment, Case, CaseCounter, ReplyDraft
from portal.db import analyze, database, is_sqlite, now
from portal.org.models import WORKING_KINDS, Department, User, UserRole
from portal.workdays import reply_deadline

PLACES = ["康巴什区", "东胜区", "伊金霍洛旗", "准格尔旗", "达拉特旗", "鄂托克旗", "杭锦旗", "乌审旗"]
SUBJECTS = ["小区配电箱", "供暖用煤", "加油站油品", "光伏并网", "风电项目", "充电桩", "燃气壁挂炉",
            "煤矿运输车辆", "输电线路", "变电站", "天然气价格", "煤炭价格", "储能电站", "矿区道路"]
PROBLEMS = ["长期无人维修", "价格过高", "存在安全隐患", "噪音扰民", "补贴迟迟未到位", "审批手续繁琐",
            "频繁停电", "污染环境", "占用耕地", "施工扰民", "收费不透明", "服务态度差"]
ASKS = ["希望有关部门尽快核实处理。", "请能源局给个说法。", "恳请领导重视。", "望尽快答复。", "请问该找哪个部门？"]
SOURCES = ["website", "weibo", "wechat", "forum", "other"]
CATEGORIES = ["consult", "complaint", "suggestion", "appeal", "report", "false_info", "harmful_info", "other"]
# Past years are closed; the current year has every state.
CURRENT_STATES = (["registered"] * 3 + ["reported"] * 3 + ["handling"] * 8 + ["awaiting_approval"] * 3
                  + ["approved"] * 2 + ["replied"] * 10 + ["archived"] * 68 + ["rejected"] * 3)
STEPS = ["registered", "reported", "assigned", "reply_submitted", "approved", "replied", "archived"]
REACHED = {"registered": 1, "reported": 2, "rejected": 2, "handling": 3, "awaiting_approval": 4,
           "approved": 5, "replied": 6, "archived": 7}
BATCH = 2000


def _insert(model, rows):
    """executemany with plain tuples: several times faster than peewee's insert_many; on
    PostgreSQL a COPY (psycopg 3's executemany sends an INSERT per row, pipelined)."""
    if not rows:
        return
    defaults = {name: f.default for name, f in model._meta.fields.items()
                if name not in rows[0] and f.default is not None and not callable(f.default)}
    rows = [{**defaults, **r} for r in rows] if defaults else rows
    columns = list(rows[0])
    fields = [model._meta.fields[c] for c in columns]
    names = ", ".join(f'"{f.column_name}"' for f in fields)
    table = model._meta.table_name
    cursor = database.cursor()
    for start in range(0, len(rows), BATCH * 10):
        values = [tuple(f.db_value(r[c]) for c, f in zip(columns, fields)) for r in rows[start:start + BATCH * 10]]
        if is_sqlite():
            cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(fields))})', values)
        else:
            with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in values:
                    copy.write_row(row)


def generate(count: int, seed: int = 2026, years: int = 8, long_timeline_case: bool = True) -> dict:
    """Add ``count`` cases spread over ``years`` years, states and departments. Returns counts."""
    rng = random.Random(seed)
    today = now()
    departments = [d.id for d in Department.select().where(Department.kind.in_(WORKING_KINDS))]
    staff = [u.id for u in User.select(User.id)]
    monitors = [r.user_id for r in UserRole.select().where(UserRole.role.in_(("monitor", "office")))] or staff
    leaders = [r.user_id for r in UserRole.select().where(UserRole.role == "leader")] or staff
    first_year = today.year - years + 1
    deadline_on = deadline_rule()
    cases, events, drafts, attachments = [], [], [], []
    next_seq = {}
    with database.atomic():
        for year in range(first_year, today.year + 1):
            CaseCounter.insert(year=year, last=0).on_conflict_ignore().execute()
            next_seq[year] = CaseCounter.get_by_id(year).last
        start_id = (Case.select(Case.id).order_by(Case.id.desc()).scalar() or 0) + 1
        for n in range(count):
            case_id = start_id + n
            year = first_year + (n * years) // count
            seq = next_seq[year] = next_seq[year] + 1
            year_start = datetime(year, 1, 1, 8)
            span = (today - year_start) if year == today.year else timedelta(days=364)
            posted = year_start + timedelta(seconds=rng.randrange(max(int(span.total_seconds()) - 7200, 1)))
            state = rng.choice(CURRENT_STATES) if year == today.year and posted > today - timedelta(days=20) else (
                "rejected" if rng.random() < 0.03 else "archived")
            reached = REACHED[state]
            subject, problem, place = rng.choice(SUBJECTS), rng.choice(PROBLEMS), rng.choice(PLACES)
            title = f"反映{place}{subject}{problem}"
            host = rng.choice(departments) if reached >= 3 else None
            registrar = rng.choice(monitors)
            t = posted + timedelta(hours=rng.randint(1, 10))
            deadline = deadline_on(posted.date())
            due = deadline.due_at
            replied = t + timedelta(hours=rng.randint(20, 100)) if reached >= 6 else None
            cases.append({
                "id": case_id, "number": f"YQ-{year}-{seq:04d}", "year": year, "seq": seq, "title": title,
                "source": rng.choice(SOURCES), "url": (url := f"https://bbs.example.cn/thread/{year}{seq:06d}"),
                "url_key": link_key(url),
                "post_text": f"{place}的{subject}{problem}，已经持续一段时间了。{rng.choice(ASKS)}"
                             f"（网民于{posted:%Y年%m月%d日}发帖，编号{seq}）",
                "netizen_nickname": f"网友{rng.randint(1000, 99999)}", "netizen_contact": "",
                "category": rng.choice(CATEGORIES), "posted_at": posted,
                "confidentiality": "internal" if rng.random() < 0.05 else "normal",
                "state": state, "registered_by": registrar, "registered_at": t, "host_department": host,
                "instruction": "请主办部门核实后依法依规答复。" if host else "", "assigned_by": rng.choice(leaders) if host else None,
                "assigned_at": t + timedelta(hours=2) if host else None, "findings": "经核实，情况属实，已督促整改。" if reached >= 4 else "",
                "deadline_days": 3, "due_at": due, "due_provisional": deadline.provisional,
                "reply_text": "网友您好：您反映的问题已收悉并已处理，感谢监督。" if replied else "",
                "reply_url": f"https://bbs.example.cn/thread/{year}{seq:06d}#reply" if replied else "",
                "replied_at": replied, "archived_at": replied + timedelta(days=2) if reached >= 7 else None,
                "reject_reason": "不属于本局职责范围。" if state == "rejected" else "",
                "due_soon_fired_at": due if reached < 6 and due < today else None,
                "overdue_fired_at": due if reached < 6 and due < today else None,
                "updated_at": t, "version": reached,
            })
            steps = STEPS[:reached] if state != "rejected" else ["registered", "rejected"]
            for i, step in enumerate(steps):
                actor = registrar if i < 2 else (rng.choice(leaders) if step in ("assigned", "approved") else rng.choice(staff))
                events.append({"at": t + timedelta(hours=2 * i), "actor": actor, "action": f"case.{step}",
                               "object_type": "case", "object_id": case_id, "summary": f"{title[:20]}：{step}",
                               "data": "{}", "ip": "10.0.0.1"})
            if reached >= 4:
                drafts.append({"case": case_id, "version": 1, "findings": "经核实，情况属实。",
                               "text": "网友您好：您反映的问题已收悉并已处理，感谢监督。", "submitted_by": rng.choice(staff),
                               "submitted_at": t + timedelta(hours=6), "decision": "approved" if reached >= 5 else "",
                               "decided_by": rng.choice(leaders) if reached >= 5 else None,
                               "decided_at": t + timedelta(hours=8) if reached >= 5 else None, "comment": ""})
            if rng.random() < 0.3:
                attachments.append({"case": case_id, "kind": "screenshot", "filename": "原帖截图.png",
                                    "stored_name": f"bulk{case_id:010d}", "content_type": "image/png",
                                    "size": rng.randint(40_000, 900_000), "sha256": f"{case_id:064x}",
                                    "uploaded_by": registrar, "uploaded_at": t})
        _insert(Case, cases)
        case_search.index([Case(**{k: c[k] for k in ("id", "number", "title", "post_text", "url")}) for c in cases])
        _insert(AuditEvent, chained(events))
        _insert(ReplyDraft, drafts)
        _insert(Attachment, attachments)
        for year, last in next_seq.items():
            CaseCounter.update(last=last).where(CaseCounter.year == year).execute()
        if long_timeline_case and cases:
            _long_timeline(cases[-1]["id"], staff)
    if not is_sqlite():
        database.execute_sql("SELECT setval(pg_get_serial_sequence('\"case\"', 'id'), (SELECT MAX(id) FROM \"case\"))")
    current_app.extensions["portal_pm"].hook.portal_demo_bulk(app=current_app._get_current_object(),
                                                              case_ids=range(start_id, start_id + count))
    analyze(after_bulk_load=True)
    return {"cases": len(cases), "events": len(events), "drafts": len(drafts), "attachments": len(attachments)}


def deadline_rule():
    """The portal's own deadline rule (mode, calendar and all), computed once per posting day:
    the hour of posting never matters, so 100,000 cases spread over 8 years need ~2,900 runs."""
    calendar, mode = deadlines.work_calendar(), deadlines.deadline_mode()

    @lru_cache(maxsize=None)
    def on(day: date):
        return reply_deadline(datetime.combine(day, datetime.min.time()), 3, mode, calendar)
    return on


def chained(events: list[dict]) -> list[dict]:
    """Give bulk events the hash chain that audit.record gives single ones."""
    previous = AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
    prev_hash, secret = (previous.hash if previous else GENESIS), key()
    for row in events:
        event = AuditEvent(**row, prev_hash=prev_hash)
        row["prev_hash"], row["hash"] = prev_hash, event.content_hash(secret)
        prev_hash = row["hash"]
    return events


def _long_timeline(case_id, staff):
    """One case with a 50-event timeline: what the case-page benchmark opens."""
    base = now() - timedelta(days=2)
    _insert(AuditEvent, chained([
        {"at": base + timedelta(minutes=10 * i), "actor": staff[i % len(staff)], "action": "case.urged",
         "object_type": "case", "object_id": case_id, "summary": f"催办：第{i + 1}次提醒", "data": json.dumps({}), "ip": ""}
        for i in range(50)
    ]))
