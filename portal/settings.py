"""Settings the administrator changes in the UI (the rest is configuration files)."""
import peewee
from flask import current_app

from portal.db import BaseModel


class Setting(BaseModel):
    key = peewee.CharField(max_length=60, primary_key=True)
    value = peewee.TextField()


def get_setting(key: str, default: str | None = None) -> str | None:
    """The stored value, else the app config's ``KEY`` in upper case, else ``default``."""
    row = Setting.get_or_none(Setting.key == key)
    if row is not None:
        return row.value
    return current_app.config.get(key.upper(), default)


def get_settings(keys) -> dict[str, str | None]:
    """Several settings in one query: {key: as get_setting reads it, without a default}."""
    keys = list(keys)
    stored = {row.key: row.value for row in Setting.select().where(Setting.key.in_(keys))}
    return {key: stored[key] if key in stored else current_app.config.get(key.upper()) for key in keys}


def set_setting(key: str, value: str):
    Setting.insert(key=key, value=value).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value}
    ).execute()


MODELS = [Setting]
