"""The task queue: huey with its SQLite storage in the instance folder (nothing to install), or
Redis when ``QUEUE_URL=redis://…`` (several servers). ``portal worker`` consumes it."""
import logging
from pathlib import Path

from huey import RedisHuey, SqliteHuey, crontab

from portal import jobs

log = logging.getLogger("portal.jobs")


def make_queue(app):
    """The app's huey with its two tasks: a job (``portal.jobs.run``) and the scheduled check."""
    url = app.config.get("QUEUE_URL") or ""
    immediate = app.config.get("QUEUE_IMMEDIATE")
    if immediate is None:  # tests run jobs inside the request unless they ask for a consumer
        immediate = bool(app.config.get("TESTING"))
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey("portal", url=url, results=False, immediate=immediate)
    else:
        path = url.removeprefix("sqlite:///") if url else str(Path(app.instance_path) / "queue.db")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("portal", filename=path, results=False, immediate=immediate)

    @huey.task(name="portal.job")
    def run_job(job_id):
        jobs.run(app, job_id)

    huey.portal_run = run_job

    @huey.on_startup(name="portal.recover")
    def recover_on_start():  # a worker restarted after a crash takes back its jobs at once
        from portal.jobs.upkeep import recover

        with app.app_context():
            recover(app)

    if app.config.get("QUEUE_TICK", True):
        @huey.periodic_task(crontab(minute="*"), name="portal.tick")
        def tick():
            from portal.scheduled import scheduled_check

            with app.app_context():
                _, verdict = scheduled_check()
            if verdict is not None and not verdict.ok:
                log.error("审计日志校验未通过，检查点未更新：请运行 portal audit-verify 查看。")

    return huey


def describe(app) -> str:
    url = app.config.get("QUEUE_URL") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return f"Redis（{url.split('@')[-1]}）"
    return f"SQLite（{url.removeprefix('sqlite:///') or Path(app.instance_path) / 'queue.db'}）"
