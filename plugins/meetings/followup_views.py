"""Pages of the joint meeting's follow-up work (followup.py): 专项督查组, instructions from above,
information shared through the office. Routes on the meetings blueprint."""
import io

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.plugin_api import (AuditEvent, Case, InputError, Problems, User, bounded_id, can_see, clean_text,
                               flash_problems, now, read, requires, send_download)

from plugins.meetings import followup, workflow
from plugins.meetings.models import (SHARE_KINDS, Group, GroupMember, GroupReport, Instruction, Meeting, Share,
                                     ShareRecipient, Task)
from plugins.meetings.views import _case_choices, _required, bp
from plugins.meetings.workflow import MeetingError, StaleRecord


def _user():
    return current_user._get_current_object()


def _text(name, label, limit=5000):
    return _required(request.form.get(name), label, limit)


def _events(kind, object_id):
    return list(AuditEvent.select().where((AuditEvent.object_type == kind) & (AuditEvent.object_id == object_id))
                .order_by(AuditEvent.id))


def _status(exc):
    return 409 if isinstance(exc, StaleRecord) else 400


def _case_from_form(user, p) -> Case | None:
    if not request.form.get("case"):
        return None
    case_id = bounded_id(request.form.get("case"))
    case = Case.get_or_none(Case.id == case_id) if case_id else None
    if case is None or not can_see(user, case):
        p.add("没有这件舆情事项。")
        return None
    return case


def _cases(user):
    return _case_choices(user)


# -- 专项督查组 ------------------------------------------------------------------------------------

def _groups_page(status=200, form=None):
    user = _user()
    groups = [g for g in Group.select().order_by(Group.state, Group.id.desc()).limit(200) if followup.sees_group(g, user)]
    return render_template("meetings/groups.html", groups=groups, fields=followup.GROUP_FIELDS, form=form,
                           cases=_cases(user), meetings=followup.meeting_choices(user)), status


@bp.route("/groups", methods=["GET", "POST"])
@requires("meetings.view")
def groups():
    if request.method == "GET":
        return _groups_page()
    user = _user()
    if not user.can("meetings.manage"):
        abort(403)
    p = Problems()
    try:
        values = read(followup.GROUP_FIELDS, request.form, problems=p, error=MeetingError)
    except MeetingError:
        values = None
    case = _case_from_form(user, p)
    meeting_id = bounded_id(request.form.get("meeting"))
    meeting = Meeting.get_or_none(Meeting.id == meeting_id) if meeting_id else None
    if meeting is not None and not workflow.sees_meeting(meeting, user):
        meeting = None
    try:
        p.check(MeetingError)
        group = followup.create_group(user, values, meeting=meeting, case=case)
    except MeetingError as exc:
        flash_problems(exc)
        return _groups_page(400, request.form)
    flash("专项督查组已派出，已通知组长和成员。", "success")
    return redirect(url_for("meetings.group", group_id=group.id))


def _visible_group(group_id) -> Group:
    group = Group.get_or_none(Group.id == group_id)
    if group is None or not followup.sees_group(group, _user()):
        abort(404)
    return group


def _group_page(group, status=200):
    user = _user()
    decisions, cases = followup.matters(group, user)
    members = list(User.select().join(GroupMember, on=(GroupMember.user == User.id))
                   .where(GroupMember.group == group.id).order_by(User.id))
    return render_template("meetings/group.html", group=Group.get_by_id(group.id), decisions=decisions, cases=cases,
                           members=members, reports=list(group.reports.order_by(GroupReport.id)),
                           member=followup.in_group(group, user), timeline=_events("group", group.id)), status


@bp.route("/groups/<int:group_id>")
@requires("meetings.view")
def group(group_id):
    return _group_page(_visible_group(group_id))


@bp.route("/groups/<int:group_id>/report", methods=["POST"])
@requires("meetings.view")
def group_report(group_id):
    return _group_step(group_id, lambda group: followup.report_group(
        group, _user(), _text("text", "督查情况"), request.form.get("version")), "督查情况已报告。")


@bp.route("/groups/<int:group_id>/close", methods=["POST"])
@requires("meetings.manage")
def group_close(group_id):
    return _group_step(group_id, lambda group: followup.close_group(
        group, _user(), _text("conclusion", "督查结论"), request.form.get("version")), "专项督查已结束。")


def _group_step(group_id, step, done):
    """One step on a supervision group: its page again with the problems, or back to it with ``done``."""
    group = _visible_group(group_id)
    try:
        step(group)
    except InputError as exc:
        flash_problems(exc)
        return _group_page(group, _status(exc))
    flash(done, "success")
    return redirect(url_for("meetings.group", group_id=group.id))


# -- instructions from above -----------------------------------------------------------------------

def _instructions_page(status=200, form=None):
    user = _user()
    query = Instruction.select().order_by(Instruction.received_on.desc(), Instruction.id.desc())
    if not (user.can("meetings.manage") or user.can("meetings.convene")):
        query = query.where(Instruction.id.in_(Task.select(Task.instruction).where(Task.department == user.department_id)))
    rows = list(query.limit(200))
    tasks = {}
    for t in Task.select().where(Task.instruction.in_([r.id for r in rows])):
        tasks.setdefault(t.instruction_id, []).append(t)
    return render_template("meetings/instructions.html", rows=rows, tasks=tasks, fields=followup.INSTRUCTION_FIELDS,
                           form=form, today=now().date()), status


@bp.route("/instructions", methods=["GET", "POST"])
@requires("meetings.view")
def instructions():
    if request.method == "GET":
        return _instructions_page()
    user = _user()
    if not user.can("meetings.manage"):
        abort(403)
    try:
        values = read(followup.INSTRUCTION_FIELDS, request.form, request.files, error=MeetingError)
        row = followup.record_instruction(user, values)
    except InputError as exc:
        flash_problems(exc)
        return _instructions_page(400, request.form)
    flash("上级指示已登记并传达到所选成员单位。", "success")
    return redirect(url_for("meetings.instruction", instruction_id=row.id))


def _visible_instruction(instruction_id) -> Instruction:
    row = Instruction.get_or_none(Instruction.id == instruction_id)
    user = _user()
    if row is None or not (user.can("meetings.manage") or user.can("meetings.convene") or Task.select().where(
            (Task.instruction == row.id) & (Task.department == user.department_id)).exists()):
        abort(404)
    return row


def _instruction_page(row, status=200):
    tasks = list(Task.select().where(Task.instruction == row.id).order_by(Task.id))
    return render_template("meetings/instruction.html", row=row, tasks=tasks, user=_user(), today=now().date(),
                           timeline=_events("instruction", row.id)), status


@bp.route("/instructions/<int:instruction_id>")
@requires("meetings.view")
def instruction(instruction_id):
    return _instruction_page(_visible_instruction(instruction_id))


@bp.route("/instructions/<int:instruction_id>/file")
@requires("meetings.view")
def instruction_file(instruction_id):
    row = _visible_instruction(instruction_id)
    if not row.data:
        abort(404)
    return send_download(io.BytesIO(bytes(row.data)), content_type=row.content_type, filename=row.file_name)


@bp.route("/tasks/<int:task_id>/<action>", methods=["POST"])
@requires("meetings.view")  # each action checks the unit or the office
def task_act(task_id, action):
    task = Task.get_or_none(Task.id == task_id)
    if task is None or action not in ("read", "report", "close", "return"):
        abort(404)
    row = _visible_instruction(task.instruction_id)
    user, version = _user(), request.form.get("version")
    try:
        if action == "read":
            followup.read_task(task, user, version)
        elif action == "report":
            followup.report_task(task, user, _text("action", "落实情况"), version)
        else:
            review = clean_text(request.form.get("review", "")).strip()[:500]
            followup.review_task(task, user, version, close=action == "close", review=review)
    except InputError as exc:
        flash_problems(exc)
        return _instruction_page(row, _status(exc))
    flash({"read": "已阅。", "report": "落实情况已反馈，待联席会议办公室审核。", "close": "已审核办结。",
           "return": "已退回该单位继续落实。"}[action], "success")
    return redirect(url_for("meetings.instruction", instruction_id=row.id))


# -- information sharing ---------------------------------------------------------------------------

def _sharing_page(status=200, form=None):
    user = _user()
    rows = list(followup.visible_shares(user).order_by(Share.id.desc()).limit(200))
    read = {r.share_id: r for r in ShareRecipient.select().where(
        ShareRecipient.share.in_([s.id for s in rows]) & (ShareRecipient.department == user.department_id))}
    pending = [s for s in rows if s.kind != "bulletin" and s.bulletin_id is None and s.case_id is None]
    unit = user.department_id and user.can("meetings.unit", department=user.department_id)
    return render_template("meetings/sharing.html", rows=rows, read=read, pending=pending, fields=followup.SHARE_FIELDS,
                           form=form, unit=unit, cases=_cases(user), SHARE_KINDS=SHARE_KINDS), status


@bp.route("/sharing", methods=["GET", "POST"])
@requires("meetings.view")
def sharing():
    if request.method == "GET":
        return _sharing_page()
    user = _user()
    if not (user.department_id and user.can("meetings.unit", department=user.department_id)):
        abort(403)
    p = Problems()
    try:
        values = read(followup.SHARE_FIELDS, request.form, problems=p, error=MeetingError)
    except MeetingError:
        values = None
    case = _case_from_form(user, p)
    try:
        p.check(MeetingError)
        row = followup.share(user, values, case=case)
    except MeetingError as exc:
        flash_problems(exc)
        return _sharing_page(400, request.form)
    flash("信息已报送联席会议办公室。", "success")
    return redirect(url_for("meetings.share", share_id=row.id))


@bp.route("/sharing/circulate", methods=["POST"])
@requires("meetings.manage")
def circulate():
    user = _user()
    p = Problems()
    title = p.read(_required, request.form.get("title"), "通报标题", 120)
    text = p.read(_required, request.form.get("text"), "通报内容", 10000)
    ids = [i for i in (bounded_id(v) for v in request.form.getlist("shares")) if i]
    try:
        p.check(MeetingError)
        row = followup.circulate(user, title, text, ids)
    except MeetingError as exc:
        flash_problems(exc)
        return _sharing_page(400, request.form)
    flash("通报已发送各成员单位。", "success")
    return redirect(url_for("meetings.share", share_id=row.id))


@bp.route("/sharing/<int:share_id>")
@requires("meetings.view")
def share(share_id):
    row = Share.get_or_none(Share.id == share_id)
    user = _user()
    if row is None or not followup.sees_share(row, user):
        abort(404)
    followup.mark_read(row, user)
    recipients = list(ShareRecipient.select().where(ShareRecipient.share == row.id).order_by(ShareRecipient.id))
    included = list(Share.select().where(Share.bulletin == row.id).order_by(Share.id))
    return render_template("meetings/share.html", row=row, recipients=recipients, included=included,
                           case=Case.get_by_id(row.case_id) if row.case_id else None)
