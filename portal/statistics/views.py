"""The statistics page: a period's figures for the bureau or a department, the assessment
ranking, charts with their numbers, and the plugins' figures (``portal_statistics``)."""
import io

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user

from portal import jobs
from portal.auth.permissions import Permission, requires
from portal.cases import queries
from portal.db import now
from portal.downloads import send_download
from portal.hookspecs import hookimpl
from portal.inputs import bounded_day, bounded_id
from portal.org.models import Department
from portal.plugins import NavItem, collect
from portal.statistics import charts, definitions as d, ledger, report, tables, workbook

bp = Blueprint("statistics", __name__, url_prefix="/statistics", template_folder="templates")

PERMISSIONS = [
    Permission("statistics.view", "查看统计（本科室）", ("dept_head",), scope="department",
               everywhere=("leader", "office")),
    Permission("statistics.view_all", "查看全局统计与考核排名", ("leader", "office")),
]


@hookimpl
def portal_blueprints():
    return bp


@hookimpl
def portal_permissions():
    return PERMISSIONS


@hookimpl
def portal_documents():
    return report.kind()


@hookimpl
def portal_nav_items(user):
    if user.can("statistics.view"):
        return NavItem("统计", "/statistics/", order=50)
    return None


def chosen_period(user) -> tables.Period:
    """The period and department asked for; a department head sees their own department only."""
    today = now().date()
    start = bounded_day(request.args.get("from"), today.replace(day=1))
    end = bounded_day(request.args.get("to"), today)
    if end < start:
        start, end = end, start
    department_id = bounded_id(request.args.get("department"))
    if not user.can("statistics.view_all"):
        department_id = department_id or user.department_id
        if not department_id:
            abort(403)
    if department_id and not user.can("statistics.view", department=department_id):
        abort(403)
    if department_id and Department.get_or_none(Department.id == department_id) is None:
        abort(404)
    return tables.Period(start, end, department_id)


def chart_of(statistic) -> str | None:
    rows = [(label, number) for label, number, _ in statistic.rows]
    if not statistic.chart or not rows:
        return None
    svg = charts.pie(rows) if statistic.chart == "pie" else charts.bar(rows, horizontal=statistic.chart == "hbar")
    return charts.data_uri(svg)


def page_figures(user, period):
    """Everything the page shows, also what its workbook holds."""
    at = now()
    if user.can("statistics.view_all") and not period.department_id:
        summary, ranking = d.bureau_and_ranking(period.start, period.end, at=at)
    else:
        summary, ranking = d.bureau(period.start, period.end, department_id=period.department_id, at=at), []
    pm = current_app.extensions["portal_pm"]
    found = tables.breakdowns(period) + collect(pm.hook.portal_statistics, start=period.start, end=period.end,
                                                department_id=period.department_id, user=user)
    return at, summary, ranking, sorted(found, key=lambda s: s.order)


@bp.route("/")
@requires("statistics.view")
def index():
    user = current_user._get_current_object()
    period = chosen_period(user)
    at, summary, ranking, found = page_figures(user, period)
    bulletin_url = (url_for("casepages.bulletin", **{"from": period.start.isoformat(), "to": period.end.isoformat()})
                    if user.can("case.bulletin") else None)
    ranked = [(row, tables.links(period, row.department_id, bulletin_url) if row.department_id else {})
              for row in ranking]
    rows = [(row.department, round(row.on_time_rate * 100, 1)) for row in ranking
            if row.department_id and row.on_time_rate is not None]
    ranking_chart = charts.data_uri(charts.bar(rows, horizontal=True)) if rows else None
    departments = (list(Department.listed()) if user.can("statistics.view_all")
                   else [Department.get_by_id(period.department_id)])
    return render_template(
        "statistics/index.html", period=period, summary=summary, ranking=ranked, ranking_chart=ranking_chart,
        links=tables.links(period, period.department_id, bulletin_url), statistics=[(s, chart_of(s)) for s in found],
        definitions=d.DEFINITIONS, departments=departments, hours=tables.hours, rate=tables.rate, at=at,
        workbook_args=request.args.to_dict())


@bp.route("/figures.xlsx")
@requires("statistics.view")
def figures_workbook():
    """The page's figures and tables as Excel (aggregates only: written in the request)."""
    user = current_user._get_current_object()
    period = chosen_period(user)
    at, summary, ranking, found = page_figures(user, period)
    data = workbook.write(period, summary, ranking, found)
    name = f"舆情统计{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    return send_download(io.BytesIO(data), content_type=ledger.XLSX, filename=name)


# The ledger (台账): any case list as Excel, made in the background ---------------------------

LEDGER_ARGS = ("state", "department", "category", "source", "due", "from", "to", "q", "sort", "supervised", "host",
               "outcome")


def _filter(user, args) -> queries.CaseFilter:
    options = collect(current_app.extensions["portal_pm"].hook.portal_case_filters, user=user)
    return queries.CaseFilter.from_args(args, options)


@jobs.kind("statistics.ledger", can_access=lambda user, params: user.can("case.view"), label="导出台账")
def ledger_job(ctx, args):
    user = ctx.owner
    ctx.progress(2, "正在查找事项……")

    def progress(done, total):
        ctx.progress(2 + 95 * done // max(total, 1), f"已写入 {done} / {total} 件")

    data, _ = ledger.export_bytes(_filter(user, args), user, progress)
    return jobs.Result(ledger.filename(now()), data, ledger.XLSX)


@bp.route("/ledger", methods=["POST"])
@requires("case.view")
def export_ledger():
    """The case list's filters (the form's hidden fields) as a ledger job; its page shows the progress."""
    user = current_user._get_current_object()
    options = collect(current_app.extensions["portal_pm"].hook.portal_case_filters, user=user)
    names = LEDGER_ARGS + tuple(o.name for o in options)
    args = {name: request.form[name][:200] for name in names if request.form.get(name)}
    job = jobs.enqueue("statistics.ledger", owner=user, title="导出舆情事项台账（Excel）", reuse=True, args=args)
    return jobs.response(job, download=True)
