"""Who is on duty (the 24-hour roster of sensitive periods; the office when no shift covers the moment)."""
from portal.plugin_api import users_with_roles


def on_duty(at) -> list:
    """The people to alert at ``at``."""
    return users_with_roles(("office",))
