"""One view that runs any declared step of a workflow from a POST (the owner's steps and those
plugins add): the step's form read through its fields, its refusal, the stale version, the
success message, an htmx partial or a full page. A workflow's blueprint routes to it:

    STEPS_VIEW = StepView(WORKFLOW, load=visible_case, page="cases/detail.html",
                          partial="cases/_case.html", context=case_context,
                          url=lambda case: url_for("cases.detail", case_id=case.id))

    @bp.route("/<int:case_id>/do/<action>", methods=["POST"])
    @requires("case.view")  # each step checks its own permission in the workflow
    def act(case_id, action):
        return run_step(STEPS_VIEW, case_id, action)
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask import abort, flash, g, redirect, render_template, request
from flask_login import current_user

from portal.inputs import InputError, flash_problems
from portal.process.steps import Workflow


def partial_request() -> bool:
    """An htmx request for part of a page (not a history restore, which needs the whole page)."""
    return bool(getattr(request, "htmx", False)) and not request.headers.get("HX-History-Restore-Request")


@dataclass(frozen=True)
class StepView:
    """``load(id)``: the record the user may see, else abort(404). ``context(record, form)``: the
    page's template context (``form``: the values to show again after a refusal, or None).
    ``url(record)``: where a taken step sends a browser without htmx. ``refused``: exceptions
    besides InputError whose message is a refusal for the user (a PDF that cannot be made …)."""
    workflow: Workflow
    load: Callable[[int], object]
    page: str
    partial: str
    context: Callable[[object, object], dict]
    url: Callable[[object], str]
    refused: tuple[type[Exception], ...] = ()
    swaps: bool = True  # False: a step on a page of its own, never swapped in by htmx

    def swapped(self) -> bool:
        """Answer with the partial: an htmx request, to a view whose pages htmx swaps."""
        return self.swaps and partial_request()

    def reload(self, record):
        return type(record).get_by_id(record.id)

    def render(self, record, form=None, status=200):
        template = self.partial if self.swapped() else self.page
        return render_template(template, **self.context(record, form)), status


def take(view: StepView, record, name: str):
    """Check, read and run step ``name`` of ``record`` for the current user; raise its refusal."""
    workflow, form = view.workflow, request.form
    step = workflow.step(name)
    user = current_user._get_current_object()
    version = form.get("version", "") if step.versioned else None
    confirmed = form.get("confirm") == "1" if step.confirm else None
    workflow.check(record, user, name, version, confirmed=confirmed)
    values = workflow.read(record, name, form, request.files)
    if step.confirm:
        values["confirmed"] = confirmed
    step.run(record, user, version, values)
    return step


def run_step(view: StepView, record_id, name: str):
    """POST /<record>/do/<step>: 404 for a step the workflow does not have; a refusal is the page
    again with every problem flashed and the form as typed (400; 409 when stale; an htmx
    request gets the partial, 200, for htmx to swap); a taken step flashes its message."""
    record = view.load(record_id)
    try:
        view.workflow.step(name)
    except KeyError:
        abort(404)
    g.process_step = name  # the step form that shows the refused values again (process/_step.html)
    try:
        step = take(view, record, name)
    except (InputError, *view.refused) as exc:
        if isinstance(exc, InputError):
            flash_problems(exc)
        else:
            flash(str(exc), "error")
        status = 409 if isinstance(exc, view.workflow.stale) else 400
        return view.render(view.reload(record), request.form, 200 if view.swapped() else status)
    flash(step.success(record), "success")
    if view.swapped():
        return view.render(view.reload(record))
    return redirect(view.url(record))
