"""What /admin/plugins shows and changes: each plugin's state, hooks, permissions, migrations.

A plugin is switched off by the administrator (the setting ``plugins.disabled``, read when the
portal starts, before any plugin is imported) or by the config's ``DISABLED_PLUGINS`` /
``PORTAL_DISABLED_PLUGINS``, which overrides the page: a plugin named there stays off.
"""
from dataclasses import dataclass, field

from flask import current_app
from playhouse.db_url import connect

from portal import migrate
from portal.settings import get_setting, set_setting

DISABLED_KEY = "plugins.disabled"


def parse_names(value) -> set[str]:
    return {name.strip() for name in str(value or "").split(",") if name.strip()}


def stored_disabled(database_url: str) -> set[str]:
    """The plugins the administrator switched off, read before the app has a database (and so
    before it knows its models): a connection of its own; a database without the table yet (the
    first ``init-db``) has none."""
    try:
        db = connect(database_url)
        try:
            cursor = db.execute_sql(f"SELECT value FROM setting WHERE key = {db.param}", (DISABLED_KEY,))
            row = cursor.fetchone()
        finally:
            db.close()
    except Exception:  # no database file or no table yet: nothing switched off
        return set()
    return parse_names(row[0] if row else "")


def wanted_disabled() -> set[str]:
    """The administrator's choice as stored now (in force at the next start)."""
    return parse_names(get_setting(DISABLED_KEY, ""))


def set_wanted(name: str, enabled: bool):
    names = wanted_disabled()
    names = names - {name} if enabled else names | {name}
    set_setting(DISABLED_KEY, ",".join(sorted(names)))


@dataclass
class PluginRow:
    name: str
    version: str
    module: str
    loaded: bool
    forced_off: bool          # named in DISABLED_PLUGINS: the page cannot switch it on
    off_at_next_start: bool
    hooks: list = field(default_factory=list)
    permissions: list = field(default_factory=list)
    applied: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    settings: list = field(default_factory=list)           # edited on its own form
    identity_settings: list = field(default_factory=list)  # edited on the identity page

    @property
    def pending_restart(self) -> bool:
        return self.off_at_next_start == self.loaded


def rows(app=None) -> list[PluginRow]:
    app = app or current_app
    pm = app.extensions["portal_pm"]
    forced = app.extensions["portal_disabled_by_config"]
    wanted = wanted_disabled()
    migrations: dict[str, list] = {}
    for owner, name, applied in migrate.report(app):
        migrations.setdefault(owner, []).append((name, applied))
    declared = app.extensions["portal_settings"]
    found = []
    for info in app.extensions["portal_plugins"]:
        row = PluginRow(info.name, info.version, info.module, loaded=not info.disabled,
                        forced_off=info.name in forced, off_at_next_start=info.name in forced or info.name in wanted)
        plugin = pm.get_plugin(info.name)
        if plugin is not None:
            row.hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin))
            for impl in pm.hook.portal_permissions.get_hookimpls():
                if impl.plugin_name == info.name:
                    row.permissions.extend(impl.function() or [])
            done = migrations.get(info.name, [])
            row.applied = [n for n, applied in done if applied]
            row.pending = [n for n, applied in done if not applied]
            row.settings = [f for f in declared.get(info.name, []) if f.group != "identity"]
            row.identity_settings = [f for f in declared.get(info.name, []) if f.group == "identity"]
        found.append(row)
    return found
