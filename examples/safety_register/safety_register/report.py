"""The monthly register as a PDF: /documents/safety.monthly/<YYYYMM>.pdf (docs/documents.md)."""
from datetime import datetime

from flask import render_template

from portal.plugin_api import now

from safety_register.models import SafetyRisk


def month_of(object_id: int) -> datetime:
    """202611 → 2026-11-01; anything else is no document (LookupError)."""
    year, month = divmod(object_id, 100)
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise LookupError(object_id)
    return datetime(year, month, 1)


def render(object_id: int) -> str:
    start = month_of(object_id)
    end = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    # what was open at some time in the month: registered before its end, not resolved before its start
    risks = (SafetyRisk.select()
             .where((SafetyRisk.registered_at < end)
                    & (SafetyRisk.resolved_at.is_null() | (SafetyRisk.resolved_at >= start)))
             .order_by(SafetyRisk.registered_at))
    return render_template("safety/monthly.html", risks=list(risks), start=start, end=end, printed_at=now())


def can_view(user, object_id: int) -> bool:
    try:
        month_of(object_id)
    except LookupError:
        return False
    return user.can("safety.view")


def title(object_id: int) -> str:
    start = month_of(object_id)
    return f"安全生产舆情风险台账（{start.year}年{start.month}月）"
