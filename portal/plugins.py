"""The plugin manager: in-core hook modules, then the ``portal.plugins`` entry points."""
from dataclasses import dataclass
from importlib import metadata

import pluggy
from markupsafe import Markup

from portal import hookspecs
from portal.auth.permissions import PluginError

ENTRY_POINT_GROUP = "portal.plugins"

# The core's own features are registered through the same hooks as plugins.
CORE_HOOK_MODULES = [
    "portal.home", "portal.auth.views", "portal.org.views", "portal.org.group_admin", "portal.admin", "portal.identity",
    "portal.cases.views", "portal.cases.pages", "portal.documents.views", "portal.jobs.views",
    "portal.statistics.views", "portal.finder",
    "portal.audit", "portal.cases.search", "portal.cases.attachments",  # their schema set-up
]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 100
    permission: str | None = None  # shown only to holders (on the department's page)


@dataclass(frozen=True)
class Widget:
    title: str
    html: Markup
    order: int = 100
    permission: str | None = None  # shown only to holders (on the department's page)


@dataclass(frozen=True)
class Section:
    title: str
    html: Markup
    order: int = 100
    permission: str | None = None  # shown only to holders (on the department's page)


@dataclass(frozen=True)
class Panel:
    title: str
    url: str
    order: int = 100


@dataclass(frozen=True)
class CaseAction:
    label: str
    url: str
    order: int = 100


@dataclass(frozen=True)
class CaseFilterOption:
    name: str
    label: str
    choices: list
    apply: object  # (query, value) -> query
    order: int = 100


@dataclass(frozen=True)
class Statistic:
    """A table of figures on the statistics page (``portal_statistics``), charted beside it."""
    title: str
    rows: list  # (label, number, url or None): the url lists the cases (or records) behind the number
    order: int = 100
    unit: str = "件"
    note: str = ""  # how the figure is counted, shown under the table
    chart: str = "bar"  # "bar", "hbar" (horizontal: long labels), "pie" or "" (the table alone)


@dataclass(frozen=True)
class SearchHit:
    """One result of the search everywhere (``portal_search``), labelled with its kind."""
    kind: str  # "舆情事项", "发文", "议定事项" …
    title: str
    url: str
    detail: str = ""  # a short line under the title: number, state, date
    order: int = 100  # of its kind among the kinds


@dataclass(frozen=True)
class ReportSection:
    """A section of the 舆情月报 (``portal_report_sections``): a heading and its paragraphs."""
    title: str
    lines: list  # plain text, one paragraph each
    order: int = 100


@dataclass(frozen=True)
class LedgerColumn:
    """A column of the case ledger (台账, ``portal_ledger_columns``), placed by ``order`` among the
    core's (编号 10, 来源 20, 发帖时间 30, 标题 40, 类别 50, 主办部门 60 … 归档时间 140)."""
    title: str
    values: object  # (case_ids) -> {case_id: str, number, date or datetime}; one query per call
    order: int = 100
    width: int = 12  # in characters


@dataclass(frozen=True)
class DocumentKind:
    """A printable kind of document, declared with ``portal_documents()``; see docs/documents.md."""
    name: str        # "cases.dossier": unique, used in /documents/<name>/<id>.pdf
    label: str       # "舆情事项案卷"
    # For an id with no document, render, title and text raise LookupError and can_view is False.
    render: object   # (object_id) -> a full HTML page
    can_view: object  # (user, object_id) -> bool
    title: object    # (object_id) -> str
    text: object = None     # (object_id) -> plain text: makes the kind attachable to a circular
    choices: object = None  # (user) -> [(object_id, title)]: what a user may pick to attach
    order: int = 100
    draft_kind: str = ""  # the kind of circular a draft made from it is ("report": 报告); notice when empty
    figures: object = None  # (object_id) -> Markup: tables and charts printed as the attachment of such a draft


@dataclass(frozen=True)
class ApprovedStatement:
    """An approved statement version (统一口径) in force, offered by ``portal_approved_statements``."""
    key: str            # the version: "<plugin>:<id>"
    statement_key: str  # the statement, the same for all its versions
    title: str
    number: int         # 第N版
    text: str
    valid_from: object  # the date it holds from
    topic: str = ""
    url: str | None = None  # its page


@dataclass(frozen=True)
class EvidenceRef:
    """A record of a plugin that can prove a checklist item (``portal_evidence_sources``)."""
    kind: str       # "<plugin>.<what>": "monitoring.training"
    ref_id: str     # the record's id, as text
    label: str      # "网络评论员培训：…"
    day: object = None  # its date
    url: str | None = None  # where the user may open it; None: they may not
    kind_label: str = ""    # "网络评论员培训"


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str
    module: str
    disabled: bool


def make_plugin_manager(disabled: set[str]) -> tuple[pluggy.PluginManager, list[PluginInfo]]:
    """Load core hook modules and every enabled entry point; a disabled one is never imported."""
    import importlib

    pm = pluggy.PluginManager("portal")
    pm.add_hookspecs(hookspecs)
    for name in CORE_HOOK_MODULES:
        pm.register(importlib.import_module(name), name=name)
    infos = []
    seen = set()
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in seen:
            continue  # the same distribution found twice on sys.path
        seen.add(ep.name)
        version = ep.dist.version if ep.dist else ""
        if ep.name in disabled:
            infos.append(PluginInfo(ep.name, version, ep.value, True))
            continue
        try:
            plugin = ep.load()
        except Exception as exc:  # a broken plugin must say which one it is
            raise PluginError(f"插件“{ep.name}”无法加载：{exc}") from exc
        pm.register(plugin, name=ep.name)
        infos.append(PluginInfo(ep.name, version, ep.value, False))
    return pm, sorted(infos, key=lambda i: i.name)


def id_url(endpoint: str, key: str, **values):
    """A function giving the address of a record from its id (``key`` of ``endpoint``'s route),
    without a ``url_for`` per row of a list: the route is built once with a stand-in id."""
    from flask import url_for

    stand_in = 987654321
    before, after = url_for(endpoint, **{key: stand_in}, **values).split(str(stand_in), 1)
    return lambda record_id: f"{before}{record_id}{after}"


def flatten(results) -> list:
    """Hook results are each None, one item or a list: make one list."""
    items = []
    for result in results:
        if result is None:
            continue
        if isinstance(result, (list, tuple)):
            items.extend(result)
        else:
            items.append(result)
    return items


def collect(hook, **kwargs) -> list:
    """Call a list-returning hook and sort what it returns by ``order`` when present. An item
    that names a ``permission`` is kept only when ``user`` holds it (on ``department``, when the
    hook is about one)."""
    items = flatten(hook(**kwargs))
    user, department = kwargs.get("user"), kwargs.get("department")
    items = [item for item in items if getattr(item, "permission", None) is None
             or (user is not None and user.can(item.permission, department=department))]
    return sorted(items, key=lambda item: getattr(item, "order", 100))


def sensitive_period(moment) -> str | None:
    """The name of the sensitive period (特殊时期) covering ``moment``, from the plugin that keeps
    the calendar (hook ``portal_sensitive_period``), or None when none does."""
    from flask import current_app

    return current_app.extensions["portal_pm"].hook.portal_sensitive_period(moment=moment)


def reply_wording(case) -> str:
    """The wording plugins propose to start a case's reply draft with (hook ``portal_reply_wording``)."""
    from flask import current_app

    return "\n\n".join(w for w in current_app.extensions["portal_pm"].hook.portal_reply_wording(case=case) if w)


def approved_statements(user, case=None) -> list[ApprovedStatement]:
    """The statement versions in force that plugins offer (hook ``portal_approved_statements``), for
    ``case`` or for everything; ``user`` None only to check which are in force. Sorted by title."""
    from flask import current_app

    found = flatten(current_app.extensions["portal_pm"].hook.portal_approved_statements(user=user, case=case))
    return sorted(found, key=lambda s: (s.title, s.number))


def evidence_references(user, unit, year) -> list[EvidenceRef]:
    """The records plugins offer as evidence for ``unit``'s checklist of ``year`` (hook
    ``portal_evidence_sources``), by date."""
    from flask import current_app

    found = flatten(current_app.extensions["portal_pm"].hook.portal_evidence_sources(user=user, unit=unit, year=year))
    return sorted(found, key=lambda r: (str(r.day or ""), r.label))


def answering(hook_name: str) -> set[str]:
    """The names of the plugins that implement ``hook_name`` now: a reference whose plugin is not
    among them was made by one that has since been switched off."""
    from flask import current_app

    return {impl.plugin_name for impl in getattr(current_app.extensions["portal_pm"].hook, hook_name).get_hookimpls()}
