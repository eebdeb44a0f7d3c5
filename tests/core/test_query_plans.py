"""The list's filters and sorts stay on indexes: with four times the cases, a page of the list
costs SQLite about the same work, counted in its virtual machine's steps (deterministic, unlike
time). A full scan or a sort of every matching case would grow with the table."""
import pytest

from portal.bulk import generate
from portal.cases import queries
from portal import clock
from portal.db import analyze, database, is_sqlite
from portal.org.models import Department, User

FILTERS = {
    "department and state, by due date": dict(department="{power}", state="archived", sort="due"),
    # (a department without a state sorts all its cases: 1.2 ms for 12,000, docs/performance.md)
    "state, by due date": dict(state="archived", sort="due"),
    "by due date": dict(),
    "newest": dict(sort="newest"),
    "posted": dict(sort="posted"),
    "posted in a month": dict(sort="posted", **{"from": "2025-03-01", "to": "2025-03-31"}),
    # a search's page walks the index newest first and stops when full; ``id IN (every match)``
    # gathered all of them first (a search at 100,000 cases: 2 ms more, of 10)
    "search, 4 characters": dict(q="光伏并网"),
    "search, 2 characters": dict(q="停电"),
}
STEP = 100  # the progress handler runs every STEP virtual machine instructions


def steps(query) -> int:
    counter = [0]

    def tick():
        counter[0] += 1
        return 0

    connection = database.connection()
    connection.set_progress_handler(tick, STEP)
    try:
        list(query)
    finally:
        connection.set_progress_handler(None, STEP)
    return counter[0]


def work_for_each_filter(tmp_path_factory, demo_template, cases) -> dict[tuple, int]:
    from tests.fixtures import make_app

    app = make_app(tmp_path_factory.mktemp(f"plans{cases}"), demo_template)
    work = {}
    with app.app_context(), database.connection_context():
        if not is_sqlite():
            pytest.skip("SQLite's virtual machine; PostgreSQL plans with its own statistics")
        generate(cases, seed=3, years=2, long_timeline_case=False)
        analyze()
        power = Department.get(Department.name == "电力科").id
        for username in ("office", "head"):  # sees everything / sees what the rules allow
            user = User.get(User.username == username)
            for name, args in FILTERS.items():
                f = queries.CaseFilter.from_args({k: v.format(power=power) for k, v in args.items()})
                work[username, name] = steps(queries.search(f, user).paginate(1, queries.PAGE_SIZE))
    return work


def test_a_page_of_the_list_costs_the_same_with_four_times_the_cases(tmp_path_factory, demo_template):
    small = work_for_each_filter(tmp_path_factory, demo_template, 2000)
    large = work_for_each_filter(tmp_path_factory, demo_template, 8000)
    grown = {key: round(large[key] / max(small[key], 1), 2) for key in small}
    assert all(ratio < 1.6 for ratio in grown.values()), grown


def rows_read(plan: dict, table: str) -> int:
    """Rows of ``table`` the executed plan took from its scans: those kept and those filtered out."""
    own = 0
    if plan.get("Relation Name") == table:
        loops = plan.get("Actual Loops", 1)
        own = (plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)
               + plan.get("Rows Removed by Index Recheck", 0)) * loops
    return own + sum(rows_read(child, table) for child in plan.get("Plans", []))


def test_postgresql_starts_the_department_page_from_the_department(tmp_path_factory, demo_template):
    """The department page's cases come from the department's index, not from a walk of the
    deadline index over every case (84 ms at 100,000: issue 19), nor over every open case when
    the department has few of them (3,245 read for 19 at 100,000)."""
    import json

    from portal.cases.models import UNARCHIVED_STATES, Case
    from tests.fixtures import make_app

    app = make_app(tmp_path_factory.mktemp("pgplan"), demo_template)
    with app.app_context(), database.connection_context():
        if is_sqlite():
            pytest.skip("PostgreSQL's plan (the suite's PostgreSQL run: PORTAL_TEST_DATABASE_URL)")
        generate(1500, seed=3, years=2, long_timeline_case=False)
        power = Department.get(Department.name == "电力科").id
        kept = Case.select(Case.id).where((Case.host_department == power) & Case.state.in_(UNARCHIVED_STATES)).limit(3)
        (Case.update(state="archived").where((Case.host_department == power) & Case.state.in_(UNARCHIVED_STATES)
                                             & Case.id.not_in(kept)).execute())
        # many open cases elsewhere: a walk of the open cases' deadlines would read them all
        others = Case.select(Case.id).where(Case.host_department != power).limit(800)
        Case.update(state="handling").where(Case.id.in_(others)).execute()
        database.execute_sql("ANALYZE")
        for username in ("office", "head"):
            user = User.get(User.username == username)
            query = queries.open_of_department(power, user)
            sql, params = query.sql()
            plan = database.execute_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params).fetchone()[0]
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
            plain = (queries.search(queries.CaseFilter(department=power, sort="due"), user)
                     .where(Case.state.in_(UNARCHIVED_STATES)))
            matching = plain.count()
            total = Case.select().count()
            assert total > 1500 and rows_read(plan, "case") <= 2 * matching + 20, (username, matching, plan)
            assert [r.id for r in queries.rows_of(query)] == [r.id for r in queries.rows_of(plain.limit(20))]



def sorts_cases(plan: dict) -> bool:
    """Whether the plan sorts rows of ``case`` (all that match, before a LIMIT takes the first)."""
    if plan["Node Type"] in ("Sort", "Incremental Sort") and rows_read(plan, "case"):
        return True
    return any(sorts_cases(child) for child in plan.get("Plans", []))


def most_read_by_one_scan(plan: dict, table: str) -> int:
    """The most rows of ``table`` one scan of the executed plan took (``rows_read`` of one node)."""
    own = rows_read({**plan, "Plans": []}, table)
    return max([own] + [most_read_by_one_scan(child, table) for child in plan.get("Plans", [])])


def test_postgresql_stops_a_search_at_the_page(tmp_path_factory, demo_template):
    """A search's page reads about a page of each bigram's postings, and of the newest cases no
    more than hold a page of matches, however many cases hold the query's bigrams (7,215 at
    100,000 cases for 光伏并网, which a GIN index made PostgreSQL fetch and re-check: issue 19),
    and sorts none of them."""
    import json

    from portal.cases.models import Case
    from tests.fixtures import make_app

    app = make_app(tmp_path_factory.mktemp("pgsearchplan"), demo_template)
    with app.app_context(), database.connection_context():
        if is_sqlite():
            pytest.skip("PostgreSQL's plan (the suite's PostgreSQL run: PORTAL_TEST_DATABASE_URL)")
        generate(4000, seed=3, years=2, long_timeline_case=False)
        analyze(after_bulk_load=True)
        for username in ("office", "head"):
            for q in ("光伏并网", "停电"):
                query = queries.search(queries.CaseFilter(q=q), User.get(User.username == username))
                sql, params = query.paginate(1, queries.PAGE_SIZE).sql()
                plan = database.execute_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params).fetchone()[0]
                plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
                matching = query.count()
                assert matching > 4 * queries.PAGE_SIZE and not sorts_cases(plan), (username, q, matching)
                assert most_read_by_one_scan(plan, "case_search") <= 2 * queries.PAGE_SIZE, (username, q, plan)
                # the newest cases, walked until the page is full, at most (a page at the query's density)
                total = Case.select().count()
                assert rows_read(plan, "case") <= 2 * queries.PAGE_SIZE * total / matching, (username, q, plan)
                # the capped count looks up the candidates, not every case the reader may see
                sql, params = queries.capped_count(queries.CaseFilter(q=q), User.get(User.username == username)).sql()
                plan = database.execute_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params).fetchone()[0]
                plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
                assert rows_read(plan, "case") <= 2 * matching, (username, q, plan)


@pytest.mark.parametrize("args", [{"q": "光伏并网"}, {"department": "{power}", "state": "archived"}])
def test_a_list_page_is_planned_once_not_at_every_request(tmp_path, demo_template, args):
    """PostgreSQL plans a prepared statement anew at each execution while a plan for any value of
    its parameters looks costlier than one for the values given: a search's page and a
    department's list were planned at every request (2–3 ms at 100,000 cases). Kept statements
    carry their values (``queries._planned_once``)."""
    from tests.fixtures import make_app

    app = make_app(tmp_path, demo_template)
    with app.app_context(), database.connection_context():
        if is_sqlite():
            pytest.skip("PostgreSQL's plan cache (the suite's PostgreSQL run: PORTAL_TEST_DATABASE_URL)")
        generate(10000, seed=3, years=2, long_timeline_case=False)
        analyze(after_bulk_load=True)
        power = Department.get(Department.name == "电力科").id
    database.close()  # the pages' statements alone on the connection they open
    app.extensions["portal_last_tick"] = clock.now()  # and no deadline check's
    client = app.test_client()
    client.login("office")
    query = {name: value.format(power=power) for name, value in args.items()}
    for _ in range(12):  # psycopg prepares a statement at its fifth run; PostgreSQL tries 5 custom plans
        assert client.get("/cases/", query_string=query).status_code == 200
    with app.app_context():  # the same kept connection: the test client's requests run in this thread
        planned_anew = [row[0] for row in database.execute_sql(
            "SELECT statement FROM pg_prepared_statements WHERE custom_plans > 6")]
        assert planned_anew == [], [statement[-500:] for statement in planned_anew]
