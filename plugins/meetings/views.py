"""The joint meetings' pages: the list, a meeting with its agenda, minutes and decided matters,
the members, the supervision of decided matters, the case panel, the calendar file."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN

from portal.plugin_api import (AuditEvent, Case, Department, InputError, Problems, StepView, User, access, audit,
                               bounded_id, can_see, clean_text, database, flash_problems, now, read, read_upload,
                               requires, run_step, send_download, set_setting)

from plugins.meetings import calendar, workflow
from plugins.meetings.models import (ATTENDANCE, DECISION_STATES, KINDS, STATES, Attendee, Decision, Item, ItemFile,
                                     Meeting, Member, Report)
from plugins.meetings.workflow import DECISION, ITEM, MEETING, MeetingError, StaleRecord

bp = Blueprint("meetings", __name__, url_prefix="/meetings", template_folder="templates")


def _user():
    return current_user._get_current_object()


def visible_meeting(meeting_id) -> Meeting:
    meeting = Meeting.get_or_none(Meeting.id == meeting_id)
    if meeting is None or not workflow.sees_meeting(meeting, _user()):
        abort(404)
    return meeting


def visible_item(item_id) -> Item:
    item = Item.get_or_none(Item.id == item_id)
    if item is None or not workflow.sees_item(item, _user()):
        abort(404)
    return item


def visible_decision(decision_id) -> Decision:
    decision = Decision.get_or_none(Decision.id == decision_id)
    if decision is None or not workflow.sees_item(decision.item, _user()):
        abort(404)
    return decision


def meeting_context(meeting: Meeting, form=None, refused=None) -> dict:
    """Everything the meeting page shows; ``refused``: (kind, id) of the step form to show as typed."""
    user = _user()
    meeting = Meeting.get_by_id(meeting.id)
    hidden = {c.id for c in Case.select(Case.id).where(Case.id.in_(workflow.hidden_cases(user)))}
    items = [i for i in Item.select(Item, Department).join(Department).where(Item.meeting == meeting.id)
             .order_by(Item.state != "accepted", Item.position, Item.id) if i.case_id not in hidden]
    mine = [i for i in items if i.department_id == user.department_id or user.can("meetings.manage")]
    items = [i for i in items if i.state == "accepted" or i in mine]
    decisions = {}
    for d in Decision.select(Decision, Department).join(Department).where(Decision.item.in_([i.id for i in items])):
        decisions.setdefault(d.item_id, []).append(d)
    attendees = list(Attendee.select(Attendee, User).join(User).where(Attendee.meeting == meeting.id)
                     .order_by(Attendee.invited, User.id))
    timeline = list(AuditEvent.select(AuditEvent, User).join(User, JOIN.LEFT_OUTER, on=(AuditEvent.actor == User.id))
                    .where(_about(meeting)).order_by(AuditEvent.id))
    departments = {d.id: d.name for d in Department.select(Department.id, Department.name)}
    return dict(meeting=meeting, items=items, decisions=decisions, attendees=attendees, timeline=timeline,
                case=Case.get_by_id(meeting.case_id) if meeting.case_id else None,
                MEETING=MEETING, ITEM=ITEM, DECISION=DECISION, form=form, refused=refused, user=user,
                files={i.id: list(ItemFile.select(ItemFile.id, ItemFile.item, ItemFile.file_name)
                                  .where(ItemFile.item == i.id)) for i in items},
                reports={d.id: list(d.reports.order_by(Report.id)) for ds in decisions.values() for d in ds},
                departments=departments, item_fields=workflow.ITEM_FIELDS, decision_fields=workflow.DECISION_FIELDS,
                unit_choices=_submit_units(user), case_choices=_case_choices(user), today=now().date(),
                ATTENDANCE=ATTENDANCE, people=workflow._people(meeting),
                carry=meeting.state in ("approved", "scheduled") and user.can("meetings.manage"))


def _about(meeting):
    """The meeting's events: its own, or those recorded on its case (workflow._audit)."""
    own = (AuditEvent.object_type == "meeting") & (AuditEvent.object_id == meeting.id)
    if meeting.case_id:
        return own | ((AuditEvent.object_type == "case") & (AuditEvent.object_id == meeting.case_id)
                      & AuditEvent.action.startswith("meetings.")
                      & (AuditEvent.data.contains(f'"meeting": {meeting.id},') | AuditEvent.data.contains(f'"meeting": {meeting.id}}}')))
    return own


def _submit_units(user) -> list[Department]:
    """The units ``user`` may submit an item for: their own, when they hold meetings.unit there."""
    if user.department_id and user.can("meetings.unit", department=user.department_id):
        return [Department.get_by_id(user.department_id)]
    return []


def _case_choices(user) -> list[Case]:
    return list(access.visible(Case.select(Case.id, Case.number, Case.title), user).order_by(Case.id.desc()).limit(50))


def _view(load, kind):
    return StepView(
        {"meeting": MEETING, "item": ITEM, "decision": DECISION}[kind], load=load, page="meetings/detail.html",
        partial="meetings/_meeting.html",
        context=lambda record, form: meeting_context(_meeting_of(record), form, (kind, record.id) if form else None),
        url=lambda record: url_for("meetings.detail", meeting_id=_meeting_of(record).id), refused=(MeetingError,))


def _meeting_of(record) -> Meeting:
    if isinstance(record, Meeting):
        return record
    if isinstance(record, Item):
        return record.meeting
    return record.item.meeting


MEETING_VIEW = _view(visible_meeting, "meeting")
ITEM_VIEW = _view(visible_item, "item")
DECISION_VIEW = _view(visible_decision, "decision")


def _page(meeting, status=200, refused=None):
    return render_template("meetings/detail.html", **meeting_context(meeting, request.form, refused)), status


def _refused(meeting, exc: MeetingError):
    """The meeting's page again with every problem flashed (409 when stale, else 400)."""
    flash_problems(exc)
    return _page(meeting, 409 if isinstance(exc, StaleRecord) else 400)


# -- the list and new meetings ------------------------------------------------------------------

@bp.route("/")
@requires("meetings.view")
def index():
    user = _user()
    kind = request.args.get("kind", "")
    query = workflow.visible_meetings(Meeting.select(), user)
    if kind in KINDS:
        query = query.where(Meeting.kind == kind)
    meetings = list(query.order_by(Meeting.id.desc()).limit(200))
    return render_template("meetings/index.html", meetings=meetings, kind=kind, KINDS=KINDS, STATES=STATES,
                           warning=workflow.half_year_warning(now().date()) if user.can("meetings.manage") else None)


@bp.route("/new", methods=["GET", "POST"])
@requires("meetings.manage")
def new():
    user = _user()
    people = [(u.id, f"{u.name}（{u.department.name if u.department else '—'}）") for u in
              User.select(User, Department).join(Department, JOIN.LEFT_OUTER).where(User.active).order_by(User.id)]
    if request.method == "POST":
        p = Problems()
        title = p.read(_required, request.form.get("title"), "会议名称", 120)
        kind = request.form.get("kind", "")
        reason = clean_text(request.form.get("reason", "")).strip()[:2000]
        case = None
        case_id = bounded_id(request.form.get("case"))
        if request.form.get("case"):
            case = Case.get_or_none(Case.id == case_id) if case_id else None
            if case is None or not can_see(user, case):
                p.add("没有这件舆情事项。")
        invited = [i for i in (bounded_id(v) for v in request.form.getlist("invited")) if i]
        try:
            p.check(MeetingError)
            meeting = workflow.create_meeting(user, kind=kind, title=title, reason=reason, case=case, invited=invited)
        except InputError as exc:
            flash_problems(exc)
            return render_template("meetings/new.html", form=request.form, KINDS=KINDS, people=people,
                                   cases=_case_choices(user)), 400
        flash("临时会议申请已报召集人审批。" if meeting.kind == "adhoc" else "例会已发起，请安排会议时间和地点。", "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    case_id = bounded_id(request.args.get("case"))
    return render_template("meetings/new.html", form={"kind": "adhoc" if case_id else "regular", "case": case_id or ""},
                           KINDS=KINDS, people=people, cases=_case_choices(user))


def _required(value, label, limit):
    value = clean_text(value or "").strip()
    if not value:
        raise InputError(f"请填写{label}。")
    if len(value) > limit:
        raise InputError(f"{label}不能超过{limit}个字。")
    return value


# -- a meeting --------------------------------------------------------------------------------

@bp.route("/<int:meeting_id>")
@requires("meetings.view")
def detail(meeting_id):
    return render_template("meetings/detail.html", **meeting_context(visible_meeting(meeting_id)))


@bp.route("/<int:meeting_id>/do/<action>", methods=["POST"])
@requires("meetings.view")  # each step checks its own permission in the workflow
def act(meeting_id, action):
    return run_step(MEETING_VIEW, meeting_id, action)


@bp.route("/items/<int:item_id>/do/<action>", methods=["POST"])
@requires("meetings.view")
def item_act(item_id, action):
    return run_step(ITEM_VIEW, item_id, action)


@bp.route("/decisions/<int:decision_id>/do/<action>", methods=["POST"])
@requires("meetings.view")
def decision_act(decision_id, action):
    return run_step(DECISION_VIEW, decision_id, action)


@bp.route("/<int:meeting_id>/attendance", methods=["POST"])
@requires("meetings.manage")
def attendance(meeting_id):
    meeting = visible_meeting(meeting_id)
    rows = {a.id: (request.form.get(f"a{a.id}", ""), request.form.get(f"n{a.id}", "")) for a in meeting.attendees}
    try:
        workflow.set_attendance(meeting, _user(), rows, request.form.get("version"))
    except MeetingError as exc:
        return _refused(meeting, exc)
    flash("出席情况已登记。", "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/invite", methods=["POST"])
@requires("meetings.manage")
def invite(meeting_id):
    meeting = visible_meeting(meeting_id)
    ids = [i for i in (bounded_id(v) for v in request.form.getlist("invited")) if i
           and User.get_or_none(User.id == i)]
    try:
        if not ids:
            raise MeetingError("请选择要邀请列席的人员。")
        workflow.invite(meeting, _user(), ids, request.form.get("version"))
    except MeetingError as exc:
        return _refused(meeting, exc)
    flash("已邀请列席。", "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/carry-over", methods=["POST"])
@requires("meetings.manage")
def carry_over(meeting_id):
    meeting = visible_meeting(meeting_id)
    try:
        count = workflow.carry_over(meeting, _user(), request.form.get("version"))
    except MeetingError as exc:
        return _refused(meeting, exc)
    flash(f"已将{count}项未办结的议定事项列入本次会议议程。", "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/items", methods=["POST"])
@requires("meetings.unit")
def submit_item(meeting_id):
    meeting = visible_meeting(meeting_id)
    user = _user()
    p = Problems()
    try:
        values = read(workflow.ITEM_FIELDS, request.form, problems=p, error=MeetingError)
    except MeetingError:
        values = None  # its problems are in p, said with the others below
    case = None
    if request.form.get("case"):
        case_id = bounded_id(request.form.get("case"))
        case = Case.get_or_none(Case.id == case_id) if case_id else None
        if case is None or not can_see(user, case):
            p.add("没有这件舆情事项。")
    upload = None
    if request.files.get("material") and request.files["material"].filename:
        upload = p.read(read_upload, request.files["material"])
    try:
        p.check(MeetingError)
        workflow.submit_item(meeting, user, values, department_id=user.department_id, case=case, upload=upload)
    except MeetingError as exc:
        flash_problems(exc)
        return _page(meeting, 400, ("submit", meeting.id))
    flash("研究事项已报送，待联席会议办公室审核。", "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/items/<int:item_id>/files", methods=["POST"])
@requires("meetings.unit")
def add_file(item_id):
    item = visible_item(item_id)
    try:
        workflow.add_file(item, _user(), read_upload(request.files.get("material")))
    except InputError as exc:
        flash_problems(exc)
        return _page(item.meeting, 400)
    flash("材料已添加。", "success")
    return redirect(url_for("meetings.detail", meeting_id=item.meeting_id))


@bp.route("/items/<int:item_id>/files/<int:file_id>")
@requires("meetings.view")
def item_file(item_id, file_id):
    item = visible_item(item_id)
    row = ItemFile.get_or_none((ItemFile.id == file_id) & (ItemFile.item == item.id))
    if row is None:
        abort(404)
    import io
    return send_download(io.BytesIO(bytes(row.data)), content_type=row.content_type, filename=row.file_name)


@bp.route("/items/<int:item_id>/decisions", methods=["POST"])
@requires("meetings.manage")
def add_decision(item_id):
    item = visible_item(item_id)
    try:
        values = read(workflow.DECISION_FIELDS, request.form, error=MeetingError)
        workflow.add_decision(item, _user(), values)
    except MeetingError as exc:
        flash_problems(exc)
        return _page(item.meeting, 400, ("decide", item.id))
    flash("议定事项已记录，已通知责任单位。", "success")
    return redirect(url_for("meetings.detail", meeting_id=item.meeting_id))


@bp.route("/reports/<int:report_id>/evidence")
@requires("meetings.view")
def evidence(report_id):
    row = Report.get_or_none(Report.id == report_id)
    if row is None or not row.data:
        abort(404)
    visible_decision(row.decision_id)
    import io
    return send_download(io.BytesIO(bytes(row.data)), content_type=row.content_type, filename=row.file_name)


@bp.route("/<int:meeting_id>.ics")
@requires("meetings.view")
def ics(meeting_id):
    meeting = visible_meeting(meeting_id)
    if not meeting.starts_at:
        abort(404)
    from flask import Response

    return Response(calendar.ics(meeting, url_for("meetings.detail", meeting_id=meeting.id, _external=True)),
                    mimetype="text/calendar", headers={"Content-Disposition": f"attachment; filename=meeting-{meeting.id}.ics",
                                                        "Cache-Control": "no-store"})


# -- members, supervision, the case panel -------------------------------------------------------

@bp.route("/members", methods=["GET", "POST"])
@requires("meetings.view")
def members():
    user = _user()
    if request.method == "POST":
        if not user.can("meetings.manage"):
            abort(403)
        try:
            _save_members(user)
        except InputError as exc:
            flash_problems(exc)
            return render_template("meetings/members.html", **_members_context()), 400
        flash("成员单位已保存。", "success")
        return redirect(url_for("meetings.members"))
    return render_template("meetings/members.html", **_members_context())


def _members_context():
    rows = {m.department_id: m for m in Member.select()}
    departments = list(Department.select().where(Department.active).order_by(Department.sort_order, Department.id))
    people = {d.id: [u for u in User.select().where((User.department == d.id) & User.active).order_by(User.id)]
              for d in departments}
    return dict(rows=rows, departments=departments, people=people, convener=workflow.convener(),
                office=workflow.office_department(), leaders=[u for u in User.select().where(User.active)
                                                               .order_by(User.id) if u.has_role("leader")],
                version=sum(m.version for m in rows.values()))


def _save_members(user):
    p = Problems()
    chosen = {i for i in (bounded_id(v) for v in request.form.getlist("member")) if i}
    departments = {d.id: d for d in Department.select().where(Department.active)}
    if not chosen:
        p.add("请至少选择一个成员单位。")
    people = {}
    for dept_id in chosen:
        if dept_id not in departments:
            p.add("成员单位无效，请重新选择。")
            continue
        for role in ("liaison", "head"):
            uid = bounded_id(request.form.get(f"{role}{dept_id}"))
            found = User.get_or_none((User.id == uid) & (User.department == dept_id)) if uid else None
            if request.form.get(f"{role}{dept_id}") and found is None:
                p.add(f"{departments[dept_id].name}的{'联络员' if role == 'liaison' else '负责人'}须为本单位人员。")
            people[(dept_id, role)] = found.id if found else None
    convener_id = bounded_id(request.form.get("convener"))
    convener = User.get_or_none(User.id == convener_id) if convener_id else None
    if convener is None or not convener.has_role("leader"):
        p.add("请选择召集人（局领导）。")
    p.check(MeetingError)
    expected = sum(m.version for m in Member.select())
    if str(expected) != request.form.get("version", ""):
        raise StaleRecord()
    with database.atomic():
        Member.delete().where(Member.department.not_in(list(chosen))).execute()
        for dept_id in sorted(chosen):
            Member.insert(department=dept_id).on_conflict_ignore().execute()
            Member.update(liaison=people[(dept_id, "liaison")], head=people[(dept_id, "head")],
                          version=Member.version + 1).where(Member.department == dept_id).execute()
        set_setting("meetings.convener", str(convener.id))
        audit.record("meetings.members", f"成员单位{len(chosen)}个，召集人{convener.name}",
                     members=sorted(chosen), convener=convener.id)


@bp.route("/supervision")
@requires("meetings.view")
def supervision():
    user = _user()
    today = now().date()
    rows = list(workflow.visible_items(Decision.select(Decision, Item, Department).join(Item).join(Meeting)
                                       .switch(Decision).join(Department), user).order_by(Decision.due_on))
    by_unit = {}
    for d in rows:
        unit = by_unit.setdefault(d.department_id, {"name": d.department.name, "total": 0, "closed": 0, "overdue": 0})
        unit["total"] += 1
        unit["closed"] += d.state == "closed"
        unit["overdue"] += d.overdue(today)
    units = sorted(by_unit.values(), key=lambda u: (-u["overdue"], u["name"]))
    return render_template("meetings/supervision.html", units=units, decisions=[d for d in rows if d.state != "closed"],
                           today=today, DECISION_STATES=DECISION_STATES)


@bp.route("/cases/<int:case_id>/panel")
@requires("case.view")
def case_panel(case_id):
    case = access.case_or_404(case_id, _user())
    user = _user()
    meetings = list(workflow.visible_meetings(Meeting.select().where(Meeting.case == case.id), user)
                    .order_by(Meeting.id)) if user.can("meetings.view") else []
    decisions = {m.id: list(Decision.select(Decision, Department).join(Department).switch(Decision).join(Item)
                            .where(Item.meeting == m.id).order_by(Decision.id)) for m in meetings}
    return render_template("meetings/panel.html", case=case, meetings=meetings, decisions=decisions,
                           today=now().date())
