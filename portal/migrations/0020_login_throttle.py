"""The login throttle's token buckets (``portal.auth.throttle``), kept in the database so that
several application servers sharing it share the limits. The old throttle counted failed logins
in the audit log and locked accounts; nothing of it needs carrying over."""
from portal.auth.throttle import LoginThrottle


def migrate(m):
    m.create_tables(LoginThrottle)
