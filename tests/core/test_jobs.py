"""Background jobs (portal.jobs): on huey's SQLite storage and on Redis, run by a real consumer
process (``portal worker``) that a web server restarted meanwhile still hands its files to; the
job page polled through htmx; failures in Chinese; only the owner, and only while they may see
what the job is about."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.cases.models import Case
from portal.db import database
from portal.jobs.models import Job
from portal.org.models import User
from tests.core import job_kinds  # the test's kinds of job, here and in the consumer
from tests.fixtures import make_app

# CI runs the SQLite and PostgreSQL passes side by side: each gives its own Redis database.
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
ROOT = Path(__file__).resolve().parents[2]


def redis_or_skip():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any reason Redis is not there
        pytest.skip(f"Redis 不可用（{REDIS_URL}：{exc}）：跳过 Redis 队列的测试")
    client.flushdb()
    return client


def start_consumer(app):
    """``portal worker`` as its own process, on the app's instance folder, database and queue."""
    env = dict(os.environ, PORTAL_INSTANCE_PATH=app.instance_path, PORTAL_DATABASE_URL=app.config["DATABASE_URL"],
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    if app.config.get("QUEUE_URL"):
        env["PORTAL_QUEUE_URL"] = app.config["QUEUE_URL"]
    code = (f"import sys; import {job_kinds.__name__}; from portal.cli import main; "
            "sys.argv = ['portal', 'worker', '--no-tick', '--workers', '2']; main()")
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(app, job_id, states, consumer, limit=120):
    """The job's row once it is in one of ``states`` (the consumer is a real process: poll it)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with app.app_context(), database.connection_context():
            job = Job.get_by_id(job_id)
        if job.state in states:
            return job
        if consumer.poll() is not None:
            pytest.fail(f"the consumer stopped: {consumer.stdout.read()}")
        time.sleep(0.1)
    pytest.fail(f"job {job_id} still {job.state}")


def stop(consumer):
    consumer.terminate()
    try:
        out, _ = consumer.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        consumer.kill()
        out, _ = consumer.communicate()
    return out


@pytest.fixture(params=["sqlite", "redis"])
def queued_app(request, tmp_path, demo_template):
    """A web server whose jobs wait for a consumer: huey's SQLite storage in the instance folder,
    or Redis database 6."""
    config = {"QUEUE_IMMEDIATE": False}
    if request.param == "redis":
        redis_or_skip()
        config["QUEUE_URL"] = REDIS_URL
    return make_app(tmp_path, demo_template, **config), config


def test_jobs_wait_for_the_worker_survive_a_restart_and_report_progress(queued_app, tmp_path, demo_template):
    from pypdf import PdfReader
    import io

    app, config = queued_app
    leader = app.test_client()
    assert leader.login("leader").status_code == 302
    with app.app_context(), database.connection_context():
        case = Case.get(Case.number.endswith("-0003"))  # 内部: the leader may see it, the admin not
    asked = leader.get(f"/documents/cases.dossier/{case.id}.pdf")
    assert asked.status_code == 302 and asked.headers["Location"].startswith("/jobs/")
    dossier_url = asked.headers["Location"]
    again = leader.get(f"/documents/cases.dossier/{case.id}.pdf")
    assert again.headers["Location"] == dossier_url  # a second click waits for the same job
    page = leader.get(dossier_url).get_data(as_text=True)
    assert "排队中" in page and 'hx-trigger="every 1s"' in page and "portal worker" in page
    gate = tmp_path / "gate"
    with app.test_request_context():
        from flask_login import login_user

        from portal import jobs

        with database.connection_context():
            login_user(User.get(User.username == "leader"))
            gated = jobs.enqueue("tests.gated", owner=User.get(User.username == "leader"), title="测试任务", gate=str(gate))
            refused = jobs.enqueue("tests.refused", owner=User.get(User.username == "leader"), reason="来源文件格式不对：第3行缺少日期。")
            crashed = jobs.enqueue("tests.crashes", owner=User.get(User.username == "leader"))

    # the web server restarts (a new app, same instance, database and queue); then a consumer starts
    app = _restarted(app, config)
    leader = app.test_client()
    assert leader.login("leader").status_code == 302
    consumer = start_consumer(app)
    try:
        wait_for(app, gated.id, {"running"}, consumer)
        deadline = time.monotonic() + 60
        while "50" not in (fragment := leader.get(f"/jobs/{gated.id}", headers={"HX-Request": "true"}).get_data(as_text=True)):
            assert time.monotonic() < deadline, fragment
            time.sleep(0.1)
        assert "正在处理：等待测试放行" in fragment and 'value="50"' in fragment and "<html" not in fragment
        gate.touch()
        done = wait_for(app, gated.id, {"done", "failed"}, consumer)
        assert done.state == "done", done.error
        dossier_job = wait_for(app, int(dossier_url.rsplit("/", 1)[1]), {"done", "failed"}, consumer)
        assert dossier_job.state == "done", dossier_job.error
        wait_for(app, refused.id, {"failed"}, consumer)
        wait_for(app, crashed.id, {"failed"}, consumer)
    finally:
        log = stop(consumer)
    assert "后台任务处理程序已启动" in log

    fragment = leader.get(f"/jobs/{gated.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "已完成：放行.txt" in fragment and "hx-trigger" not in fragment  # polling stops
    assert leader.get(f"/jobs/{gated.id}/file").get_data(as_text=True) == "已放行"
    page = leader.get(dossier_url).get_data(as_text=True)
    assert f"已完成：案卷 {case.number}.pdf" in page
    pdf = leader.get(f"{dossier_url}/file?download=1")
    assert pdf.mimetype == "application/pdf" and "attachment" in pdf.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert case.title[:8] in text
    # the worker's PDF went into the cache: the next request is answered at once
    cached = leader.get(f"/documents/cases.dossier/{case.id}.pdf")
    assert cached.status_code == 200 and cached.mimetype == "application/pdf"
    assert "来源文件格式不对：第3行缺少日期。" in leader.get(f"/jobs/{refused.id}").get_data(as_text=True)
    crash_page = leader.get(f"/jobs/{crashed.id}").get_data(as_text=True)
    assert "处理失败：系统内部错误" in crash_page and "internal detail" not in crash_page

    admin = app.test_client()
    assert admin.login("admin").status_code == 302
    for url in (dossier_url, f"{dossier_url}/file", f"/jobs/{gated.id}", f"/jobs/{gated.id}/file"):
        assert admin.get(url).status_code == 404  # someone else's job is as if none


def _restarted(app, config):
    from portal import create_app

    from tests.fixtures import PortalClient

    if not database.is_closed():
        database.close()
    settings = {"INSTANCE_PATH": app.instance_path, "TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], **config}
    restarted = create_app(settings)
    restarted.test_client_class = PortalClient
    return restarted


def test_who_may_not_see_the_case_can_neither_start_nor_fetch(app, db):
    """The admin may not see an unassigned 内部 case: no job is started for them; one they started
    before (when they still could, say) shows nothing now."""
    from tests.core.test_authorization_matrix import finished_job

    admin = app.test_client()
    assert admin.login("admin").status_code == 302
    with app.app_context():
        case = Case.get(Case.number.endswith("-0003"))
        before = Job.select().count()
        job = finished_job(app, User.get(User.username == "admin"), case.id)
    assert admin.get(f"/documents/cases.dossier/{case.id}.pdf").status_code == 404
    with app.app_context():
        assert Job.select().count() == before + 1
    assert admin.get(f"/jobs/{job.id}").status_code == 404
    assert admin.get(f"/jobs/{job.id}/file").status_code == 404


def test_immediate_mode_answers_with_the_file(app, db):
    """The test suite's immediate mode (and any job finished at once) answers the request with the file."""
    leader = app.test_client()
    assert leader.login("leader").status_code == 302
    with app.app_context():
        case = Case.get(Case.number.endswith("-0001"))
    response = leader.get(f"/documents/cases.dossier/{case.id}.pdf?download=1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    with app.app_context():
        job = Job.select().order_by(Job.id.desc()).first()
        assert (job.kind, job.state, job.progress, job.owner.username) == ("documents.pdf", "done", 100, "leader")


def test_the_scheduled_check_is_a_periodic_task(app):
    huey = app.extensions["portal_queue"]
    names = {task.__name__ for task in huey._registry._registry.values()}
    assert {"portal.job", "portal.tick"} <= names
    assert [t.__name__ for t in huey._registry._periodic_tasks] == ["portal.tick"]
