"""Every route × every role × anonymous, against one readable table.

Cells: 200 / 403 / 404 as the status expected, `login` for a redirect to the login page,
`home` for a redirect home (a successful logout also lands on the login page), `ok` (POST)
for anything the access check lets through (the step itself may still refuse the input).
{normal} is an ordinary case, {internal} an 内部 case registered by `monitor` and not yet
assigned, {normal_file} / {internal_file} their attachments. A core route missing from the table fails the test: declare who may use it.
Plugins keep their own table beside their tests, with the same machinery (tests/matrix.py).
"""
import pytest

from portal import uploads
from portal.cases import workflow
from portal.cases.models import Case
from portal.org.models import Department, User, WorkingGroup
from tests.matrix import check_get, check_post, unlisted_routes


def finished_job(app, owner, case_id):
    """A finished PDF job of ``owner`` about the dossier of ``case_id``, with its file."""
    import json

    from portal.db import now
    from portal.jobs import jobs_folder
    from portal.jobs.models import Job

    folder = jobs_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    job = Job.create(kind="documents.pdf", owner=owner, params=json.dumps({"kind": "cases.dossier", "object_id": case_id}),
                     state="done", progress=100, result_name="案卷.pdf", result_file=f"matrix-{case_id}",
                     result_type="application/pdf", created_at=now(), finished_at=now())
    (folder / job.result_file).write_bytes(b"%PDF-1.7 matrix")
    return job

GET = """
route                                          anonymous admin leader office monitor head staff liaison
/healthz                                       200       200   200    200    200     200  200   200
/favicon.ico                                   200       200   200    200    200     200  200   200
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
/cases/check-link                              login     403   403    200    200     403  403   403
/cases/check-link?url=https://bbs.example.cn/thread/1000  login  403   403    200    200     403  403   403
/cases/bulletin                                login     403   200    200    403     403  403   403
/cases/{normal}                                login     200   200    200    200     200  200   200
/cases/{normal}/dossier                        login     200   200    200    200     200  200   200
/cases/{normal}/attachments/{normal_file}      login     200   200    200    200     200  200   200
/cases/{normal}/attachments/{normal_file}?preview=1  login     200   200    200    200     200  200   200
/cases/{internal}                              login     404   200    200    200     404  404   404
/cases/{internal}/dossier                      login     404   200    200    200     404  404   404
/cases/{internal}/attachments/{internal_file}  login     404   200    200    200     404  404   404
/cases/{internal}/attachments/{internal_file}?preview=1  login     404   200    200    200     404  404   404
/admin/users                                   login     200   403    403    403     403  403   403
/admin/users/new                               login     200   403    403    403     403  403   403
/admin/users/{user}                            login     200   403    403    403     403  403   403
/admin/departments                             login     200   403    403    403     403  403   403
/admin/departments/{dept}                      login     200   403    403    403     403  403   403
/admin/plugins                                 login     200   403    403    403     403  403   403
/admin/plugins/circulars/settings              login     404   403    403    403     403  403   403
/admin/identity                                login     200   403    403    403     403  403   403
/bureau/logo                                   404       404   404    404    404     404  404   404
/admin/groups                                  login     200   403    403    403     403  403   403
/admin/groups/{group}                          login     200   403    403    403     403  403   403
/admin/audit                                   login     200   403    200    403     403  403   403
/admin/audit/verify                            login     200   403    200    403     403  403   403
/admin/calendar                                login     200   403    200    403     403  403   403
/admin/fonts                                   login     200   403    403    403     403  403   403
/admin/seals                                   login     200   403    403    403     403  403   403
/documents/cases.dossier/{normal}.pdf          login     200   200    200    200     200  200   200
/documents/cases.dossier/{internal}.pdf        login     404   200    200    200     404  404   404
/documents/no.such.kind/{normal}.pdf           login     404   404    404    404     404  404   404
/jobs/{job}                                    login     404   200    404    404     404  404   404
/search                                        login     200   200    200    200     200  200   200
/search?q=停电                                 login     200   200    200    200     200  200   200
/statistics/                                   login     403   200    200    403     200  403   403
/statistics/?department={dept}                 login     403   200    200    403     200  403   403
/statistics/?department={other}                login     403   200    200    403     403  403   403
/statistics/?department=999999                 login     403   404    404    403     403  403   403
/statistics/figures.xlsx                       login     403   200    200    403     200  403   403
/statistics/figures.xlsx?department={other}    login     403   200    200    403     403  403   403
/jobs/{job}/file                               login     404   200    404    404     404  404   404
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
/admin/groups                                  login     ok    403    403    403     403  403   403
/admin/groups/{group}                          login     ok    403    403    403     403  403   403
/admin/groups/{group}/members                  login     ok    403    403    403     403  403   403
/admin/groups/{group}/members/{member}         login     ok    403    403    403     403  403   403
/admin/groups/{group}/members/{member}/delete  login     ok    403    403    403     403  403   403
/admin/groups/{group}/delete                   login     ok    403    403    403     403  403   403
/admin/calendar                                login     ok    403    ok     403     403  403   403
/admin/fonts/refresh                           login     ok    403    403    403     403  403   403
/admin/seals                                   login     400   403    403    403     403  403   403
/admin/seals/remove                            login     ok    403    403    403     403  403   403
/admin/plugins/circulars/state                 login     ok    403    403    403     403  403   403
/admin/plugins/circulars/settings              login     404   403    403    403     403  403   403
/admin/identity                                login     ok    403    403    403     403  403   403
/statistics/ledger                             login     ok    ok     ok     ok      ok   ok    ok
"""


@pytest.fixture
def ids(app, db):
    with app.app_context():
        monitor = User.get(User.username == "monitor")
        normal = Case.get(Case.number.endswith("-0001"))
        internal = Case.get(Case.number.endswith("-0003"))
        assert internal.confidentiality == "internal" and internal.host_department_id is None
        files = {}
        for name, case in (("normal_file", normal), ("internal_file", internal)):
            upload = uploads.Upload(b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png", "截图.png")
            files[name] = workflow.attach(case, monitor, upload=upload, kind="screenshot").id
        job = finished_job(app, User.get(User.username == "leader"), internal.id)
    return {"job": job.id, "normal": normal.id, "internal": internal.id, "dept": Department.get(Department.name == "电力科").id,
            "other": Department.get(Department.name == "煤炭科").id,
            "user": User.get(User.username == "staff").id, **files,
            "group": (group := WorkingGroup.get(WorkingGroup.code == "response_group")).id,
            "member": group.members.first().id}


def test_get_matrix(app, ids):
    assert check_get(app, GET, ids) == []


def test_post_matrix(app, ids):
    assert check_post(app, POST, ids) == []


def core_blueprints(app) -> set[str]:
    """Blueprints of the core (plugins keep their own table beside their tests)."""
    return {name for name, bp in app.blueprints.items() if bp.import_name.startswith("portal.")}


def test_every_core_route_is_in_the_matrix(app):
    assert unlisted_routes(app, [GET, POST], core_blueprints(app)) == [], \
        "routes without a row in the authorization matrix"
