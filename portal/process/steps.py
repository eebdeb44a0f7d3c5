"""Steps and workflows: who may take which step of a record, and if not, why (in Chinese).

A guard is ``guard(record, user) -> str | None``: the reason the step is refused, or None.
The core declares a step's own guards; plugins add theirs through ``portal_step_guards``.
``Workflow.refusal`` is the one answer: the page shows the steps it allows, the step itself
raises the reason it gives, word for word.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app, has_app_context

from portal.process import fields as form_fields
from portal.process.errors import Stale, WorkflowError
from portal.process.fields import Field
from portal.process.records import bump

Guard = Callable[[object, object], str | None]


def quiet(guard: Guard) -> Guard:
    """Mark a guard whose refusal the page need not explain beside the missing button (e.g. "no
    extension is pending": the leader has nothing to decide). Its refusal still answers a POST."""
    guard.quiet = True
    return guard


@dataclass(frozen=True)
class Step:
    name: str
    label: str  # the verb in refusals: "不能{label}", "您没有对该事项{label}的权限"
    states: tuple[str, ...]  # taken from these states only
    permission: str
    leads_to: str | None = None  # the state it leads to; None when the state stays
    relation: Callable[[object, object], bool] | None = None  # the user's tie to the record (host department …)
    guards: tuple[Guard, ...] = ()
    confirm: str = ""  # an irreversible step: the sentence the user must tick to take it
    style: str = "primary"  # the button: "primary" or "danger"
    multipart: bool = False  # its form carries files (also when one of its fields is a file)
    # What the generic view (portal.process.views) and the step form need:
    fields: tuple[Field, ...] = ()
    title: str = ""  # the panel's heading; default: the label
    button: str = ""  # the button's text; default: the label
    done: str | Callable[[object], str] = ""  # the success message; "{record.number}" is filled in
    hint: str = ""  # a sentence under the heading
    partial: str = ""  # a template shown in the step's panel above its form (e.g. the pending request)
    run: Callable | None = None  # run(record, user, version, values): the effect, in its own transaction
    versioned: bool = True  # its form carries the record's version (a stale one is refused)

    @property
    def heading(self) -> str:
        return self.title or self.label

    @property
    def button_text(self) -> str:
        return self.button or self.label

    @property
    def takes_files(self) -> bool:
        return self.multipart or any(f.kind == "file" for f in self.fields)

    def success(self, record) -> str:
        return self.done(record) if callable(self.done) else self.done.format(record=record)

    def shown(self, record, form=None) -> dict:
        """{field: value} the step's form shows: as typed when ``form`` (this step's refused
        POST) is given, else each field's default."""
        if form:
            return {f.name: form_fields.typed(form, f) for f in self.fields}
        return {f.name: f.initial(record) for f in self.fields}

    def confirmation_refusal(self, confirmed: bool) -> str | None:
        if self.confirm and not confirmed:
            return f"{self.label}后不能撤销。请先勾选“{self.confirm}”，再点{self.label}。"
        return None


@dataclass
class Workflow:
    """``name``: what plugins match in ``portal_step_guards`` and ``portal_workflow_steps``.
    ``sees(record, user)``: whether the user may know of the record at all. ``read_only(record)``:
    the reason no step may be taken any more (an archived case), or None. ``noun``: "该事项",
    "该文件" in the messages. ``offline(record)``: the sentence shown in the forms of a record
    whose content is kept off the portal (a 涉密 case), whose fields marked ``content`` then
    refuse any text with ``offline_refusal``."""
    name: str
    steps: dict[str, Step]
    noun: str = "该记录"
    sees: Callable[[object, object], bool] = lambda record, user: True
    read_only: Callable[[object], str | None] = lambda record: None
    stale: type[Stale] = Stale
    error: type[WorkflowError] = WorkflowError
    state_label: Callable[[object], str] = field(default=lambda record: record.state_label)
    no_permission: str = "您没有对{noun}{label}的权限。"
    offline: Callable[[object], str | None] = lambda record: None
    offline_refusal: str = "{label}不能在本系统填写。"

    @classmethod
    def of(cls, name, steps: list[Step], **options) -> "Workflow":
        return cls(name, {s.name: s for s in steps}, **options)

    def _hook(self):
        if has_app_context() and "portal_pm" in current_app.extensions:
            return current_app.extensions["portal_pm"].hook
        return None

    def all_steps(self) -> dict[str, Step]:
        """The owner's steps, then those plugins add (``portal_workflow_steps``), in order."""
        hook = self._hook()
        if hook is None:
            return self.steps
        merged = dict(self.steps)
        for found in hook.portal_workflow_steps(workflow=self):
            for step in found or ():
                merged.setdefault(step.name, step)
        return merged

    def step(self, name: str) -> Step:
        """Step ``name``, the owner's or a plugin's; KeyError for none."""
        return self.steps[name] if name in self.steps else self.all_steps()[name]

    def read(self, record, name: str, form, files=None, problems=None) -> dict:
        """The clean values of step ``name``'s fields from ``form``, or ``error`` with every problem."""
        reason = self.offline(record) if record is not None else None
        return form_fields.read(self.step(name).fields, form, files, record=record, problems=problems,
                                barred=self.offline_refusal if reason else None, error=self.error)

    def guards(self, step: Step) -> list[Guard]:
        """The step's own guards, then those plugins add."""
        extra, hook = [], self._hook()
        if hook is not None:
            for found in hook.portal_step_guards(workflow=self, step=step):
                extra.extend(found or ())
        return list(step.guards) + extra

    def _permitted(self, record, user, step: Step, seen) -> bool:
        if not user.can(step.permission):
            return False
        if not (self.sees(record, user) if seen is None else seen):
            return False
        return step.relation is None or step.relation(record, user)

    def refusal(self, record, user, name: str, *, seen: bool | None = None) -> str | None:
        """Why ``user`` may not take step ``name`` of ``record`` now; None when they may.
        ``seen``: ``sees`` already answered by the caller."""
        step = self.step(name)
        reason = self.read_only(record)
        if reason:
            return reason
        if record.state not in step.states:
            return f"{self.noun}当前状态为“{self.state_label(record)}”，不能{step.label}。"
        if not self._permitted(record, user, step, seen):
            return self.no_permission.format(noun=self.noun, label=step.label)
        return next((reason for guard in self.guards(step) if (reason := guard(record, user))), None)

    def allowed(self, record, user, name: str, *, seen: bool | None = None) -> bool:
        return self.refusal(record, user, name, seen=seen) is None

    def allowed_steps(self, record, user) -> list[str]:
        """The steps ``user`` may take now, in declared order: the buttons of the page."""
        seen = self.sees(record, user)  # once, not once per step
        return [name for name in self.all_steps() if self.allowed(record, user, name, seen=seen)]

    def withheld(self, record, user) -> dict[str, str]:
        """{step: reason} for the steps of the current state that ``user`` would take but a guard
        refuses (quiet guards aside): the page says why their button is missing."""
        seen = self.sees(record, user)
        out = {}
        if self.read_only(record) or not seen:
            return out
        for name, step in self.all_steps().items():
            if record.state not in step.states or not self._permitted(record, user, step, seen):
                continue
            for guard in self.guards(step):
                if reason := guard(record, user):
                    if not getattr(guard, "quiet", False):
                        out[name] = reason
                    break
        return out

    def check(self, record, user, name: str, version=None, *, confirmed: bool | None = None):
        """Raise the refusal of step ``name`` (a stale ``version`` first), or return the step."""
        if version is not None and str(version) != str(record.version):
            raise self.stale()
        reason = self.refusal(record, user, name)
        step = self.step(name)
        if not reason and confirmed is not None:
            reason = step.confirmation_refusal(confirmed)
        if reason:
            raise self.error(reason)
        return step

    def advance(self, record, version, name: str, **changes):
        """The versioned write of step ``name`` (inside its transaction): ``changes`` and the state
        the step leads to, if ``record`` is still at ``version``; else ``stale`` is raised."""
        step = self.step(name)
        if step.leads_to:
            changes["state"] = step.leads_to
        return bump(record, version, self.stale, **changes)
