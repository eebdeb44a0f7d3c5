"""Statements kept compiled between requests (portal.db.compiled, the case list's kept SQL) keep
only the SQL, never rows: a change committed by another process shows on the next request, and
one person's kept list never answers another who may not see its cases."""
import subprocess
import sys

from portal.cases.models import Case
from portal.db import database
from portal.org.models import User
from tests.core.case_helpers import hidden_from

CHANGE = """
import sys
from playhouse.db_url import connect
db = connect(sys.argv[1])
with db.atomic():
    db.execute_sql(sys.argv[2].replace("?", db.param), sys.argv[3:])
db.close()
"""


def elsewhere(app, sql, *params):
    """Run ``sql`` in another process, on its own connection, and commit it."""
    subprocess.run([sys.executable, "-c", CHANGE, app.config["DATABASE_URL"], sql, *map(str, params)], check=True)


def test_the_list_shows_a_title_changed_by_another_process(app, login):
    office = login("office")
    with database.connection_context():
        case = Case.select().where(Case.state == "handling").order_by(Case.id).first()
    url = "/cases/?state=handling&sort=newest"
    assert case.title in office.get(url).get_data(as_text=True)
    assert office.get(url).status_code == 200  # the statement is kept now
    elsewhere(app, 'UPDATE "case" SET title = ? WHERE id = ?', "另一进程改过的标题", case.id)
    page = office.get(url).get_data(as_text=True)
    assert "另一进程改过的标题" in page and case.title not in page


def test_a_kept_list_never_shows_a_case_to_someone_who_may_not_see_it(app, login):
    case = hidden_from("staff")
    url = "/cases/?state=handling&sort=newest"
    office, other = login("office"), login("staff")
    for _ in range(2):  # the second time from the kept statements
        assert case.number in office.get(url).get_data(as_text=True)
        assert case.number not in other.get(url).get_data(as_text=True)
        # the host department's page: its section's statements are kept too
        assert case.number in office.get(f"/departments/{case.host_department_id}").get_data(as_text=True)
        assert case.number not in other.get(f"/departments/{case.host_department_id}").get_data(as_text=True)
    # made visible by another process: the kept statement reads it
    elsewhere(app, 'UPDATE "case" SET confidentiality = ? WHERE id = ?', "normal", case.id)
    assert case.number in other.get(url).get_data(as_text=True)
    assert case.number in other.get(f"/departments/{case.host_department_id}").get_data(as_text=True)


def test_a_person_made_inactive_by_another_process_is_signed_out_at_once(app, login):
    staff = login("staff")
    assert staff.get("/").status_code == 200
    assert staff.get("/").status_code == 200  # the signed-in user's statement is compiled now
    with database.connection_context():
        staff_id = User.get(User.username == "staff").id
    elsewhere(app, 'UPDATE "user" SET active = ? WHERE id = ?', 0, staff_id)
    assert staff.get("/").status_code == 302


def test_id_url_answers_as_url_for(app):
    from flask import url_for

    from portal.plugin_api import id_url

    with app.test_request_context():
        detail = id_url("cases.detail", "case_id")
        assert [detail(i) for i in (1, 42, 987654321)] == [url_for("cases.detail", case_id=i) for i in (1, 42, 987654321)]


def test_a_compiled_statement_takes_new_values_each_time(app, db):
    from portal.db import Param, compiled

    def run(username):
        return list(compiled("test.user_by_name", lambda: User.select(User.name).where(
            User.username == Param("username")).tuples(), username=username))

    with app.app_context():
        assert run("office") != run("staff") and run("nobody") == []
