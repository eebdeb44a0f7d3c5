"""A step's form fields, each declared once: the same ``Field`` reads the form (every problem at
once, in Chinese), renders it (templates/process/_macros.html) and feeds the hostile-input tests
(tests/core/test_hostile_input.py), so a limit or a choice lives in one place.

``read(fields, form, files, record=…)`` returns ``{name: clean value}``; ``form`` is a request
form or a plain dict of Python values (a workflow function reading its own arguments), and
reading a clean value again gives it back unchanged.
"""
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from portal.inputs import InputError, Problems, clean_text, parse_datetime, whole_number

TEXTS = ("text", "textarea", "url")
KINDS = TEXTS + ("choice", "choices", "datetime", "date", "whole", "number", "file", "bool")
OPTIONAL = "（可选）"


@dataclass(frozen=True)
class Field:
    """One form field. ``label`` names it in the messages ("请填写{label}。"); ``caption`` is the
    form's label where it differs (default: ``label``, plus "（可选）" on optional text).
    ``choices``: [(value, label)] or ``choices(record)``; an int value is read as an id.
    ``message``: the refusal of a missing or invalid value, a str or ``message(value, record)``.
    ``check(value, record)``: a further rule, the reason or None. ``default``: the form's
    prefill (a value or ``default(record)``); for a choice, also what a form without the field
    reads as; for an optional datetime, what an empty one reads as. ``content``: free text a
    record whose content is kept off the portal (a 涉密 case) must not carry."""
    name: str
    label: str
    kind: str = "text"
    limit: int | None = None  # characters of text; the largest whole number
    required: bool = False
    choices: Sequence | Callable | None = None
    hint: str = ""
    placeholder: str = ""
    default: object = None
    content: bool = False
    caption: str = ""
    message: str | Callable | None = None
    check: Callable | None = None
    rows: int = 3
    accept: str = ""  # a file field's accept= (a hint to the browser; the server sniffs the bytes)
    grouped: bool = False  # a whole number may carry thousands separators ("1,200", as sites show counts)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")

    @property
    def shown_label(self) -> str:
        optional = self.kind in TEXTS and not self.required
        return self.caption or (self.label + (OPTIONAL if optional else ""))

    def options(self, record) -> list[tuple]:
        choices = self.choices(record) if callable(self.choices) else self.choices
        return list(choices or [])

    def initial(self, record):
        return self.default(record) if callable(self.default) else self.default

    def refusal(self, value, record, fallback: str) -> str:
        if callable(self.message):
            return self.message(value, record)
        return self.message or fallback

    def read(self, raw, record, barred: str | None = None):
        """The clean value of ``raw`` (as the form sent it), or raise InputError."""
        if self.content and barred:
            return _barred(self, raw, barred)
        value = READERS[self.kind](self, raw, record)
        reason = self.check(value, record) if self.check and value not in (None, "", []) else None
        if reason:
            raise InputError(reason)
        return value


def _barred(f: Field, raw, barred: str):
    given = raw.filename if hasattr(raw, "filename") else raw
    if given and (not isinstance(given, str) or given.strip()):
        raise InputError(barred.format(label=f.label))
    return None if f.kind == "file" else ""


def _text(f: Field, raw, record) -> str:
    value = clean_text(raw).strip()
    if not value and f.required:
        raise InputError(f.refusal(value, record, f"请填写{f.label}。"))
    if f.limit and len(value) > f.limit:
        raise InputError(f.refusal(value, record, f"{f.label}不能超过{f.limit}个字。")
                         if f.kind == "url" else f"{f.label}不能超过{f.limit}个字。")
    if f.kind == "url" and value and not value.lower().startswith(("http://", "https://")):
        raise InputError(f.refusal(value, record, f"{f.label}须以 http:// 或 https:// 开头。"))
    return value


def _match(f: Field, raw, record):
    """The choice ``raw`` names (None when none): ids as whole numbers, other values as sent."""
    options = [value for value, _label in f.options(record)]
    if raw is None:
        return None
    if any(isinstance(v, int) and not isinstance(v, bool) for v in options):
        raw = whole_number(raw, 2**63 - 1) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
    return raw if raw in options and raw is not None else None


def _choice(f: Field, raw, record):
    if raw is None and f.default is not None:
        raw = f.initial(record)
    value = _match(f, raw, record)
    if value is None and (f.required or raw not in (None, "")):
        raise InputError(f.refusal(raw, record, f"请选择{f.label}。"))
    return value


def _choices(f: Field, raw, record) -> list:
    sent = [] if raw is None else list(raw) if isinstance(raw, (list, tuple, set)) else [raw]
    values = [_match(f, v, record) for v in sent]
    if None in values or (f.required and not values):
        raise InputError(f.refusal(sent, record, f"请选择{f.label}。"))
    return list(dict.fromkeys(values))


def _datetime(f: Field, raw, record) -> datetime | None:
    if isinstance(raw, datetime):
        return raw
    if not isinstance(raw, str) or not raw.strip():
        if f.required:
            raise InputError(f.refusal(raw, record, f"请填写{f.label}。"))
        return f.initial(record)
    return parse_datetime(raw, f.label)


def _date(f: Field, raw, record) -> date | None:
    """An ISO date as a date input sends it ("2019-11-07"); empty is the default, or refused when
    the field is required."""
    if isinstance(raw, date):
        return raw
    value = (raw or "").strip() if isinstance(raw, str) or raw is None else str(raw)
    if not value:
        if f.required:
            raise InputError(f.refusal(raw, record, f"请填写{f.label}。"))
        return f.initial(record)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f.refusal(raw, record, f"{f.label}格式不正确，请按“2019-11-07”填写。")) from None


def _whole(f: Field, raw, record) -> int | None:
    if f.grouped and isinstance(raw, str):
        raw = raw.replace(",", "").replace("，", "")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if f.required:
            raise InputError(f.refusal(raw, record, f"请填写{f.label}。"))
        return None
    value = whole_number(raw, f.limit or 2**63 - 1) if not isinstance(raw, bool) else None
    if value is None:
        raise InputError(f.refusal(raw, record, f"{f.label}须为0至{f.limit or 2**63 - 1}之间的整数。"))
    return value


def _number(f: Field, raw, record) -> float | None:
    """A decimal number in ASCII from 0 to ``limit`` (10^9), to two places; float() alone also
    reads "１２", "٣", "1_000", "nan" and "inf"."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        text = repr(float(raw))
    else:
        text = str(raw if raw is not None else "").strip()
    if not text:
        if f.required:
            raise InputError(f.refusal(raw, record, f"请填写{f.label}。"))
        return None
    try:
        number = float(text) if text.isascii() and "_" not in text else -1.0
    except ValueError:
        number = -1.0
    if not math.isfinite(number) or not 0 <= number <= (f.limit or 1_000_000_000):
        raise InputError(f.refusal(raw, record, f"{f.label}须为不小于0的数字。"))
    return abs(round(number, 2))  # "-0" is 0


def _file(f: Field, raw, record):
    from portal.uploads import Upload, read_upload

    if isinstance(raw, Upload):
        return raw
    if raw is None or not getattr(raw, "filename", ""):
        if f.required:
            raise InputError(f.refusal(raw, record, "请选择要上传的文件。"))
        return None
    return read_upload(raw)


def _bool(f: Field, raw, record) -> bool:
    if isinstance(raw, bool):
        return raw
    value = raw in ("1", "on", "y", "true")
    if f.required and not value:
        raise InputError(f.refusal(raw, record, f"请勾选“{f.label}”。"))
    return value


READERS = {"text": _text, "textarea": _text, "url": _text, "choice": _choice, "choices": _choices,
           "datetime": _datetime, "date": _date, "whole": _whole, "number": _number, "file": _file, "bool": _bool}


def sent(form, files, f: Field):
    """What the request carries for ``f``: a list for a multiple choice, a file from ``files``."""
    if f.kind == "file":
        source = files if files is not None and f.name in files else form
        return source.get(f.name) if source is not None else None
    if f.kind == "choices" and hasattr(form, "getlist"):
        return form.getlist(f.name) if f.name in form else None
    value = form.get(f.name)
    if f.kind in TEXTS and value is None:
        return ""
    return value


def typed(form, f: Field):
    """What ``form`` (a refused request's) holds for ``f``, to show it again as typed."""
    if f.kind == "file":
        return None
    if f.kind == "choices":
        return form.getlist(f.name) if hasattr(form, "getlist") else form.get(f.name) or []
    return form.get(f.name)


def read(fields: Sequence[Field], form, files=None, *, record=None, barred: str | None = None,
         problems: Problems | None = None, error: type[InputError] = InputError) -> dict:
    """Every field of ``fields`` read from ``form`` (and ``files``): ``{name: clean value}``, or
    ``error`` raised with all the problems found (with those already in ``problems``).
    ``barred``: the refusal ("…不记录{label}…") of content given for a record that takes none."""
    p = problems if problems is not None else Problems()
    values = {f.name: p.read(f.read, sent(form, files, f), record, barred) for f in fields}
    p.check(error)
    return values
