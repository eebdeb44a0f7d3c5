"""The scheduled check (`portal tick`, every minute from cron; at most once a minute on page loads):
the core's reply deadlines first, then every plugin's ``portal_tick``."""
from datetime import datetime

from flask import current_app

from portal.cases import workflow
from portal.db import now
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
