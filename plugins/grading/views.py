"""The grading pages: the case panel, the forms behind the case actions, the thresholds."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN

from plugins.grading import chart, workflow
from plugins.grading.models import STAGES, Assessment, Grade, GradeChange, Review, Snapshot
from plugins.grading.rules import FLAGS, GRADE_LABELS, GRADES, Thresholds, rank
from portal.plugin_api import (public, requires, access, form_text as text, Case, WorkflowError, read_only,
                              flash_problems, User)


class GradingBlueprint(Blueprint):
    @public
    def send_static_file(self, filename):
        """The plugin's stylesheet is as public as the core's static files."""
        return super().send_static_file(filename)


bp = GradingBlueprint("grading", __name__, template_folder="templates", static_folder="static")

# What each grade asks for, after 预案四.
RESPONSE = {
    "general": "由信息中心提供信息、办公室作出研判并将结果反馈局领导；密切监控舆情走向，正面引导、疏导，直至舆情消除。"
               "若不能消除或还有扩大迹象，应及时上报局领导，按重大舆情应对处置流程办理（提级处置）。",
    "major": "由信息中心提供信息、办公室作出研判并将结果反馈局领导；局领导召开紧急会议研判并制定应对方案；"
             "密切监控舆情走向，正面引导、疏导，直至舆情消除。处置结束后进行后期处置（总结评估）。",
}
RESPONSE["critical"] = RESPONSE["major"]


def visible_case(case_id) -> Case:
    return access.case_or_404(case_id, current_user)


def case_context(case) -> dict:
    row = Grade.of(case)
    return dict(case=case, grade=row, latest=Snapshot.latest(case), thresholds=workflow.thresholds(),
                review_state=workflow.review_state(case, row), FLAGS=FLAGS, GRADE_LABELS=GRADE_LABELS,
                GRADES=GRADES, STAGES=STAGES, rank=rank, read_only=read_only(case))


@bp.route("/cases/<int:case_id>/panel")
@requires("case.view")
def panel(case_id):
    case = visible_case(case_id)
    context = case_context(case)
    snapshots = list(Snapshot.history(case))
    changes = (GradeChange.select(GradeChange, User).join(User, JOIN.LEFT_OUTER, on=(GradeChange.by == User.id))
               .where(GradeChange.case == case.id).order_by(GradeChange.id.desc()))
    return render_template(
        "grading/panel.html", snapshots=snapshots, charts=chart.build(snapshots, context["thresholds"]),
        changes=list(changes), assessments=list(Assessment.select().where(Assessment.case == case.id)
                                                 .order_by(Assessment.id.desc())),
        review=Review.get_or_none(Review.case == case.id), RESPONSE=RESPONSE, user=current_user, chart=chart, **context)


def _form(case_id, template, run, done):
    """GET shows the form; POST runs ``run(case, user, form)`` and goes back to the case page,
    or shows the form again, as typed, with the reason it was refused."""
    case = visible_case(case_id)
    if reason := read_only(case):
        flash(reason, "error")
        return redirect(url_for("cases.detail", case_id=case.id))
    if request.method == "POST":
        try:
            message = run(case, current_user._get_current_object(), request.form)
        except WorkflowError as exc:
            flash_problems(exc)
            return render_template(template, form=request.form, **case_context(case)), 400
        flash(message or done, "success")
        return redirect(url_for("cases.detail", case_id=case.id))
    return render_template(template, form={}, **case_context(case))


def _snapshot(case, user, form):
    workflow.record_snapshot(case, user, clicks=form.get("clicks"), comments=form.get("comments"),
                             reposts=form.get("reposts"), heat_index=form.get("heat_index"),
                             observed_at=form.get("observed_at", ""), note=text(form, "note"))
    row = Grade.of(case)
    return f"热度已记录。当前分级：{row.label}。"


def _flags(case, user, form):
    changed = workflow.set_flags(case, user, form.getlist("flags"))
    if not changed:
        return "标记没有变化。"
    return f"标记已保存。当前分级：{Grade.of(case).label}。"


@bp.route("/cases/<int:case_id>/metrics", methods=["GET", "POST"])
@requires("grading.record")
def metrics(case_id):
    run = _flags if request.form.get("form") == "flags" else _snapshot
    return _form(case_id, "grading/metrics.html", run, "")


@bp.route("/cases/<int:case_id>/assess", methods=["GET", "POST"])
@requires("grading.assess")
def assess(case_id):
    def run(case, user, form):
        workflow.assess(case, user, content=text(form, "content"), attention=text(form, "attention"),
                        commenters=form.get("commenters"), heat_index=form.get("heat_index"),
                        stage=form.get("stage"), impact=text(form, "impact"), response=text(form, "response"),
                        request_meeting=form.get("request_meeting") == "1")
        row = Grade.of(case)
        if row and row.meeting_requested_at and form.get("request_meeting") == "1":
            return "研判已保存，已提请局领导召开紧急会议。"
        return "研判已保存。"
    return _form(case_id, "grading/assess.html", run, "")


@bp.route("/cases/<int:case_id>/meeting", methods=["POST"])
@requires("grading.assess")
def meeting(case_id):
    case = visible_case(case_id)
    try:
        workflow.request_meeting(case, current_user._get_current_object())
    except WorkflowError as exc:
        flash(str(exc), "error")
    else:
        flash("已提请局领导召开紧急会议，并已通知局领导。", "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/cases/<int:case_id>/escalate", methods=["GET", "POST"])
@requires("grading.assess")
def escalate(case_id):
    def run(case, user, form):
        workflow.escalate(case, user, reason=text(form, "reason"))
    return _form(case_id, "grading/escalate.html", run, "已提级，按重大舆情应对处置流程办理，并已报告局领导。")


@bp.route("/cases/<int:case_id>/eliminate", methods=["GET", "POST"])
@requires("grading.assess")
def eliminate(case_id):
    def run(case, user, form):
        workflow.declare_eliminated(case, user, note=text(form, "note"))
    return _form(case_id, "grading/eliminate.html", run, "已宣布舆情消除/趋于平稳。")


@bp.route("/cases/<int:case_id>/grade", methods=["GET", "POST"])
@requires("grading.set_grade")
def set_grade(case_id):
    def run(case, user, form):
        row = workflow.set_grade(case, user, grade=form.get("grade", ""), reason=text(form, "reason"))
        return f"已人工定级为{row.label}。"
    return _form(case_id, "grading/grade.html", run, "")


@bp.route("/cases/<int:case_id>/review", methods=["GET", "POST"])
@requires("grading.review")
def review(case_id):
    def run(case, user, form):
        workflow.record_review(case, user, **{k: text(form, k) for k in
                                              ("summary", "worked", "failed", "rewards", "plan_changes")})
    return _form(case_id, "grading/review.html", run, "后期处置（总结评估）已保存。")


@bp.route("/settings", methods=["GET", "POST"])
@requires("grading.settings")
def settings():
    form, status = {}, 200
    if request.method == "POST":
        try:
            workflow.save_thresholds(current_user._get_current_object(), request.form)
        except WorkflowError as exc:
            flash_problems(exc)
            form, status = request.form, 400
        else:
            flash("分级标准已保存，自下次记录热度或修改标记时起适用。", "success")
            return redirect(url_for("grading.settings"))
    return render_template("grading/settings.html", thresholds=workflow.thresholds(), form=form,
                           LABELS=Thresholds.LABELS, names=Thresholds.names(), FLAGS=FLAGS), status
