"""The grading pages: the case panel, the forms behind the case actions, the thresholds."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN, SQL, fn

from plugins.grading import chart, workflow
from plugins.grading.models import STAGES, Assessment, Grade, GradeChange, Snapshot
from plugins.grading.rules import FLAGS, GRADE_LABELS, GRADES, Thresholds, rank
from portal.plugin_api import (public, requires, access, Case, WorkflowError, read_only,
                              flash_problems, User, StepView, run_step, compiled, Param)


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


READ = object()  # case_context's default: the grade row, read


def case_context(case, step=None, form=None, snapshots=None, row=READ) -> dict:
    """What the panel and the step pages show; ``steps``: those the user may take now (the
    buttons). On the page of ``step``: the step, its fields' values (``form`` as typed after a
    refusal, else their defaults) and, before any POST, why it may not be taken now.
    ``snapshots``: the case's heat, oldest first, and ``row``: its grade, when the page has read
    them already (the panel)."""
    row = Grade.of(case) if row is READ else row
    Grade.keep(case, row)  # for the steps' guards: this page changes nothing
    user = current_user._get_current_object()
    latest = Snapshot.latest(case) if snapshots is None else (snapshots[-1] if snapshots else None)
    context = dict(case=case, grade=row, latest=latest, review_state=workflow.review_state(case, row),
                   FLAGS=FLAGS, GRADE_LABELS=GRADE_LABELS, GRADES=GRADES, STAGES=STAGES, rank=rank,
                   read_only=read_only(case), steps=workflow.WORKFLOW.allowed_steps(case, user), form=form or {},
                   # the thresholds are shown on the steps' pages (the rule) and drawn on the heat's charts:
                   # none for a panel without heat; the calendar's period only beside a grade
                   thresholds=None if snapshots == [] else workflow.thresholds(),
                   calendar_period=row and workflow.calendar_period(case, latest.observed_at if latest else None))
    if step:
        declared = workflow.WORKFLOW.step(step)
        context.update(step=declared, values=declared.shown(case, form),
                       refusal=None if form else workflow.WORKFLOW.refusal(case, user, step),
                       step_of=workflow.WORKFLOW.step,  # a page of two steps (记录热度与标记)
                       values_of=lambda name: workflow.WORKFLOW.step(name).shown(case, form if name == step else None))
    return context


def panel_columns() -> list:
    """What the panel reads with its case (``access.case_or_404``'s ``more``): whether the case has
    a grade and 研判. Heat, grade changes and a review are written only with the grade row
    (workflow._lock), so an ungraded case has none."""
    return [fn.EXISTS(model.select(SQL("1")).where(model.case == Case.id)).alias(f"has_{name}")
            for name, model in (("grade", Grade), ("assessments", Assessment))]


@bp.route("/cases/<int:case_id>/panel")
@requires("case.view")
def panel(case_id):
    case = access.case_or_404(case_id, current_user, more=("grading.panel", panel_columns))
    has = case.__dict__.get  # what the case was read with, where it was (PostgreSQL)
    row = Grade.with_people(case) if has("has_grade", True) else None
    snapshots = Snapshot.history(case) if row else []
    context = case_context(case, snapshots=snapshots, row=row)
    changes = list(compiled("grading.changes", lambda: GradeChange.select(GradeChange, User.id, User.name)
                            .join(User, JOIN.LEFT_OUTER, on=(GradeChange.by == User.id))
                            .where(GradeChange.case == Param("case")).order_by(GradeChange.id.desc()),
                            case=case.id)) if row else []
    assessments = list(compiled("grading.assessments", lambda: Assessment.select(Assessment, User.id, User.name)
                                .join(User).where(Assessment.case == Param("case")).order_by(Assessment.id.desc()),
                                case=case.id)) if has("has_assessments", True) else []
    return render_template(
        "grading/panel.html", snapshots=snapshots, charts=chart.build(snapshots, context["thresholds"]),
        changes=changes, assessments=assessments, review=row and row.review, RESPONSE=RESPONSE,
        user=current_user, chart=chart, **context)


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
