"""Background jobs on a task queue (huey): long work leaves the web request (docs/jobs.md).

Declare a kind of job once, at import time of a core module or plugin::

    from portal import jobs

    @jobs.kind("exports.cases", can_access=lambda user, params: user.can("case.export"))
    def export_cases(ctx, year):
        ctx.progress(10, "正在读取事项……")
        ...
        return jobs.Result("2026年事项.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

then start it from a view and send the user to its page, which polls it through htmx::

    job = jobs.enqueue("exports.cases", owner=current_user, title="导出2026年事项", year=2026)
    return redirect(url_for("jobs.show", job_id=job.id))

The function runs in ``portal worker`` (the queue's consumer) inside a request context as the
job's owner (``current_user`` is the owner; templates render as for them), with a database
connection. Raise ``jobs.JobError("…")`` to fail with a message the user reads; any other
exception fails the job with a general message (the details go to the worker's log). Only the
owner sees the job, and only while ``can_access(user, params)`` still holds for them.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flask import current_app, g

from portal.db import database, now
from portal.jobs.models import Job

log = logging.getLogger("portal.jobs")

__all__ = ["JobError", "Kind", "Result", "enqueue", "kind", "kinds", "response", "result_path", "visible_job"]

FAILED = "处理失败：系统内部错误。请稍后重试；如问题持续，请联系系统管理员。"

_KINDS: dict[str, "Kind"] = {}


class JobError(RuntimeError):
    """The job cannot be done; the message is for the user."""


@dataclass(frozen=True)
class Kind:
    name: str
    run: Callable
    can_access: Callable  # (user, params) -> bool
    label: str = ""


@dataclass(frozen=True)
class Result:
    """A job's file: offered for download when the job is done."""
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


def kind(name: str, *, can_access: Callable, label: str = ""):
    """Declare a kind of job: ``fn(ctx, **params)`` returning a ``Result`` or None."""
    def decorate(fn):
        if name in _KINDS and _KINDS[name].run is not fn:
            raise ValueError(f"后台任务类型“{name}”被重复注册。")
        _KINDS[name] = Kind(name, fn, can_access, label)
        return fn
    return decorate


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def enqueue(kind_name: str, *, owner=None, title: str = "", reuse: bool = False, **params) -> Job:
    """Record a job and put it on the queue; returns its row (already finished in immediate mode).

    ``reuse``: when the owner already has this job queued or running, return that one instead of
    starting it twice (a second click on the same button)."""
    if kind_name not in _KINDS:
        raise KeyError(kind_name)
    encoded = json.dumps(params, sort_keys=True, ensure_ascii=False)
    if reuse:
        same = (Job.select().where((Job.kind == kind_name) & (Job.params == encoded)
                                   & (Job.owner == (owner.id if owner else None)) & Job.state.in_(("queued", "running")))
                .order_by(Job.id.desc()).first())
        if same is not None:
            return same
    with database.atomic():
        job = Job.create(kind=kind_name, owner=owner, params=encoded, title=title[:200], created_at=now())
    task_queue(current_app).portal_run(job.id)
    return Job.get_by_id(job.id)


def response(job: Job, *, download: bool = False):
    """What a request that started (or found) ``job`` answers: the file when the job is already
    done (a quick job, or the test suite's immediate mode), its failure, or its waiting page,
    which polls it and offers the file when done."""
    from flask import redirect, render_template, url_for

    from portal.downloads import send_download

    if job.state == "done" and (path := result_path(current_app, job)) is not None:
        return send_download(path, content_type=job.result_type, filename=job.result_name, attachment=download)
    if job.state == "failed":
        return render_template("error.html", status=500, title="处理失败", message=job.error), 500
    return redirect(url_for("jobs.show", job_id=job.id))


def task_queue(app):
    """The app's huey instance (``portal.jobs.queue``)."""
    return app.extensions["portal_queue"]


def visible_job(job_id: int, user) -> Job | None:
    """The job if ``user`` may see it: its owner, while the kind's rule still lets them."""
    job = Job.get_or_none(Job.id == job_id)
    if job is None or job.owner_id != user.id:
        return None
    spec = _KINDS.get(job.kind)
    if spec is None or not spec.can_access(user, job.arguments):
        return None
    return job


def jobs_folder(app) -> Path:
    """Where result files are kept: JOBS_DIR (shared by several servers), else <instance>/jobs."""
    return Path(app.config.get("JOBS_DIR") or Path(app.instance_path) / "jobs")


def result_path(app, job: Job) -> Path | None:
    if job.state != "done" or not job.result_file:
        return None
    path = jobs_folder(app) / job.result_file
    return path if path.is_file() else None


class Context:
    """What a running job works with: its row, and ``progress`` to report how far it got."""

    def __init__(self, app, job: Job):
        self.app = app
        self.job = job

    @property
    def owner(self):
        return self.job.owner

    def progress(self, percent: int, message: str = ""):
        percent = max(0, min(99, int(percent)))
        Job.update(progress=percent, message=message[:200], heartbeat_at=now()).where(
            (Job.id == self.job.id) & (Job.state == "running") & (Job.attempts == self.job.attempts)).execute()


def run(app, job_id: int):
    """Do one job (called by the queue's consumer). A job is claimed once: a second delivery of
    the same message finds it no longer queued and does nothing. While it runs, a heartbeat tells
    the scheduled check that its worker is alive (``portal.jobs.upkeep``); a job the check gave
    up on meanwhile (taken again, or failed) keeps what the check wrote."""
    from portal.jobs.upkeep import Heartbeat

    with app.app_context(), database.connection_context():
        claimed = (Job.update(state="running", started_at=now(), heartbeat_at=now(), progress=1,
                              attempts=Job.attempts + 1)
                   .where((Job.id == job_id) & (Job.state == "queued")).execute())
        if not claimed:
            return
        job = Job.get_by_id(job_id)
        mine = (Job.id == job_id) & (Job.state == "running") & (Job.attempts == job.attempts)
        spec = _KINDS.get(job.kind)
        try:
            if spec is None:
                raise JobError(f"无法处理此类任务（{job.kind}）：相应功能未启用。")
            with Heartbeat(app, job_id, job.attempts), app.test_request_context("/"):
                g._login_user = job.owner  # render as the person who asked (flask_login's current_user)
                result = spec.run(Context(app, job), **job.arguments)
            fields = _store(app, job, result) if result is not None else {}
            Job.update(state="done", progress=100, message="", finished_at=now(), **fields).where(mine).execute()
        except Exception as exc:
            from portal.documents.render import RenderError

            if isinstance(exc, (JobError, RenderError)):
                reason = str(exc)
            else:
                log.exception("后台任务 %s（%s）失败", job_id, job.kind)
                reason = FAILED
            Job.update(state="failed", error=reason, message="", finished_at=now()).where(mine).execute()


def _store(app, job: Job, result: Result) -> dict:
    folder = jobs_folder(app)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{job.id}-{secrets.token_hex(8)}"
    tmp = folder / f".{name}.tmp"
    tmp.write_bytes(result.data)
    os.replace(tmp, folder / name)
    return {"result_name": result.filename[:200], "result_file": name, "result_type": result.content_type[:100]}
