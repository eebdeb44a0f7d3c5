"""The one event path of every workflow: ``emit`` tells the plugins (``portal_record_event``)
what happened to a record, inside the step's transaction."""
from flask import current_app


def emit(workflow, record, event: str, actor=None, **data):
    """``workflow``: the ``portal.process.Workflow`` the record goes through (plugins match on
    ``workflow.name``); ``event``: what happened ("submitted", "signed" …); ``actor``: the user,
    None when the portal acted on its own; ``data``: the step's details. A plugin that raises
    aborts the step."""
    current_app.extensions["portal_pm"].hook.portal_record_event(
        workflow=workflow, record=record, event=event, actor=actor, data=data)
