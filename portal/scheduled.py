"""The scheduled check: every minute from the queue's worker (``portal worker``, a periodic task)
or from cron (``portal tick``): the core's reply deadlines first, then every plugin's
``portal_tick``, then the audit log's checkpoint."""
from datetime import datetime

from flask import current_app

from portal.cases import workflow
from portal.db import analyze, database, is_sqlite, now
from portal.plugins import flatten


def tick(at: datetime | None = None) -> dict[str, int]:
    """Fire the core's deadline events, then let plugins send what is due at ``at``.

    Returns ``{"due_soon": n, "overdue": n}`` and, for each plugin report, ``{label: n}``.
    """
    at = at or now()
    fired = dict(workflow.tick(at))
    for report in flatten(current_app.extensions["portal_pm"].hook.portal_tick(at=at)):
        for label, count in report.items():
            fired[label] = fired.get(label, 0) + count
    return fired


LOCK_KEY = 1_900_019  # PostgreSQL advisory lock of the scheduled check


def scheduled_check():
    """What runs every minute: ``tick``, fresh planner statistics on SQLite (PostgreSQL's
    autovacuum keeps its own), the jobs' upkeep (a job whose worker died, old result files;
    ``portal.jobs.upkeep``), the audit checkpoint. Returns (fired, the audit verdict or None).

    Several servers (or workers) running it at once: each reminder is claimed by one of them
    (a conditional UPDATE in ``workflow.tick``); on PostgreSQL an advisory lock also lets only
    one run the whole check at a time, plugins' reminders included; the others skip this minute."""
    from portal.audit_anchor import advance
    from portal.jobs.upkeep import upkeep

    with database.connection_context():
        if not is_sqlite() and not database.execute_sql("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
            return {"due_soon": 0, "overdue": 0}, None
        try:
            fired = tick()
            fired.update(upkeep(current_app))
            if is_sqlite():
                analyze()
            verdict = advance()
        finally:
            if not is_sqlite():
                database.execute_sql("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    return fired, verdict
