"""Settings the administrator changes in the UI (the rest is configuration files).

A setting is a row of the ``setting`` table. Those a plugin (or the core) declares with
``portal_settings()`` are typed :class:`SettingField`s: the administrator edits them on a form
built from the declaration, their value falls back to the app config's ``KEY_IN_UPPER_CASE``
(dots become underscores: ``bureau.name`` → ``BUREAU_NAME``), then to the declared default.
"""
import re
from dataclasses import dataclass

import peewee
from flask import current_app, has_app_context

from portal.auth.permissions import PluginError
from portal.db import BaseModel, Param, compiled, json_object_of
from portal.inputs import InputError, Problems, clean_text

TYPES = ("text", "int", "bool", "choice")


class Setting(BaseModel):
    key = peewee.CharField(max_length=60, primary_key=True)
    value = peewee.TextField()


@dataclass(frozen=True)
class SettingField:
    """One setting a plugin declares: what the form shows and how a value is checked."""
    key: str              # "sample.greeting": the plugin's name, a dot, a name of its own
    label: str            # "问候语"
    type: str = "text"    # text | int | bool | choice
    default: object = None
    help: str = ""
    choices: tuple = ()   # choice: ((value, label), …)
    required: bool = False
    max_length: int = 200  # text
    minimum: int | None = None  # int
    maximum: int | None = None  # int
    validate: object = None     # (value) -> a Chinese problem, or None
    group: str = ""       # "identity": edited on the bureau's identity page, not the plugin's form
    section: str = ""     # the heading it is shown under on that page ("各文种的机关代字")

    @property
    def config_key(self) -> str:
        return self.key.upper().replace(".", "_")

    def decode(self, text: str):
        """The stored text as a value of the field's type (a value no longer valid: the default)."""
        if self.type == "int":
            try:
                return int(text)
            except (TypeError, ValueError):
                return self.default
        if self.type == "bool":
            return text == "1"
        if self.type == "choice" and text not in {str(v) for v, _ in self.choices}:
            return self.default
        return text

    def encode(self, value) -> str:
        if self.type == "bool":
            return "1" if value else "0"
        return str(value)

    def parse(self, raw):
        """The value typed in the form (``raw``: a string, None for an unticked box); raises
        InputError with the field's problem in Chinese."""
        if self.type == "bool":
            return raw not in (None, "", "0")
        text = clean_text(raw).strip()
        if self.required and not text:
            raise InputError(f"请填写“{self.label}”。")
        if self.type == "int":
            if not text:
                value = self.default
            elif re.fullmatch(r"-?[0-9]{1,18}", text):
                value = int(text)
            else:
                raise InputError(f"“{self.label}”须为整数。")
            if value is not None and self.minimum is not None and value < self.minimum:
                raise InputError(f"“{self.label}”不能小于{self.minimum}。")
            if value is not None and self.maximum is not None and value > self.maximum:
                raise InputError(f"“{self.label}”不能大于{self.maximum}。")
        elif self.type == "choice":
            if text not in {str(v) for v, _ in self.choices}:
                raise InputError(f"请从列表中选择“{self.label}”。")
            value = text
        else:
            if "\n" in text:
                raise InputError(f"“{self.label}”只能有一行。")
            if len(text) > self.max_length:
                raise InputError(f"“{self.label}”不能超过{self.max_length}个字。")
            value = text
        if self.validate and value not in (None, "") and (problem := self.validate(value)):
            raise InputError(problem)
        return value


def get_setting(key: str, default: str | None = None) -> str | None:
    """The stored value, else the app config's ``KEY`` in upper case, else ``default``."""
    row = next(iter(compiled("settings.get", lambda: Setting.select(Setting.value).where(Setting.key == Param("key"))
                             .tuples(), key=key)), None)
    if row is not None:
        return row[0]
    return _config().get(key.upper(), default)


def get_settings(keys) -> dict[str, str | None]:
    """Several settings in one query: {key: as get_setting reads it, without a default}."""
    keys = list(keys)
    keys = tuple(keys)
    stored = dict(compiled(("settings.values", keys),
                           lambda: Setting.select(Setting.key, Setting.value).where(Setting.key.in_(keys)).tuples()))
    return {key: stored[key] if key in stored else _config().get(key.upper()) for key in keys}


def set_setting(key: str, value: str):
    Setting.insert(key=key, value=value).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value}
    ).execute()


def collect_fields(pm) -> dict[str, list[SettingField]]:
    """{owner: its declared fields} from every ``portal_settings`` (the core's owner is "core").
    A key declared twice, of an unknown type, or outside a plugin's own name stops the start."""
    found: dict[str, list[SettingField]] = {}
    seen = set()
    for impl in pm.hook.portal_settings.get_hookimpls():  # in registration order: the core first
        owner = "core" if impl.plugin_name.startswith("portal.") else impl.plugin_name
        result = impl.function()
        for field in ([result] if isinstance(result, SettingField) else list(result or [])):
            if field.key in seen:
                raise PluginError(f"设置项“{field.key}”被重复声明，门户无法启动。")
            if field.type not in TYPES:
                raise PluginError(f"设置项“{field.key}”的类型“{field.type}”无效（可用：{'、'.join(TYPES)}）。")
            if owner != "core" and not field.key.startswith(f"{owner}."):
                raise PluginError(f"插件“{owner}”的设置项“{field.key}”须以“{owner}.”开头。")
            seen.add(field.key)
            found.setdefault(owner, []).append(field)
    return found


def declared_fields(app=None) -> dict[str, SettingField]:
    """{key: field} of every declared setting."""
    app = app or current_app
    return {f.key: f for fields in app.extensions["portal_settings"].values() for f in fields}


def _config() -> dict:
    """The app's config; none outside an app (a test reading the database directly)."""
    return current_app.config if has_app_context() else {}


def values(fields, also=(), stored=None) -> dict:
    """{key: typed value} of ``fields`` in one query: stored, else config, else default; and the
    stored text (or None) of the undeclared keys ``also``. ``stored``: those keys' stored texts
    already read (``stored_subquery``), for no query at all."""
    fields = list(fields)
    keys = tuple([f.key for f in fields] + list(also))
    if stored is None:
        stored = dict(compiled(("settings.values", keys),
                               lambda: Setting.select(Setting.key, Setting.value).where(Setting.key.in_(keys)).tuples()))
    result = {key: stored.get(key) for key in also}
    for field in fields:
        if field.key in stored:
            result[field.key] = field.decode(stored[field.key])
        else:
            result[field.key] = _config().get(field.config_key, field.default)
        if field.type == "text" and result[field.key] is None:
            result[field.key] = ""  # as an empty box submits it
    return result


def stored_subquery(keys):
    """The stored texts of ``keys`` as one JSON column ({key: text}; ``portal.db.from_json``), for a
    statement read anyway to carry (the session user's: every page's layout reads the identity)."""
    return Setting.select(json_object_of(Setting.key, Setting.value)).where(Setting.key.in_(list(keys)))


def value(key: str):
    """The value of one declared setting (``portal.settings.value("sample.greeting")``)."""
    if not has_app_context():  # a test's direct call: the stored text
        return values([SettingField(key, key)])[key]
    field = declared_fields().get(key)
    if field is None:
        raise KeyError(f"未声明的设置项：{key}")
    return values([field])[key]


def parse_form(fields, form) -> dict:
    """Every field's value from a submitted form; InputError with every problem at once."""
    problems = Problems()
    parsed = {f.key: problems.read(f.parse, form.get(f.key)) for f in fields}
    problems.check()
    return parsed


def save(fields, new_values: dict) -> dict:
    """Store the values that differ from what is in force; returns {key: new value} changed.
    The caller holds a transaction and records the audit event."""
    current = values(fields)
    changed = {}
    for field in fields:
        if field.key in new_values and new_values[field.key] != current[field.key]:
            set_setting(field.key, field.encode(new_values[field.key]))
            changed[field.key] = new_values[field.key]
    return changed


MODELS = [Setting]
