"""Every figure of portal.statistics.definitions against the same figure computed here with plain
SQL over the same database, on cases set up for the edge cases: a reply exactly at 24:00, one a
second late, an approved extension, 情况说明 before and after the deadline, open cases not yet due
and past due, a rejected case, a case outside the period and one of another department."""
from datetime import date, datetime, timedelta

import pytest

from portal.cases.models import Case, Explanation, Extension
from portal.db import database, is_sqlite
from portal.org.models import Department, User
from portal.statistics import definitions as d
from portal.testing import drive

START, END = date(2026, 10, 1), date(2026, 10, 31)
AT = datetime(2026, 11, 5, 12, 0)  # "now" for every figure
MIDNIGHT = datetime(2026, 10, 13, 0, 0)  # 24:00 of 12 October


@pytest.fixture
def world(app):
    """title -> case, each posted in October unless said otherwise."""
    made = {}

    def case(title, *, host="电力科", state="handling", posted=datetime(2026, 10, 10, 9, 0), due=MIDNIGHT,
             replied=None, registered=None, **fields):
        c = drive(app, title, state=state, host=host)
        with app.app_context(), database.connection_context():
            Case.update(posted_at=posted, registered_at=registered or posted + timedelta(hours=1), due_at=due,
                        replied_at=replied, **fields).where(Case.id == c.id).execute()
        made[title] = c
        return c

    office = lambda: User.get(User.username == "office")  # noqa: E731
    case("按时回复于24:00", state="replied", replied=MIDNIGHT)
    case("晚一秒回复", state="replied", replied=MIDNIGHT + timedelta(seconds=1))
    case("延期后按期", state="replied", due=MIDNIGHT + timedelta(days=2), deadline_days=5,
         replied=MIDNIGHT + timedelta(days=1, hours=3))
    case("未到期", due=AT + timedelta(days=1), posted=datetime(2026, 10, 30, 8, 0))
    case("已超期未回复", due=datetime(2026, 10, 20))
    case("时限内报送情况说明", due=datetime(2026, 10, 20))
    case("时限后报送情况说明", due=datetime(2026, 10, 20))
    case("不予受理", state="registered", reject_reason="不属于受理范围")
    case("煤炭科按期", host="煤炭科", state="replied", replied=datetime(2026, 10, 11, 15, 30))
    case("煤炭科内部超期", host="煤炭科", state="replied", replied=datetime(2026, 10, 14, 8, 0),
         confidentiality="internal")
    case("九月的事项", state="replied", posted=datetime(2026, 9, 20), due=datetime(2026, 9, 24),
         replied=datetime(2026, 9, 22))
    with app.app_context(), database.connection_context():
        Case.update(state="rejected").where(Case.id == made["不予受理"].id).execute()
        Explanation.create(case=made["时限内报送情况说明"].id, text="需协调", author=office(), at=datetime(2026, 10, 19))
        Explanation.create(case=made["时限后报送情况说明"].id, text="迟报", author=office(), at=datetime(2026, 10, 21))
        Extension.create(case=made["延期后按期"].id, days=5, reason="需现场核查", requested_by=office(),
                         decision="approved", decided_at=datetime(2026, 10, 12))
        Extension.create(case=made["晚一秒回复"].id, days=5, reason="未批", requested_by=office(), decision="refused")
    return made


def sql(query, *params):
    return database.execute_sql(query.replace("?", database.param), params).fetchall()


def hours_sql():
    if is_sqlite():
        return "(julianday(c.replied_at) - julianday(c.registered_at)) * 24"
    return "extract(epoch from c.replied_at - c.registered_at) / 3600"


PERIOD = "c.posted_at >= ? AND c.posted_at < ?"
BOUNDS = (datetime(2026, 10, 1), datetime(2026, 11, 1))
EXPLAINED_IN_TIME = "EXISTS (SELECT 1 FROM explanation e WHERE e.case_id = c.id AND e.at <= c.due_at)"
ON_TIME = f"(c.reject_reason = '' AND ((c.replied_at IS NOT NULL AND c.replied_at <= c.due_at) OR {EXPLAINED_IN_TIME}))"
DECIDED = f"(c.reject_reason = '' AND (c.replied_at IS NOT NULL OR {EXPLAINED_IN_TIME} OR c.due_at <= ?))"


def plain_counts(where="1 = 1", *params):
    """(cases, decided, on time, late, extended, explained) by plain SQL."""
    row = sql(f"""
        SELECT COUNT(*),
               SUM(CASE WHEN {DECIDED} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {ON_TIME} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {DECIDED} AND NOT {ON_TIME} THEN 1 ELSE 0 END),
               SUM(CASE WHEN EXISTS (SELECT 1 FROM extension x WHERE x.case_id = c.id AND x.decision = 'approved')
                        THEN 1 ELSE 0 END),
               SUM(CASE WHEN EXISTS (SELECT 1 FROM explanation e WHERE e.case_id = c.id) THEN 1 ELSE 0 END)
        FROM "case" c WHERE {PERIOD} AND {where}""", AT, AT, *BOUNDS, *params)[0]
    return tuple(int(v or 0) for v in row)


def plain_percentile(p, where="1 = 1", *params):
    base = f"""SELECT {hours_sql()} AS h FROM "case" c
               WHERE {PERIOD} AND c.reject_reason = '' AND c.replied_at IS NOT NULL AND {where}"""
    if not is_sqlite():
        return sql(f"SELECT percentile_cont({p}) WITHIN GROUP (ORDER BY h) FROM ({base}) t", *BOUNDS, *params)[0][0]
    rows = sql(f"""
        WITH ranked AS (SELECT h, ROW_NUMBER() OVER (ORDER BY h) - 1 AS i, COUNT(*) OVER () AS n FROM ({base}))
        SELECT MAX(CASE WHEN i = CAST((n - 1) * {p} AS INTEGER) THEN h END),
               MAX(CASE WHEN i = CAST((n - 1) * {p} AS INTEGER) + 1 THEN h END),
               MAX((n - 1) * {p} - CAST((n - 1) * {p} AS INTEGER))
        FROM ranked""", *BOUNDS, *params)
    low, high, fraction = rows[0]
    return None if low is None else low + ((high if high is not None else low) - low) * fraction


def plain_bulletins(department_id):
    """通报: due in the period (24:00 of its last day included), neither replied nor explained by then."""
    return sql(f"""SELECT COUNT(*) FROM "case" c WHERE c.due_at > ? AND c.due_at <= ? AND c.reject_reason = ''
                   AND (c.replied_at IS NULL OR c.replied_at > c.due_at) AND NOT {EXPLAINED_IN_TIME}
                   AND c.host_department_id = ?""", *BOUNDS, department_id)[0][0]


def test_the_edge_cases_land_where_the_definitions_say(app, world):
    with app.app_context(), database.connection_context():
        ids = lambda cond: {c.id for c in Case.select(Case.id).where(d.in_period(START, END) & cond)}  # noqa: E731
        names = {c.id: t for t, c in world.items()}
        assert {names[i] for i in ids(d.on_time())} == {
            "按时回复于24:00", "延期后按期", "时限内报送情况说明", "煤炭科按期"}
        assert {names[i] for i in ids(d.late(AT))} == {
            "晚一秒回复", "已超期未回复", "时限后报送情况说明", "煤炭科内部超期"}
        assert names[next(iter(ids(d.extended())))] == "延期后按期" and len(ids(d.extended())) == 1
        assert "未到期" not in {names[i] for i in ids(d.decided(AT))}
        assert "不予受理" not in {names[i] for i in ids(d.decided(AT))}


def test_the_bureau_figures_equal_plain_sql(app, world):
    with app.app_context(), database.connection_context():
        f = d.bureau(START, END, at=AT)
        assert (f.cases, f.decided, f.on_time, f.late, f.extended, f.explained) == plain_counts()
        assert (f.cases, f.decided, f.on_time) == (10, 8, 4)
        assert f.on_time_rate == pytest.approx(4 / 8)
        assert f.median_hours == pytest.approx(plain_percentile(0.5))
        assert f.p90_hours == pytest.approx(plain_percentile(0.9))
        assert f.replied == 5


def test_each_department_equals_plain_sql(app, world):
    with app.app_context(), database.connection_context():
        rows = {f.department: f for f in d.ranking(START, END, at=AT)}
        for name in ("电力科", "煤炭科"):
            dept_id = Department.get(Department.name == name).id
            f = rows[name]
            where = "c.host_department_id = ?"
            assert (f.cases, f.decided, f.on_time, f.late, f.extended, f.explained) == plain_counts(where, dept_id)
            assert f.median_hours == pytest.approx(plain_percentile(0.5, where, dept_id))
            assert f.p90_hours == pytest.approx(plain_percentile(0.9, where, dept_id))
            assert f.bulletins == plain_bulletins(dept_id)
            one = d.bureau(START, END, department_id=dept_id, at=AT)
            assert (one.cases, one.on_time, one.late, one.bulletins) == (f.cases, f.on_time, f.late, f.bulletins)
        assert rows["电力科"].bulletins == 3 and rows["煤炭科"].bulletins == 1
        assert list(rows)[0] == "煤炭科"  # both 50 % on time: fewer 通报 ranks first


def test_a_period_without_cases_has_empty_figures(app):
    with app.app_context(), database.connection_context():
        f = d.bureau(date(2001, 1, 1), date(2001, 1, 31), at=AT)
        assert (f.cases, f.on_time_rate, f.median_hours, f.bulletins) == (0, None, None, 0)
        assert d.ranking(date(2001, 1, 1), date(2001, 1, 31), at=AT) == []


def test_breakdowns_count_the_period(app, world):
    with app.app_context(), database.connection_context():
        assert d.breakdown("month", date(2026, 9, 1), END) == [("2026-09", 1), ("2026-10", 10)]
        by_source = dict(sql(f'SELECT c.source, COUNT(*) FROM "case" c WHERE {PERIOD} GROUP BY c.source', *BOUNDS))
        assert dict(d.breakdown("source", START, END)) == by_source
        assert dict(d.breakdown("state", START, END))["rejected"] == 1


def test_percentile_interpolates_like_percentile_cont():
    assert d.percentile([], 0.5) is None
    assert d.percentile([7], 0.9) == 7
    assert d.percentile([1, 2, 3, 4], 0.5) == 2.5
    assert d.percentile(list(range(1, 11)), 0.9) == pytest.approx(9.1)


def test_the_one_pass_for_the_offices_page_equals_the_separate_figures(app, world):
    with app.app_context(), database.connection_context():
        total, ranked = d.bureau_and_ranking(START, END, at=AT)
        assert total == d.bureau(START, END, at=AT)
        assert ranked == d.ranking(START, END, at=AT)
