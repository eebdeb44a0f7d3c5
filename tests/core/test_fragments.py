"""The dashboard's widgets and the department page's sections kept rendered (portal/fragments.py):
a kept fragment is what rendering again would give, for the same person, session and minute, and
never anyone else's. Each test first makes sure the cache answered (its hit count), so none can
pass because nothing was kept."""
import os
import re
from datetime import timedelta

import pytest

from portal.cases.models import Case
from portal.db import database
from portal.org.models import Department, User
from portal.testing import TOKEN
from tests.core.case_helpers import hidden_from
from tests.core.test_kept_statements import elsewhere

# On PostgreSQL the snapshot is the whole server's: another database's writes make a request miss.
SQLITE = not os.environ.get("PORTAL_TEST_DATABASE_URL")


def hits(app) -> int:
    store = app.extensions.get("portal_fragments")
    return store.hits if store else 0


def served_kept(app, client, url) -> str:
    """``url`` twice: the second one answered by the cache (checked on SQLite)."""
    client.get(url)
    before = hits(app)
    page = client.get(url).get_data(as_text=True)
    if SQLITE:
        assert hits(app) == before + 1, f"{url} was not served from the cache"
    return page


def department_of(username) -> int:
    with database.connection_context():
        return User.get(User.username == username).department_id


def row_of(page, case_id) -> str:
    """The case list row that links ``case_id``."""
    return next(r.split("</tr>")[0] for r in page.split('<tr class="row-')[1:] if f'/cases/{case_id}"' in r)


def test_a_write_by_another_process_shows_on_the_next_request(app, login):
    office = login("office")
    with database.connection_context():
        name = User.get(User.username == "office").name
        case = Case.select().where(Case.state == "handling").order_by(Case.id.desc()).first()
    dept_url = f"/departments/{case.host_department_id}"
    assert name in served_kept(app, office, "/")
    assert case.title in served_kept(app, office, dept_url)
    elsewhere(app, 'UPDATE "user" SET name = ? WHERE username = ?', "改名后的孙", "office")
    elsewhere(app, 'UPDATE "case" SET title = ? WHERE id = ?', "另一进程改过的标题", case.id)
    home = office.get("/").get_data(as_text=True)
    assert "改名后的孙" in home and name not in home  # the widget 我的信息 too, not only the header
    page = office.get(dept_url).get_data(as_text=True)
    assert "另一进程改过的标题" in page and case.title not in page


def test_one_person_never_gets_another_persons_sections(app, login):
    case = hidden_from("staff")
    url = f"/departments/{case.host_department_id}"
    office, other = login("office"), login("staff")
    assert case.number in served_kept(app, office, url)
    assert case.number not in served_kept(app, other, url)  # right after office's, kept as well
    assert case.number in office.get(url).get_data(as_text=True)


def test_each_session_signs_its_own_forms(app, login):
    """The department's circular to acknowledge carries a CSRF token: a second session of the same
    person gets its own (another session's token would be refused), and acknowledging it through
    the page shows on the next page of the other session."""
    from plugins.circulars.models import Circular, CircularRecipient

    dept = department_of("staff")

    def waiting():
        with database.connection_context():
            circular = Circular.select(Circular.id).where(Circular.state == "issued").order_by(Circular.id).first()
            CircularRecipient.delete().where((CircularRecipient.department == dept)
                                             & (CircularRecipient.circular == circular.id)).execute()
            CircularRecipient.create(circular=circular.id, department=dept)  # sent, not yet acknowledged
        return f"/circulars/{circular.id}/acknowledge"

    action, url = waiting(), f"/departments/{dept}"
    first, second = login("staff"), login("staff")
    pages = [served_kept(app, first, url), served_kept(app, second, url)]  # the second session right after

    def acknowledge(client, page):
        form = re.search(rf'{action}".*?</form>', page, re.S).group(0)
        token = next(g for g in TOKEN.search(form).groups() if g)
        return client.post(action, csrf=False, data={"csrf_token": token, "next": url}).status_code

    assert acknowledge(second, pages[1]) == 302
    assert action not in first.get(url).get_data(as_text=True)  # acknowledged by the other session
    waiting()
    assert acknowledge(first, pages[0]) == 302
    assert action not in second.get(url).get_data(as_text=True)


def test_a_deadline_passing_shows_at_the_next_minute(app, login, frozen_clock):
    office = login("office")
    dept = department_of("head")
    page = office.get(f"/departments/{dept}").get_data(as_text=True)
    case_id = int(re.search(r'<tr class="row-(?:ok|due_soon)">\s*<td[^>]*><a href="/cases/(\d+)"', page).group(1))
    with database.connection_context():
        due = Case.get_by_id(case_id).due_at
    assert due.second == 0
    # 40 seconds apart: the once-a-minute deadline check (which writes) does not run again
    frozen_clock(due - timedelta(seconds=20))
    assert "已超期" not in row_of(served_kept(app, office, f"/departments/{dept}"), case_id)
    frozen_clock(due + timedelta(seconds=20))
    assert "已超期" in row_of(office.get(f"/departments/{dept}").get_data(as_text=True), case_id)


CSRF = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=|"X-CSRFToken": )"[^"]+"')


@pytest.mark.parametrize("username", ["admin", "leader", "office", "monitor", "head", "staff", "liaison"])
def test_kept_pages_are_the_pages(app, login, username):
    """Cache off and on, the same bytes (but for the CSRF tokens, signed anew at every page)."""
    with database.connection_context():
        departments = [d.id for d in Department.select(Department.id)]
    client = login(username)
    for url in ["/", *(f"/departments/{d}" for d in departments)]:
        app.config["FRAGMENT_CACHE"] = False
        fresh = client.get(url).get_data(as_text=True)
        app.config["FRAGMENT_CACHE"] = True
        kept = served_kept(app, client, url)
        assert CSRF.sub(r"\1", kept) == CSRF.sub(r"\1", fresh), url


def test_the_data_version_moves_with_every_commit_and_only_then(app):
    from portal.fragments import data_version

    with app.app_context(), database.connection_context():
        before = data_version()
        elsewhere(app, 'SELECT id FROM "case" WHERE id = ?', 1)  # a transaction that reads only
        if SQLITE:  # PostgreSQL's snapshot is the server's: another database's commit moves it too
            assert data_version() == before
        elsewhere(app, 'UPDATE "case" SET title = ? WHERE id = ?', "另一连接", 1)
        after = data_version()
        assert after != before
        Case.update(title="本连接").where(Case.id == 1).execute()  # this connection's own commit
        assert data_version() != after


@pytest.mark.skipif(not SQLITE, reason="SQLite's version is its connection's")
def test_without_a_kept_connection_sqlite_keeps_nothing(tmp_path, demo_template):
    """A connection opened per request has its own data version: nothing kept could be trusted."""
    from portal.testing import make_app

    app = make_app(tmp_path, demo_template, DATABASE_KEEP_CONNECTION=False)
    client = app.test_client()
    client.login("office")
    for _ in range(2):
        assert "我的信息" in client.get("/").get_data(as_text=True)
    assert hits(app) == 0 and "portal_fragments" not in app.extensions


def test_a_lists_count_is_kept_until_anything_is_written(app, login):
    """The case list's count is kept by its statement and the data version: a case another process
    moves into the list, or one the reader's own request registers, counts at the next request;
    and a reader who may see fewer cases never gets another's count."""
    office, staff = login("office"), login("staff")
    url = "/cases/?state=handling&sort=due"

    def count(client) -> int:
        return int(re.search(r"共 (\d+)\+? 件", client.get(url).get_data(as_text=True)).group(1))

    before = count(office)
    assert count(office) == before and count(staff) < before  # the first kept, the second its own
    with database.connection_context():
        case = Case.select().where(Case.state == "registered").order_by(Case.id).first()
    elsewhere(app, 'UPDATE "case" SET state = ? WHERE id = ?', "handling", case.id)
    assert count(office) == before + 1
    elsewhere(app, 'UPDATE "case" SET state = ? WHERE id = ?', "registered", case.id)
    assert count(office) == before
