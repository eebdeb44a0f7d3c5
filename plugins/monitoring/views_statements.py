"""The monitoring desk's pages of approved statements (统一口径) and their panel on a case."""
from flask import abort, flash, redirect, render_template, request, url_for

from portal.plugin_api import InputError, User, access, case_or_404, current_user, flash_problems, requires

from plugins.monitoring import handling, statements
from plugins.monitoring.models import Statement, StatementVersion
from plugins.monitoring.views import bp


def statements_page(form=None, status=200):
    rows = list(Statement.select().order_by(Statement.id.desc()))
    return render_template("monitoring/statements.html", rows=rows, in_force=statements.in_force,
                           pending=statements.pending, fields=statements.NEW_FIELDS, form=form), status


@bp.route("/statements")
@requires("case.view")
def statement_list():
    return statements_page()


@bp.route("/statements", methods=["POST"])
@requires("monitoring.statement_draft")
def draft_statement():
    try:
        row = statements.draft(current_user._get_current_object(), request.form)
    except InputError as exc:
        flash_problems(exc)
        return statements_page(request.form, 400)
    flash(f"已起草统一口径“{row.title}”，待局领导审定。", "success")
    return redirect(url_for("monitoring.statement", statement_id=row.id))


def statement_or_404(statement_id) -> Statement:
    return Statement.get_or_none(Statement.id == statement_id) or abort(404)


@bp.route("/statements/<int:statement_id>")
@requires("case.view")
def statement(statement_id):
    row = statement_or_404(statement_id)
    versions = list(StatementVersion.select().where(StatementVersion.statement == row.id)
                    .order_by(StatementVersion.number.desc()))
    names = {u.id: u.name for u in User.select(User.id, User.name)}
    return render_template("monitoring/statement.html", row=row, versions=versions, names=names,
                           current=statements.in_force(row), pending=statements.pending(row), TEXT=statements.TEXT,
                           APPROVE=statements.APPROVE)


def _act(statement_id, run, done):
    row = statement_or_404(statement_id)
    try:
        run(row)
    except InputError as exc:
        flash_problems(exc)
        return redirect(url_for("monitoring.statement", statement_id=row.id)), 303
    flash(done, "success")
    return redirect(url_for("monitoring.statement", statement_id=row.id))


@bp.route("/statements/<int:statement_id>/versions", methods=["POST"])
@requires("monitoring.statement_draft")
def revise_statement(statement_id):
    return _act(statement_id, lambda r: statements.revise(r, current_user._get_current_object(), request.form),
                "已起草新版本，待局领导审定。")


@bp.route("/statements/<int:statement_id>/approve", methods=["POST"])
@requires("monitoring.statement_approve")
def approve_statement(statement_id):
    return _act(statement_id, lambda r: statements.approve(r, current_user._get_current_object(), request.form),
                "已审定；此前的版本同时废止。")


@bp.route("/statements/<int:statement_id>/withdraw", methods=["POST"])
@requires("monitoring.statement_approve")
def withdraw_statement(statement_id):
    return _act(statement_id, lambda r: statements.withdraw(r, current_user._get_current_object()), "已废止该口径。")


@bp.route("/cases/<int:case_id>/statements")
@requires("case.view")
def case_statements(case_id):
    case = case_or_404(case_id, current_user)
    may_choose = (case.state in statements.CHOOSE_STATES and not access.register_only(case)
                  and handling.may_handle(case, current_user))
    return render_template("monitoring/case_statements.html", case=case, found=statements.for_case(case),
                           choices=statements.choices_for(case) if may_choose else [])


@bp.route("/cases/<int:case_id>/statements/choose", methods=["POST"])
@requires("monitoring.handle")
def choose_statement(case_id):
    case = case_or_404(case_id, current_user)
    try:
        version = statements.choose(case, current_user._get_current_object(), request.form)
    except InputError as exc:
        flash_problems(exc)
        return redirect(url_for("cases.detail", case_id=case.id)), 303
    flash(f"已选用统一口径“{version.statement.title}”第{version.number}版，请据此撰写回复稿。", "success")
    return redirect(url_for("cases.detail", case_id=case.id))
