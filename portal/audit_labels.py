"""What the audit log calls each kind of event: the core's labels and the plugins'
(``portal_audit_labels``). A code without a label is shown as the code itself."""
from flask import current_app

CORE_LABELS = {
    "login": "登录",
    "login.failed": "登录失败",
    "login.locked": "登录被锁定",
    "login.throttled": "登录尝试过多，暂缓验证",
    "logout": "退出登录",
    "password.changed": "修改密码",
    "user.created": "创建用户",
    "user.updated": "修改用户",
    "user.password_reset": "重置密码",
    "department.saved": "保存科室",
    "calendar.changed": "修改工作日历",
    "group.created": "新建工作小组",
    "group.updated": "修改工作小组",
    "group.deleted": "撤销工作小组",
    "group.member_added": "增加小组成员",
    "group.member_changed": "调整小组成员职务",
    "group.member_removed": "移出小组成员",
    "audit.restored": "从备份恢复",
    "job.interrupted": "后台任务中断",
    "case.registered": "受理登记",
    "case.reported": "报送",
    "case.rejected": "不予受理",
    "case.assigned": "批办",
    "case.reply_submitted": "提交回复稿",
    "case.approved": "审定回复",
    "case.returned": "退回回复稿",
    "case.extension_requested": "申请延期",
    "case.extension_approved": "批准延期",
    "case.extension_refused": "不批准延期",
    "case.explained": "提交情况说明",
    "case.replied": "网上回复",
    "case.archived": "立卷归档",
    "case.urged": "催办",
    "case.supervised": "列入督办",
    "case.supervision_ended": "结束督办",
    "case.due_soon": "即将到期",
    "case.overdue": "超期",
    "case.attached": "上传附件",
}


def labels(app=None) -> dict[str, str]:
    """Every known code's label, the plugins' after the core's (computed once per app)."""
    app = app or current_app
    found = app.extensions.get("portal_audit_labels")
    if found is None:
        found = dict(CORE_LABELS)
        for plugin_labels in app.extensions["portal_pm"].hook.portal_audit_labels():
            found.update(plugin_labels or {})
        app.extensions["portal_audit_labels"] = found
    return found


def label(action: str) -> str:
    return labels().get(action, action)
