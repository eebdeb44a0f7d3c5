"""The grading pages: the case panel, the forms behind the case actions, the thresholds."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN

from plugins.grading import chart, workflow
from plugins.grading.models import STAGES, Assessment, Grade, GradeChange, Review, Snapshot
from plugins.grading.rules import FLAGS, GRADE_LABELS, GRADES, Thresholds, rank
from portal.plugin_api import (public, requires, access, Case, WorkflowError, read_only,
                              flash_problems, User, StepView, run_step)


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


def case_context(case, step=None, form=None, snapshots=None) -> dict:
    """What the panel and the step pages show; ``steps``: those the user may take now (the
    buttons). On the page of ``step``: the step, its fields' values (``form`` as typed after a
    refusal, else their defaults) and, before any POST, why it may not be taken now.
    ``snapshots``: the case's heat, oldest first, when the page reads them all anyway (the panel)."""
    row, user = Grade.of(case), current_user._get_current_object()
    latest = Snapshot.latest(case) if snapshots is None else (snapshots[-1] if snapshots else None)
    context = dict(case=case, grade=row, latest=latest, thresholds=workflow.thresholds(),
                   review_state=workflow.review_state(case, row), FLAGS=FLAGS, GRADE_LABELS=GRADE_LABELS,
                   GRADES=GRADES, STAGES=STAGES, rank=rank, read_only=read_only(case),
                   steps=workflow.WORKFLOW.allowed_steps(case, user), form=form or {},
                   calendar_period=workflow.calendar_period(case, latest.observed_at if latest else None))
    if step:
        declared = workflow.WORKFLOW.step(step)
        context.update(step=declared, values=declared.shown(case, form),
                       refusal=None if form else workflow.WORKFLOW.refusal(case, user, step),
                       step_of=workflow.WORKFLOW.step,  # a page of two steps (记录热度与标记)
                       values_of=lambda name: workflow.WORKFLOW.step(name).shown(case, form if name == step else None))
    return context


@bp.route("/cases/<int:case_id>/panel")
@requires("case.view")
def panel(case_id):
    case = visible_case(case_id)
    snapshots = list(Snapshot.history(case))
    context = case_context(case, snapshots=snapshots)
    changes = (GradeChange.select(GradeChange, User).join(User, JOIN.LEFT_OUTER, on=(GradeChange.by == User.id))
               .where(GradeChange.case == case.id).order_by(GradeChange.id.desc()))
    return render_template(
        "grading/panel.html", snapshots=snapshots, charts=chart.build(snapshots, context["thresholds"]),
        changes=list(changes), assessments=list(Assessment.select().where(Assessment.case == case.id)
                                                 .order_by(Assessment.id.desc())),
        review=Review.get_or_none(Review.case == case.id), RESPONSE=RESPONSE, user=current_user, chart=chart, **context)


def _page(case_id, name, template):
    """A step on a page of its own: GET shows its form, POST runs it through the kit's generic
    view (portal.process.run_step): back to the case page, or the form again, as typed, with
    every problem (400). An archived case sends the user back to it with the reason."""
    case = visible_case(case_id)
    if reason := read_only(case):
        flash(reason, "error")
        return redirect(url_for("cases.detail", case_id=case.id))
    view = StepView(workflow.WORKFLOW, load=visible_case, page=template, partial=template, swaps=False,
                    context=lambda case, form: case_context(case, name, form),
                    url=lambda case: url_for("cases.detail", case_id=case.id))
    if request.method == "POST":
        return run_step(view, case_id, name)
    return view.render(case)


@bp.route("/cases/<int:case_id>/metrics", methods=["GET", "POST"])
@requires("grading.record")
def metrics(case_id):
    return _page(case_id, "flags" if request.form.get("form") == "flags" else "record", "grading/metrics.html")


@bp.route("/cases/<int:case_id>/assess", methods=["GET", "POST"])
@requires("grading.assess")
def assess(case_id):
    return _page(case_id, "assess", "grading/assess.html")


@bp.route("/cases/<int:case_id>/meeting", methods=["POST"])
@requires("grading.assess")
def meeting(case_id):
    """The panel's one button: back to the case page, with the step's message or its refusal."""
    case = visible_case(case_id)
    try:
        workflow.request_meeting(case, current_user._get_current_object())
    except WorkflowError as exc:
        flash(str(exc), "error")
    else:
        flash(workflow.WORKFLOW.step("meeting").success(case), "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/cases/<int:case_id>/escalate", methods=["GET", "POST"])
@requires("grading.assess")
def escalate(case_id):
    return _page(case_id, "escalate", "grading/escalate.html")


@bp.route("/cases/<int:case_id>/eliminate", methods=["GET", "POST"])
@requires("grading.assess")
def eliminate(case_id):
    return _page(case_id, "eliminate", "grading/eliminate.html")


@bp.route("/cases/<int:case_id>/grade", methods=["GET", "POST"])
@requires("grading.set_grade")
def set_grade(case_id):
    return _page(case_id, "set_grade", "grading/grade.html")


@bp.route("/cases/<int:case_id>/review", methods=["GET", "POST"])
@requires("grading.review")
def review(case_id):
    return _page(case_id, "review", "grading/review.html")


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
