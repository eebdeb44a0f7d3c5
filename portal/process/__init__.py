"""The process kit: how a workflow of the portal declares itself (docs/plugins.md, "Anatomy of a
workflow plugin"). Cases (portal.cases.workflow) and the circulars plugin are built on it.

- ``Step`` and ``Workflow`` (steps.py): each step's states, permission, relation to the record,
  guards, confirmation, style; the buttons shown and the refusal of a forced POST both come from
  ``Workflow.refusal``.
- ``Field`` and ``read`` (fields.py): a step's form fields declared once: they read the form
  (every problem at once), render it (templates/process/_macros.html) and feed the
  hostile-input tests.
- ``StepView`` and ``run_step`` (views.py): the one view that runs any step from a POST.
- ``bump``, ``lock``, ``next_number`` (records.py): the version check, the row lock and
  gap-free yearly numbering of a versioned record.
- ``emit`` (events.py): the one event path of every workflow; plugins hear it through
  ``portal_record_event``.
- ``notify`` (portal.cases.events.notify): the one way to tell people about a case.
"""
from portal.process.errors import Stale, WorkflowError
from portal.process.events import emit
from portal.process.fields import Field, read
from portal.process.records import bump, lock, next_number
from portal.process.steps import Step, Workflow, quiet
from portal.process.views import StepView, partial_request, run_step

__all__ = ["Field", "Stale", "Step", "StepView", "Workflow", "WorkflowError", "bump", "emit", "lock", "next_number",
           "notify", "partial_request", "quiet", "read", "run_step"]


def notify(case, users, kind, message, actor=None) -> int:
    """portal.cases.events.notify: only those who may see the case are told, never the actor;
    ``case`` None: a reminder about no case, told to every user listed but the actor."""
    from portal.cases.events import notify as notify_case

    return notify_case(case, users, kind, message, actor)
