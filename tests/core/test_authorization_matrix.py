"""Every route × every role × anonymous, against one readable table.

Cells: 200 / 403 / 404 as the status expected, `login` for a redirect to the login page,
`home` for a redirect home (a successful logout also lands on the login page), `ok` (POST)
for anything the access check lets through (the step itself may still refuse the input). {normal} is an ordinary case, {internal} an 内部
case registered by `monitor` and not yet assigned, {normal_file} / {internal_file} their
attachments. A route missing from the table fails the test: declare who may use it.
"""
import io

import pytest

from portal.cases import attachments, workflow
from portal.cases.models import Case
from portal.db import database
from portal.org.models import Department, User

USERS = ["anonymous", "admin", "leader", "office", "monitor", "head", "staff", "liaison"]

GET = """
route                                          anonymous admin leader office monitor head staff liaison
/healthz                                       200       200   200    200    200     200  200   200
/login                                         200       home  home   home   home    home home  home
/logout                                        login     200   200    200    200     200  200   200
/                                              login     200   200    200    200     200  200   200
/account/password                              login     200   200    200    200     200  200   200
/departments                                   login     200   200    200    200     200  200   200
/departments/{dept}                            login     200   200    200    200     200  200   200
/groups                                        login     200   200    200    200     200  200   200
/notifications                                 login     200   200    200    200     200  200   200
/cases/                                        login     200   200    200    200     200  200   200
/cases/todo                                    login     200   200    200    200     200  200   200
/cases/supervision                             login     200   200    200    200     200  200   200
/cases/new                                     login     403   403    200    200     403  403   403
/cases/bulletin                                login     403   200    200    403     403  403   403
/cases/{normal}                                login     200   200    200    200     200  200   200
/cases/{normal}/dossier                        login     200   200    200    200     200  200   200
/cases/{normal}/attachments/{normal_file}      login     200   200    200    200     200  200   200
/cases/{internal}                              login     404   200    200    200     404  404   404
/cases/{internal}/dossier                      login     404   200    200    200     404  404   404
/cases/{internal}/attachments/{internal_file}  login     404   200    200    200     404  404   404
/admin/users                                   login     200   403    403    403     403  403   403
/admin/users/new                               login     200   403    403    403     403  403   403
/admin/users/{user}                            login     200   403    403    403     403  403   403
/admin/departments                             login     200   403    403    403     403  403   403
/admin/departments/{dept}                      login     200   403    403    403     403  403   403
/admin/plugins                                 login     200   403    403    403     403  403   403
/admin/audit                                   login     200   403    200    403     403  403   403
/admin/audit/verify                            login     200   403    200    403     403  403   403
/admin/calendar                                login     200   403    200    403     403  403   403
"""

POST = """
route                                          anonymous admin leader office monitor head staff liaison
/logout                                        login     login login  login  login   login login login
/account/password                              login     ok    ok     ok     ok      ok   ok    ok
/notifications/read                            login     ok    ok     ok     ok      ok   ok    ok
/cases/new                                     login     403   403    ok     ok      403  403   403
/cases/{normal}/do/report                      login     ok    ok     ok     ok      ok   ok    ok
/cases/{internal}/do/reject                    login     404   ok     ok     ok      404  404   404
/admin/users/new                               login     ok    403    403    403     403  403   403
/admin/users/{user}                            login     ok    403    403    403     403  403   403
/admin/users/{user}/password                   login     ok    403    403    403     403  403   403
/admin/departments                             login     ok    403    403    403     403  403   403
/admin/departments/{dept}                      login     ok    403    403    403     403  403   403
/admin/calendar                                login     ok    403    ok     403     403  403   403
"""


def parse(table):
    lines = [line.split() for line in table.strip().splitlines()]
    header = lines[0][1:]
    assert header == USERS
    return {row[0]: dict(zip(header, row[1:])) for row in lines[1:]}


@pytest.fixture
def ids(app, db):
    with app.app_context():
        monitor = User.get(User.username == "monitor")
        normal = Case.get(Case.number.endswith("-0001"))
        internal = Case.get(Case.number.endswith("-0003"))
        assert internal.confidentiality == "internal" and internal.host_department_id is None
        files = {}
        for name, case in (("normal_file", normal), ("internal_file", internal)):
            upload = attachments.Upload(b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png", "截图.png")
            files[name] = workflow.attach(case, monitor, upload=upload, kind="screenshot").id
    return {"normal": normal.id, "internal": internal.id, "dept": Department.get(Department.name == "电力科").id,
            "user": User.get(User.username == "staff").id, **files}


def clients(app):
    made = {"anonymous": app.test_client()}
    for name in USERS[1:]:
        made[name] = app.test_client()
        assert made[name].login(name).status_code == 302
    return made


def outcome(response) -> str:
    if response.status_code == 302:
        location = response.headers["Location"]
        return "login" if location.startswith("/login") else ("home" if location == "/" else "ok")
    return str(response.status_code)


def test_get_matrix(app, ids):
    expected = parse(GET)
    users = clients(app)
    wrong = []
    for route, cells in expected.items():
        for user, want in cells.items():
            got = outcome(users[user].get(route.format(**ids)))
            if got != want:
                wrong.append(f"GET {route} as {user}: expected {want}, got {got}")
            if route == "/logout" and user != "anonymous":
                pass  # GET /logout only asks for confirmation
    assert wrong == []


def test_post_matrix(app, ids):
    expected = parse(POST)
    wrong = []
    for route, cells in expected.items():
        users = clients(app)  # fresh sessions: some of these log the user out
        for user, want in cells.items():
            got = outcome(users[user].post(route.format(**ids), data={"version": "0"}))
            got = "ok" if want == "ok" and got not in ("login", "403", "404") else got
            if got != want:
                wrong.append(f"POST {route} as {user}: expected {want}, got {got}")
    assert wrong == []


def test_every_route_is_in_the_matrix(app):
    rows = list(parse(GET)) + list(parse(POST))
    missing = [rule.rule for rule in app.url_map.iter_rules()
               if rule.endpoint != "static" and not any(_same_shape(rule.rule, row) for row in rows)]
    assert missing == [], "routes without a row in the authorization matrix"


def _same_shape(rule: str, row: str) -> bool:
    """/cases/<int:case_id>/do/<action> matches /cases/{normal}/do/report."""
    a, b = rule.strip("/").split("/"), row.strip("/").split("/")
    return len(a) == len(b) and all(x == y or x.startswith("<") for x, y in zip(a, b))
