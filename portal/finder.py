"""Search everywhere (全站搜索): one box, every kind of record — cases here, the plugins' records
(circulars, meeting items …) through ``portal_search`` — each result labelled with its kind.

Each kind answers with its own visibility rule: cases through the case list's own search (its
index and ``visible``), so a case a reader may not see is never found, titled or counted here.
"""
from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user

from portal.auth.permissions import requires
from portal.cases import queries
from portal.cases.deadlines import view as deadline_view
from portal.hookspecs import hookimpl
from portal.inputs import clean_text
from portal.plugins import NavItem, SearchHit, flatten

bp = Blueprint("search", __name__, url_prefix="/search")
SEARCH_LIMIT = 20  # per kind: the full list of a kind is its own page (the case list for cases)


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_nav_items(user):
    return NavItem("搜索", "/search", order=15)


@hookimpl
def portal_search(q, user):
    if not user.can("case.view"):
        return []
    f = queries.CaseFilter(q=q, sort="newest")
    hits = []
    for case in queries.rows_of(queries.search(f, user).limit(SEARCH_LIMIT)):
        host = case.host_department.name if case.host_department_id else "尚未批办"
        hits.append(SearchHit("舆情事项", f"{case.number} {case.title}", url_for("cases.detail", case_id=case.id),
                              f"{case.state_label} · {host} · 发帖 {case.posted_at:%Y-%m-%d}"
                              f" · {deadline_view(case).label}", order=10))
    return hits


@bp.route("")
@requires()
def index():
    q = clean_text(request.args.get("q", "")).strip()[:100]
    groups: dict[str, list] = {}
    if q:
        pm = current_app.extensions["portal_pm"]
        found = flatten(pm.hook.portal_search(q=q, user=current_user._get_current_object()))
        for hit in sorted(found, key=lambda h: h.order):
            groups.setdefault(hit.kind, []).append(hit)
    more = url_for("cases.index", q=q) if q and len(groups.get("舆情事项", [])) >= SEARCH_LIMIT else None
    return render_template("search.html", q=q, groups=groups, limit=SEARCH_LIMIT, more_cases=more)
