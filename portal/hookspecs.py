"""Every hook the core calls. A plugin implements any of them with ``@hookimpl``.

Implementations may accept fewer arguments than the spec. Hooks that return
lists of things are called for every plugin and their results concatenated.
docs/plugins.md documents each hook with an example.
"""
import pluggy

hookspec = pluggy.HookspecMarker("portal")
hookimpl = pluggy.HookimplMarker("portal")


@hookspec
def portal_blueprints():
    """Return a Blueprint, or a list of them, to mount on the app.

    Called once in ``create_app``. A blueprint without its own ``url_prefix`` is
    mounted under ``/<blueprint name>``. Two blueprints with one name stop the start.
    """


@hookspec
def portal_models():
    """Return the peewee models (subclasses of ``portal.db.BaseModel``) whose tables
    ``portal init-db`` creates on a database that has none of them. Name the tables after the
    plugin (``grading_snapshot``). Change them later only through ``portal_migrations``."""


@hookspec
def portal_migrations():
    """Return the dotted name of the package that holds the plugin's migrations
    (``"plugins.grading.migrations"``): modules ``0001_baseline.py``, ``0002_….py`` …, each with
    ``migrate(m)``. ``portal migrate`` applies them in order; see docs/plugins.md."""


@hookspec
def portal_roles():
    """Return ``{code: 中文名}``: roles the plugin adds to the core's (``{"discipline":
    "机关纪委"}``). An administrator can then give them to users, and permissions (the plugin's
    and, through ``Permission.roles``, only those) can name them. A code the core or another
    plugin already declares stops the start."""


@hookspec
def portal_department_kinds():
    """Return ``{code: 中文名}``: kinds of organisation unit the plugin adds to the core's
    (``{"party_branch": "党支部"}``), offered on the administrator's department form. Units of a
    plugin's kind are not assigned cases nor sent circulars (those go to
    ``portal.org.models.WORKING_KINDS``). A code declared twice stops the start."""


@hookspec
def portal_schema_setup():
    """Return a callable, or a list, ``setup(app, migrated)`` that sets up what the owner keeps
    beside its tables (triggers, an index table, files); ``portal init-db`` / ``portal migrate`` /
    every start in tests run it after the migrations, each in a connection of its own.
    ``migrated`` lists the ``(owner, migration)`` pairs this run applied (empty: nothing
    changed). It must be safe to run again; it may return a message, or a list, to print."""


@hookspec
def portal_permissions():
    """Return ``Permission(name, label, roles, departments=(), scope="bureau", everywhere=())``
    objects the plugin defines.

    ``name`` is ``"<plugin>.<verb>"``, ``label`` is Chinese, ``roles`` are the role codes that
    hold it; ``departments`` limits them to members of those departments, ``scope="department"``
    to their own department's page or object, and ``everywhere`` roles hold it whatever their
    department (docs/plugins.md, "Who may use it"). A name defined twice stops the start.
    """


@hookspec
def portal_nav_items(user):
    """Return ``NavItem(label, url, order, permission=None)`` entries for the header menu that
    ``user`` may see (an item naming a ``permission`` is shown only to its holders).

    The items may depend on nothing but what decides the user's permissions (their roles and
    department): the portal keeps them per roles and department for the life of the process.
    """


@hookspec
def portal_dashboard_widgets(user):
    """Return ``Widget(title, html, order, permission=None)`` fragments for ``user``'s home page
    (``/``); one naming a ``permission`` is shown only to its holders. Kept rendered until the
    database changes or the minute turns (portal/fragments.py)."""


@hookspec
def portal_department_sections(department, user):
    """Return ``Section(title, html, order, permission=None)`` blocks for the page
    ``/departments/<id>`` of ``department``, as ``user`` may see them; one naming a ``permission``
    is shown only to its holders on that department (``user.can(permission, department=…)``).
    Kept rendered as the dashboard's widgets are."""


@hookspec
def portal_stylesheets():
    """Return the URL, or a list of URLs, of the plugin's stylesheets (``url_for("<bp>.static",
    filename=…)``: local files, no CDN). Every full page links each once in its ``<head>``, after
    the core's; htmx fragments never carry a ``<link>`` of their own."""


@hookspec
def portal_case_panels(case, user):
    """Return ``Panel(title, url, order)`` tabs for the case page, shown only to users who may
    see ``case``. The page loads each ``url`` lazily with htmx (``hx-get``, on load); the
    view behind it must check access itself."""


@hookspec
def portal_case_actions(case, user):
    """Return ``CaseAction(label, url, order)`` buttons for the case page (a GET link to a
    form of the plugin). Return nothing when ``user`` may not take the action."""


@hookspec
def portal_case_badges(cases, user):
    """Return ``{case_id: Markup}``: small labels shown beside each case wherever cases are
    listed (the case list, 我的待办, department pages, supervision). Called once per list with
    all its cases, so look them up in one query, never one per case. Each case is a list row
    (the columns a list shows, ``cases.queries.LIST_COLUMNS``, with a Case's labels), not a model."""


@hookspec
def portal_case_filters(user):
    """Return ``CaseFilterOption(name, label, choices, apply, order)`` for the case list:
    ``choices`` is a list of ``(value, label)``; ``apply(query, value)`` returns the Case query
    narrowed to ``value`` (a value among the choices). The list page shows a select for each
    and keeps the choice in the URL as ``?<name>=<value>``."""


@hookspec
def portal_statistics(start, end, department_id, user):
    """Return ``Statistic(title, rows, order, unit, note, chart)`` tables for the statistics page
    (``/statistics/``) of the period ``start``–``end`` (dates, both included), for the cases
    ``department_id`` hosts or, when None, the whole bureau. ``rows`` are ``(label, number,
    url)``; a url lists what the number counts, and that list must apply the visibility rule
    itself (``visible``). Count every case (counts are allowed); never name one."""


@hookspec
def portal_ledger_columns(user):
    """Return ``LedgerColumn(title, values, order, width)`` for the case ledger (台账) ``user``
    exports: ``values(case_ids)`` answers ``{case_id: value}`` for a chunk of the cases (ids the
    user may see) in one query; a value is text, a number, a date or a datetime (written as an
    Excel date)."""


@hookspec
def portal_search(q, user):
    """Return ``SearchHit(kind, title, url, detail, order)`` for the search everywhere
    (``/search?q=…``): at most ``SEARCH_LIMIT`` (20) of the plugin's records whose text holds the
    substring ``q`` (Chinese or not, already trimmed, 1–100 characters), newest first, and only
    those ``user`` may see — the plugin's own visibility rule, and never a record that names a case
    ``user`` may not see."""


@hookspec
def portal_report_sections(start, end):
    """Return ``ReportSection(title, lines, order)`` for the 舆情月报 (and half-year or annual
    summary) of ``start``–``end``, a document every unit receives: name only 普通 cases (count
    the others, never name them) and say what the plugin's records show for the period."""


@hookspec
def portal_case_event(case, event):
    """React to something that happened to a case, inside its transaction.

    ``event.name`` is one of registered, reported, rejected, assigned, reply_submitted,
    approved, returned, extension_requested, extension_approved, extension_refused, explained,
    replied, archived, urged, supervised, supervision_ended, due_soon, overdue;
    ``event.actor`` is the user (None when the portal acted on its own, as for deadlines);
    ``event.data`` holds the step's details. Raising aborts the step.
    """


@hookspec
def portal_record_event(workflow, record, event, actor, data):
    """React to something that happened to a record of any workflow, inside its transaction:
    every event of every workflow comes here (``portal.process.emit``), the cases' too, which
    also go to ``portal_case_event``. ``workflow`` is the ``portal.process.Workflow`` (match on
    ``workflow.name``: ``"case"``, ``"circular"``, ``"grading"``); ``record`` its record (a Case,
    a Circular; grading's record is the case); ``event`` the event's name (a case's as listed
    under ``portal_case_event``; a circular's drafted, edited, attachment_added,
    attachment_removed, submitted, reviewed, returned, signed, issued, acknowledged; grading's
    grade_changed, emergency_meeting_requested, opinion_eliminated); ``actor`` the user (None when
    the portal acted on its own); ``data`` the step's details. Raising aborts the step."""


@hookspec
def portal_tick(at):
    """Send what has fallen due by ``at`` (the bureau's naive time): reminders, repeat warnings.

    Called by ``portal tick`` (cron, every minute) and at most once a minute on a page load, after
    the core's deadline events, with a database connection. Two ticks may run at once: claim each
    reminder with a conditional UPDATE inside ``database.atomic()`` so that it is sent once.
    Return ``{label: count}`` (``{"后期处置提醒": 2}``) for ``portal tick`` to print, or nothing."""


@hookspec(firstresult=True)
def portal_sensitive_period(moment):
    """Return the name of the sensitive period (特殊时期: a holiday, an anniversary, a major
    meeting) that covers ``moment`` (naive Beijing time), or None. The first plugin that answers
    wins. The grading plugin asks it (through ``portal.plugin_api.sensitive_period``) for the time
    a case was posted and the time its latest heat was recorded, and applies 预案 三's 特殊时期 rule
    when either lies in a period; the monitoring desk keeps the calendar."""


@hookspec
def portal_reply_wording(case):
    """Return wording to start the reply draft of ``case`` with (an approved statement, 统一口径),
    or nothing. Asked when the reply form is shown and the case has no draft yet; every answer
    is put in the form's 回复稿 field, one paragraph each, for the host department to edit."""


@hookspec
def portal_approved_statements(user, case):
    """Return ``ApprovedStatement(key, statement_key, title, number, text, valid_from, topic, url)``
    for the approved statement versions (统一口径) in force today: those on ``case``'s topics when
    ``case`` is given (nothing when ``user`` may not see it), else every one in force. ``key`` names
    the version and ``statement_key`` the statement, both starting with the plugin's name
    (``"monitoring:12"``); a newer version of a statement has the same ``statement_key`` and a
    higher ``number``. ``user`` is who will read the text, and the plugin's own rule of who may
    read statements applies; None when the portal only checks which versions are in force. The
    circulars' drafting form offers them (插入统一口径) and warns when a newer version holds."""


@hookspec
def portal_evidence_sources(user, unit, year):
    """Return ``EvidenceRef(kind, ref_id, label, day, url, kind_label)`` for the plugin's records of
    ``year`` that can prove a responsibility checklist item of ``unit`` (a Department, or None for
    the Party group), such as the commentator team's trainings. ``kind`` starts with the plugin's
    name (``"monitoring.training"``); ``url`` is where ``user`` may open the record, None when they
    may not. ``user`` None: the portal only checks that the records still exist (url unused)."""


@hookspec
def portal_step_guards(workflow, step):
    """Return guards for ``step`` of ``workflow`` (a ``portal.process.Workflow``; match on
    ``workflow.name`` and ``step.name``), or nothing. A guard is ``guard(record, user)``: the
    Chinese reason the step is refused now, or None. It joins the step's own guards: the button
    is hidden with the reason shown on the page, and a forced POST is refused with that reason.
    Read only; it may run several times per page."""


@hookspec
def portal_workflow_steps(workflow):
    """Return steps (``portal.process.Step``) this plugin adds to ``workflow`` (match on
    ``workflow.name``: "case", …), or nothing. They follow the owner's steps: the record's page
    shows their panels and buttons, the owner's generic view runs them (``Step.run``), and the
    workflow's rules apply to them as to its own (states, permission, read-only records, guards).
    A step's ``run(record, user, version, values)`` makes its change in one transaction, records
    it in the audit log and bumps the record's version (``Workflow.advance``)."""


@hookspec
def portal_settings():
    """Return ``SettingField(key, label, type, default, …)`` objects (``portal.settings``): the
    settings the plugin lets an administrator change, each key starting with the plugin's name
    (``"sample.greeting"``). ``/admin/plugins`` builds the plugin's settings form from them (types
    ``text``, ``int``, ``bool``, ``choice``; every value checked, the problems shown in Chinese,
    each change audited); a field with ``group="identity"`` is edited on the bureau's identity
    page instead. Read a value with ``portal.settings.value(key)``: stored, else the config's
    ``KEY`` (upper case, dots as underscores), else ``default``. Called once in ``create_app``."""


@hookspec
def portal_audit_labels():
    """Return ``{action: label}``: the Chinese name of every audit action the plugin records
    (``audit.record("grading.snapshot", …)`` → ``{"grading.snapshot": "记录热度"}``). The audit
    log shows the label in its 事件 column; a code without one is shown as it is."""


@hookspec
def portal_documents():
    """Return ``DocumentKind(name, label, render, can_view, title, text=None, choices=None)``
    objects: kinds of document the plugin can print. The core serves each as a PDF at
    ``/documents/<name>/<object_id>.pdf`` to users for whom ``can_view(user, object_id)`` is
    true, laid out on GB/T 9704 pages with the official fonts (docs/documents.md). A kind with
    ``text`` and ``choices`` can also be attached to a circular. Names are unique; a name
    declared twice stops the start."""


@hookspec
def portal_cli(cli):
    """Add click commands to the ``portal`` command group ``cli``."""


@hookspec
def portal_demo_data(app):
    """Create the plugin's demo records. Called by ``portal init-db --demo`` inside an
    app context and a transaction, after the core's demo departments and users exist."""


@hookspec
def portal_demo_bulk(app, case_ids):
    """Add the plugin's records for cases made in bulk by ``portal demo --cases N`` (the
    benchmark's province-scale database). ``case_ids`` is a range of new case ids; write with
    ``insert_many`` in batches, never one row at a time. Called inside an app context."""
