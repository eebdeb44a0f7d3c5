"""A job whose worker died (killed mid-job) is taken again by the next worker, or, after
``JOBS_ATTEMPTS`` tries, fails with a reason in Chinese; its page says so meanwhile. Result files
are deleted after ``JOBS_RETENTION_DAYS`` by the scheduled check (portal.jobs.upkeep)."""
import os
import time
from datetime import timedelta

from portal.audit import AuditEvent
from portal.db import database, now
from portal.jobs import jobs_folder
from portal.jobs.models import Job
from portal.jobs.upkeep import STALLED
from portal.org.models import User
from portal.scheduled import scheduled_check
from tests.core.test_jobs import start_consumer, stop, wait_for
from tests.fixtures import make_app


def _enqueue(app, kind, **params):
    from flask_login import login_user

    from portal import jobs

    with app.test_request_context(), database.connection_context():
        leader = User.get(User.username == "leader")
        login_user(leader)
        return jobs.enqueue(kind, owner=leader, title="测试任务", **params)


def _row(app, job_id):
    with app.app_context(), database.connection_context():
        return Job.get_by_id(job_id)


def test_a_job_whose_worker_was_killed_is_taken_again(tmp_path, demo_template, monkeypatch):
    monkeypatch.setenv("PORTAL_JOBS_HEARTBEAT", "0.2")  # the consumers read these too
    monkeypatch.setenv("PORTAL_JOBS_STUCK_AFTER", "2")
    app = make_app(tmp_path, demo_template, QUEUE_IMMEDIATE=False)
    leader = app.test_client()
    assert leader.login("leader").status_code == 302
    gate = tmp_path / "gate"
    job = _enqueue(app, "tests.gated", gate=str(gate))

    first = start_consumer(app)
    try:
        running = wait_for(app, job.id, {"running"}, first)
        deadline = time.monotonic() + 30
        while (beat := _row(app, job.id)).heartbeat_at <= running.heartbeat_at:  # the worker's sign of life
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.1)
        assert "正在处理" in leader.get(f"/jobs/{job.id}").get_data(as_text=True)
    finally:
        first.kill()  # SIGKILL mid-job: no chance to tidy up
        first.wait()
    assert _row(app, job.id).state == "running"

    deadline = time.monotonic() + 30  # no heartbeat for JOBS_STUCK_AFTER: the page says what happened
    while STALLED not in (page := leader.get(f"/jobs/{job.id}", headers={"HX-Request": "true"}).get_data(as_text=True)):
        assert time.monotonic() < deadline, page
        time.sleep(0.2)
    assert 'hx-trigger="every 1s"' in page  # and keeps polling

    gate.touch()
    second = start_consumer(app)  # a worker starting takes back the dead worker's job
    try:
        done = wait_for(app, job.id, {"done", "failed"}, second)
    finally:
        stop(second)
    assert done.state == "done" and done.attempts == 2 and beat.heartbeat_at < done.finished_at
    assert "已完成：放行.txt" in leader.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert leader.get(f"/jobs/{job.id}/file").get_data(as_text=True) == "已放行"
    with app.app_context(), database.connection_context():
        assert AuditEvent.select().where((AuditEvent.action == "job.interrupted")
                                         & (AuditEvent.object_id == job.id)).count() == 1


def test_the_scheduled_check_retries_once_then_fails_with_a_reason(app, db, tmp_path):
    (gate := tmp_path / "open").touch()
    leader = app.test_client()
    assert leader.login("leader").status_code == 302
    long_ago = now() - timedelta(minutes=10)
    jobs = {}
    for name, attempts, beat in (("gave_up", 2, long_ago), ("retried", 1, long_ago), ("alive", 1, now())):
        jobs[name] = Job.create(kind="tests.gated", owner=User.get(User.username == "leader"), title=name,
                                params=f'{{"gate": "{gate}"}}', state="running", attempts=attempts,
                                started_at=long_ago, heartbeat_at=beat, created_at=long_ago)
    assert STALLED in leader.get(f"/jobs/{jobs['gave_up'].id}").get_data(as_text=True)
    assert STALLED not in leader.get(f"/jobs/{jobs['alive'].id}").get_data(as_text=True)

    with app.app_context():
        fired, _ = scheduled_check()
    assert fired["中断后重新排队的后台任务"] == 1 and fired["中断后失败的后台任务"] == 1

    gave_up = Job.get_by_id(jobs["gave_up"].id)
    assert gave_up.state == "failed" and gave_up.attempts == 2
    page = leader.get(f"/jobs/{gave_up.id}").get_data(as_text=True)
    assert "处理中断：后台处理程序在处理此任务时意外停止（共处理2次，均未完成）" in page and "请重新发起" in page
    retried = Job.get_by_id(jobs["retried"].id)  # the test suite's queue runs it at once
    assert (retried.state, retried.attempts) == ("done", 2)
    assert Job.get_by_id(jobs["alive"].id).state == "running"
    with app.app_context():
        again, _ = scheduled_check()
    assert "中断后失败的后台任务" not in again  # each is handled once
    assert AuditEvent.select().where(AuditEvent.action == "job.interrupted").count() == 2


def test_result_files_are_deleted_after_the_retention_period(app, db):
    leader = app.test_client()
    assert leader.login("leader").status_code == 302
    folder = jobs_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    owner = User.get(User.username == "leader")
    days = app.config["JOBS_RETENTION_DAYS"]
    made = {}
    for name, finished in (("old", now() - timedelta(days=days, hours=1)), ("recent", now() - timedelta(days=days - 1))):
        made[name] = Job.create(kind="tests.gated", owner=owner, params='{"gate": "x"}', state="done", progress=100,
                                result_name=f"{name}.txt", result_file=f"{name}-file", result_type="text/plain",
                                created_at=finished, finished_at=finished)
        (folder / f"{name}-file").write_text(name)
    stray = folder / "99-abandoned"  # a worker killed after writing, before recording it
    stray.write_text("x")
    old = time.time() - (days + 1) * 86400
    os.utime(stray, (old, old))
    writing = folder / ".100-now.tmp"  # a worker writing one right now
    writing.write_text("x")

    with app.app_context():
        fired, _ = scheduled_check()
    assert fired["清理过期的后台任务结果文件"] == 2
    assert sorted(p.name for p in folder.iterdir()) == [".100-now.tmp", "recent-file"]
    page = leader.get(f"/jobs/{made['old'].id}").get_data(as_text=True)
    assert "已完成，但结果文件已被清理。请重新生成。" in page
    assert leader.get(f"/jobs/{made['old'].id}/file").status_code == 404
    assert leader.get(f"/jobs/{made['recent'].id}/file").get_data(as_text=True) == "recent"
