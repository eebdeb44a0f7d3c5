"""Keeping the job table honest: a job whose worker died, and result files past their time.

A running job's worker touches ``heartbeat_at`` every ``JOBS_HEARTBEAT`` seconds (a thread beside
the job). A running job that has not been touched for ``JOBS_STUCK_AFTER`` seconds lost its
worker (killed, out of memory, the machine restarted): it goes back on the queue, or, once it has
been taken ``JOBS_ATTEMPTS`` times, fails with a reason the user reads. A job the worker killed
by itself (a document too large for memory) fails that way instead of killing every worker in turn.

Result files live ``JOBS_RETENTION_DAYS`` days after the job finished; the row stays, and its
page says the file was cleaned up. Both run in the scheduled check (every minute, from the
queue worker or cron) and when a worker starts.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from peewee import fn

from portal import audit
from portal.db import database, now
from portal.jobs.models import Job

log = logging.getLogger("portal.jobs")

INTERRUPTED = ("处理中断：后台处理程序在处理此任务时意外停止（共处理{attempts}次，均未完成）。"
               "请重新发起；如问题反复出现，请联系系统管理员检查后台处理程序（portal worker）。")
RETRYING = "后台处理程序意外停止，任务已重新排队（第{attempt}次处理）。"
STALLED = "后台处理程序已停止响应（可能已被重启或终止）。任务将在处理程序恢复后自动重新开始，无需重新发起。"


def _last_sign(job: Job) -> datetime | None:
    return job.heartbeat_at or job.started_at


def stalled(app, job: Job, at: datetime | None = None) -> bool:
    """Whether ``job`` is running without a worker (its page says so before the check acts)."""
    sign = _last_sign(job)
    return (job.state == "running" and sign is not None
            and sign < (at or now()) - timedelta(seconds=float(app.config["JOBS_STUCK_AFTER"])))


def recover(app, at: datetime | None = None) -> dict[str, int]:
    """Retry, or fail, every running job whose worker stopped beating. Each job is changed by one
    caller only (a conditional UPDATE on the attempt it saw), whoever else runs this at once."""
    from portal.jobs import task_queue

    at = at or now()
    limit = at - timedelta(seconds=float(app.config["JOBS_STUCK_AFTER"]))
    most = int(app.config["JOBS_ATTEMPTS"])
    counts = {"retried": 0, "failed": 0}
    with database.connection_context():
        stuck = list(Job.select().where((Job.state == "running")
                                        & (fn.COALESCE(Job.heartbeat_at, Job.started_at) < limit)))
        for job in stuck:
            same = (Job.id == job.id) & (Job.state == "running") & (Job.attempts == job.attempts)
            retry = job.attempts < most
            with database.atomic():
                if retry:
                    changed = Job.update(state="queued", progress=0, heartbeat_at=None,
                                         message=RETRYING.format(attempt=job.attempts + 1)).where(same).execute()
                else:
                    changed = Job.update(state="failed", message="", finished_at=at,
                                         error=INTERRUPTED.format(attempts=job.attempts)).where(same).execute()
                if changed:
                    audit.record("job.interrupted", f"后台任务 #{job.id}（{job.kind}）的处理程序意外停止，"
                                 + ("已重新排队" if retry else "不再重试，任务失败"),
                                 actor=None, object_type="job", object_id=job.id, attempts=job.attempts)
            if changed:
                counts["retried" if retry else "failed"] += 1
                log.warning("后台任务 %s（%s）的处理程序意外停止：%s", job.id, job.kind, "重新排队" if retry else "任务失败")
                if retry:
                    task_queue(app).portal_run(job.id)
    return counts


def clean_up(app, at: datetime | None = None) -> int:
    """Delete result files kept longer than the retention period, and files no job row names
    (a worker killed while writing one). Returns the number of files deleted."""
    from portal.jobs import jobs_folder

    at = at or now()
    folder = jobs_folder(app)
    if not folder.is_dir():
        return 0
    limit = at - timedelta(days=float(app.config["JOBS_RETENTION_DAYS"]))
    with database.connection_context():
        expired = {name for (name,) in Job.select(Job.result_file).where(
            (Job.result_file != "") & Job.finished_at.is_null(False) & (Job.finished_at < limit)).tuples()}
        kept = {name for (name,) in Job.select(Job.result_file).where(Job.result_file != "").tuples()} - expired
    old = limit.timestamp()  # an unknown file older than the period
    deleted = 0
    for path in folder.iterdir():
        if path.name in kept or not path.is_file():
            continue
        if path.name in expired or path.stat().st_mtime < old:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


def upkeep(app, at: datetime | None = None) -> dict[str, int]:
    """What the scheduled check does for jobs: ``{label: n}`` for ``portal tick`` to print."""
    counts = recover(app, at)
    cleaned = clean_up(app, at)
    return {label: n for label, n in (("中断后重新排队的后台任务", counts["retried"]),
                                      ("中断后失败的后台任务", counts["failed"]),
                                      ("清理过期的后台任务结果文件", cleaned)) if n}


class Heartbeat:
    """Touches a running job's row every ``JOBS_HEARTBEAT`` seconds until the job ends."""

    def __init__(self, app, job_id: int, attempt: int):
        self.interval = float(app.config["JOBS_HEARTBEAT"])
        self.where = (Job.id == job_id) & (Job.state == "running") & (Job.attempts == attempt)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()

    def _beat(self):
        while not self.stopped.wait(self.interval):
            try:
                with database.connection_context():
                    Job.update(heartbeat_at=now()).where(self.where).execute()
            except Exception:  # noqa: BLE001 - a missed beat is retried; the job goes on
                log.exception("后台任务心跳写入失败")
