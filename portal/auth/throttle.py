"""Login throttling, counted from the audit log's failed logins.

- one account from one address: locked after 5 failures within 15 minutes;
- one address, whatever the accounts: locked after 20 failures within 15 minutes;
- one account from anywhere: locked after 10 failures within 15 minutes, except
  administrators, whom nobody else can lock out this way (they remain protected by the two
  limits above, which only ever lock the address that is guessing).
"""
from datetime import timedelta

from portal.audit import AuditEvent
from portal.db import now

WINDOW = timedelta(minutes=15)
PER_ACCOUNT_AND_ADDRESS = 5
PER_ADDRESS = 20
PER_ACCOUNT = 10


def failure_summary(username: str) -> str:
    """How a failed login is summarised in the audit log; the counts below match on it."""
    return f"登录失败：{username}"


def _failures(**match):
    since = now() - WINDOW
    query = AuditEvent.select().where((AuditEvent.action == "login.failed") & (AuditEvent.at >= since))
    if "ip" in match:
        query = query.where(AuditEvent.ip == match["ip"])
    if "username" in match:
        query = query.where(AuditEvent.summary == failure_summary(match["username"]))
    return query.count()


def lock_reason(username: str, ip: str, user=None) -> str | None:
    """A Chinese message when this login attempt must be refused without checking the password."""
    minutes = int(WINDOW.total_seconds() // 60)
    if _failures(ip=ip, username=username) >= PER_ACCOUNT_AND_ADDRESS:
        return f"该账号在本机连续登录失败次数过多，已暂时锁定，请{minutes}分钟后再试。"
    if _failures(ip=ip) >= PER_ADDRESS:
        return f"本机登录失败次数过多，已暂时锁定，请{minutes}分钟后再试。"
    is_admin = user is not None and "admin" in user.roles
    if not is_admin and _failures(username=username) >= PER_ACCOUNT:
        return f"该账号登录失败次数过多，已暂时锁定，请{minutes}分钟后再试或联系系统管理员。"
    return None
