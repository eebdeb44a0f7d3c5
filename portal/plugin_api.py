"""The public plugin API: import everything a plugin needs from here, and nothing else of the core.

    from portal.plugin_api import hookimpl, NavItem, Permission, requires, BaseModel, now

The promise: every name in ``__all__`` keeps its meaning and its call signature. A name may be
removed or changed only after a release in which it still works and warns
(``DeprecationWarning``) with its replacement, and a note in docs/plugins.md ("Stability").
New names and new keyword arguments with a default may come at any time. Everything else in
``portal.*`` is the core's own and may change without notice; a test
(tests/core/test_plugin_api.py) checks that the plugins in this repository (``plugins/``,
``examples/``) import nothing else. The process kit (``portal.process``) is re-exported whole,
so what it gains comes along.

docs/plugins.md is the tutorial and the hook reference.
"""
from flask_login import current_user

from portal import audit, documents, jobs, settings
from portal import process as _process
from portal.audit import AuditEvent, record
from portal.auth.permissions import Permission, PluginError, public, requires
from portal.cases import access
from portal.cases import queries as case_queries
from portal.cases.access import can_see, case_or_404, visible
from portal.cases.queries import bulletin
from portal.cases.events import emit as emit_case_event
from portal.cases.events import users_with_roles
from portal.cases.links import link_key
from portal.cases.forms import text as form_text
from portal.cases.models import (CATEGORIES, ENDED_STATES, OPEN_STATES, SOURCES, STATES, UNARCHIVED_STATES, Case,
                                 Notification)
from portal.cases.workflow import read_only
from portal.cases.workflow import register as register_case
from portal.db import BaseModel, IdsIn, Param, compiled, database, now, params
from portal.documents.gongwen import SECRECY, URGENCY, Attachment, Gongwen, chinese_date, document_number, secrecy_mark
from portal.downloads import send_download
from portal.hookspecs import hookimpl
from portal.identity import identity, prefix_problem
from portal.inputs import (InputError, PortalForm, Problems, bounded_day, bounded_id, clean_text, flash_problems,
                           optional, parse_datetime, required, safe_next, whole_number)
from portal.org.models import WORKING_KINDS, Department, User
from portal.plugins import (ApprovedStatement, CaseAction, CaseFilterOption, DocumentKind, EvidenceRef, LedgerColumn,
                            NavItem, Panel, ReportSection, SearchHit, Section, Statistic, Widget, answering,
                            approved_statements, evidence_references, id_url, sensitive_period)
from portal.statistics import definitions as case_statistics
from portal.settings import SettingField, get_setting, get_settings, set_setting
from portal.uploads import read_upload

# the process kit, whole: every name portal.process exports (Step, Workflow, bump, notify …)
globals().update({name: getattr(_process, name) for name in _process.__all__})

__all__ = [
    # hooks and what they return
    "hookimpl", "NavItem", "Widget", "Section", "Panel", "CaseAction", "CaseFilterOption", "DocumentKind",
    "Statistic", "LedgerColumn", "ReportSection", "SearchHit", "PluginError",
    # a record's address from its id, for the rows of a list (one url_for, not one per row)
    "id_url", "compiled", "Param", "params", "IdsIn",
    # who may do what
    "Permission", "requires", "public", "current_user", "User", "Department", "WORKING_KINDS", "users_with_roles",
    # the database
    "BaseModel", "database", "now",
    # input and its problems
    "Problems", "InputError", "required", "optional", "PortalForm", "flash_problems", "form_text", "clean_text",
    "parse_datetime",
    "whole_number", "bounded_id", "bounded_day", "safe_next", "read_upload", "send_download",
    # the audit log and settings
    "audit", "record", "AuditEvent", "get_setting", "get_settings", "set_setting", "settings", "SettingField",
    # the bureau's identity (its name, 发文机关, 机关代字 …: /admin/identity)
    "identity", "prefix_problem",
    # cases and the one visibility rule
    "Case", "Notification", "OPEN_STATES", "UNARCHIVED_STATES", "ENDED_STATES", "access", "can_see", "visible",
    "case_or_404", "read_only", "emit_case_event", "STATES", "case_queries", "bulletin", "CATEGORIES", "SOURCES",
    # the statistics' definitions (in_period, on_time, late … portal/statistics/definitions.py)
    "case_statistics",
    # the sensitive-period calendar (hook portal_sensitive_period)
    "sensitive_period",
    # approved statements (统一口径) and evidence from other plugins (hooks portal_approved_statements,
    # portal_evidence_sources); which plugins answer a hook now
    "ApprovedStatement", "approved_statements", "EvidenceRef", "evidence_references", "answering",
    # a link as the duplicate check compares it (Case.url_key)
    "link_key",
    # intake from outside the case form (the monitoring desk's imports): the core's register step
    "register_case",
    # background jobs (docs/plugins.md, "Background jobs") and documents (docs/documents.md)
    "jobs", "documents", "Gongwen", "Attachment", "chinese_date", "document_number", "secrecy_mark", "SECRECY", "URGENCY",
    # the process kit: everything portal.process exports (Step, Workflow, notify, …)
    *_process.__all__,
]
