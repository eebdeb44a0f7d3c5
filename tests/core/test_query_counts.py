"""Pages must not query once per row: the statement count stays the same for 10 and 200 cases."""
import os

import pytest

from portal.bulk import generate
from portal.db import database, is_sqlite, statements_run
from portal.org.models import Department


def statements_for(tmp_path_factory, demo_template, username, page, fill, amount, kept=False) -> tuple[int, str]:
    """The statements ``page`` costs ``username`` once ``fill(amount)`` has added rows, and the page;
    rendered anew, unless ``kept``: then the second request is answered by the kept fragments."""
    from tests.fixtures import make_app

    app = make_app(tmp_path_factory.mktemp(f"{fill.__name__}{amount}"), demo_template, FRAGMENT_CACHE=kept)
    client = app.test_client()
    client.login(username)
    with app.app_context(), database.connection_context():
        fill(amount)
        dept = Department.get(Department.name == "电力科").id
    url = page.format(dept=dept)
    client.get(url)  # warm up: the lazy deadline check and caches
    with statements_run() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return len(counter), response.get_data(as_text=True)


def add_cases(count):
    generate(count, seed=count, years=1, long_timeline_case=False)


PAGES = ["/", "/cases/", "/cases/?state=handling&sort=due", "/cases/todo", "/cases/supervision",
         "/cases/bulletin", "/departments/{dept}"]


@pytest.mark.parametrize("page", PAGES)
def test_statement_count_does_not_grow_with_rows(tmp_path_factory, demo_template, page):
    counts = [statements_for(tmp_path_factory, demo_template, "office", page, add_cases, rows)[0] for rows in (10, 200)]
    assert counts[0] == counts[1], f"{page}: {counts[0]} statements with 10 cases, {counts[1]} with 200"


@pytest.mark.parametrize("page, kept", [("/", 2), ("/departments/{dept}", 3)])
def test_kept_fragments_spare_the_widgets_statements(tmp_path_factory, demo_template, page, kept):
    """With the dashboard's widgets and the department's sections kept (portal/fragments.py), a
    page asks only for the person (with the layout's settings), the department and the data version."""
    cold = statements_for(tmp_path_factory, demo_template, "office", page, add_cases, 10)[0]
    # PostgreSQL's snapshot is the server's: another database's commit between the two requests misses
    tries = 1 if not os.environ.get("PORTAL_TEST_DATABASE_URL") else 5
    warm = min(statements_for(tmp_path_factory, demo_template, "office", page, add_cases, 10, kept=True)[0]
               for _ in range(tries))
    counts = [cold, warm]
    assert counts[1] == kept and counts[0] > 3 * kept, f"{page}: {counts[0]} rendered anew, {counts[1]} kept"


def add_people(count):
    from portal.org.models import User, UserRole, WorkingGroup, WorkingGroupMember

    power = Department.get(Department.name == "电力科")
    group = WorkingGroup.select().first()
    for i in range(count):
        user = User.create(username=f"extra{i}", name=f"新同事{i}", department=power, password_hash="x")
        UserRole.create(user=user, role="staff")
        WorkingGroupMember.create(group=group, position="member", user=user)


@pytest.mark.parametrize("page", ["/groups", "/admin/users", "/departments/{dept}"])
def test_lists_of_people_do_not_query_per_person(tmp_path_factory, demo_template, page):
    (before, _), (after, shown) = (statements_for(tmp_path_factory, demo_template, "admin", page, add_people, n)
                                   for n in (0, 30))
    assert "新同事29" in shown
    assert before == after, f"{page}: {before} statements with the demo's people, {after} with 30 more"


def test_the_health_check_reads_no_database_for_a_signed_in_client_either(office_client):
    """A load balancer's or a monitor's /healthz: the process answers without asking the database,
    even when the request carries a signed-in person's session."""
    with statements_run() as counted:
        assert office_client.get("/healthz").get_data(as_text=True) == "ok"
    assert len(counted) == 0


def test_the_case_page_reads_its_case_with_what_it_names_in_one_statement(app, login, make_case):
    """On PostgreSQL, where each statement is a round trip, the case with its host and
    co-departments, which kinds of records it has and the names of everyone it names, in one
    statement; then one per kind of record it has, and the timeline; besides them only the person
    and the plugins' own statements. SQLite reads the three apart, cheaper in its process."""
    from portal.cases.models import CaseCoDepartment, Explanation, Urging
    from portal.org.models import User

    case = make_case("反映某小区停电", state="awaiting_approval")  # with a reply draft
    with app.app_context(), database.connection_context():
        office = User.get(User.username == "office")
        for name in ("安全监管科", "煤炭科"):  # shown in the order of the departments' ids
            CaseCoDepartment.create(case=case.id, department=Department.get(Department.name == name))
        Explanation.create(case=case.id, text="正在核实，需延后答复。", author=User.get(User.username == "head"))
        Urging.create(case=case.id, message="请尽快答复。", by=office)
    client = login("office")
    client.get(f"/cases/{case.id}")  # warm up: the lazy deadline check
    with statements_run() as seen:
        page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "煤炭科、安全监管科" in page and "正在核实" in page and office.name in page
    plugins = {name for name, _ in app.extensions["portal_pm"].list_name_plugin() if not name.startswith("portal")}
    core = [s for s in seen if not any(f'FROM "{name}_' in s for name in plugins)]
    kinds = 3  # drafts, explanations, urgings
    apart = 3 if is_sqlite() else 0
    assert len(core) <= 1 + 1 + kinds + 1 + apart, "\n".join(core)
    if not is_sqlite():
        case_statement = [s for s in core if '"case_co_department"' in s]
        assert len(case_statement) == 1 and '"reply_draft"' in case_statement[0] and '"named"' in case_statement[0]
