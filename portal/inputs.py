"""Reading what users send: text cleaned the same way everywhere, ids and pages bounded,
redirect targets kept on this site, WTForms speaking Chinese, and every problem of a form
reported at once (``Problems``)."""
import unicodedata
from datetime import date, datetime
from urllib.parse import urlsplit

from flask_wtf import FlaskForm

class InputError(Exception):
    """Input refused. ``problems``: every sentence for the user, all found in one pass; the
    workflows' errors (WorkflowError, CircularError, UploadError …) are InputErrors."""

    def __init__(self, *problems: str):
        self.problems = [p for p in problems if p]
        super().__init__("".join(self.problems))


class Problems:
    """Reads a whole form instead of stopping at its first mistake: each field's reader runs,
    what it refuses is kept, and ``check`` raises once with every problem, so that leaving both
    来源 and 原帖内容 empty says both.

        problems = Problems()
        title = problems.read(required, form.get("title"), "事项标题", 120)
        ...
        problems.check(WorkflowError)   # before anything is written
    """

    def __init__(self):
        self.found: list[str] = []

    def read(self, reader, *args, **kwargs):
        """``reader(*args, **kwargs)``, or None when it refuses (its problems are kept)."""
        try:
            return reader(*args, **kwargs)
        except InputError as exc:
            self.found.extend(exc.problems)
            return None

    def add(self, problem: str):
        self.found.append(problem)

    def check(self, error=InputError):
        if self.found:
            raise error(*self.found)


def required(value, label: str, limit: int = 10000) -> str:
    """Text that must be given, up to ``limit`` characters."""
    value = clean_text(value).strip()
    if not value:
        raise InputError(f"请填写{label}。")
    if len(value) > limit:
        raise InputError(f"{label}不能超过{limit}个字。")
    return value


def optional(value, label: str, limit: int) -> str:
    value = clean_text(value).strip()
    if len(value) > limit:
        raise InputError(f"{label}不能超过{limit}个字。")
    return value


def parse_datetime(value, label: str) -> datetime:
    value = (value or "").strip()
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise InputError(f"请按“年-月-日 时:分”填写{label}。")


def flash_problems(error: InputError, category="error"):
    """Each problem of a refused form as its own message on the page."""
    from flask import flash

    for problem in error.problems or [str(error)]:
        flash(problem, category)


MAX_ID = 2**63 - 1  # the largest integer SQLite and PostgreSQL keys hold
MAX_PAGE = 100_000
# Control, format, surrogate, private-use and unassigned characters: never stored.
DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn"}


def clean_text(value) -> str:
    """Text as typed, minus invisible characters (line breaks and tabs stay, and every space,
    the ideographic space of Chinese paragraph indents included)."""
    value = "" if value is None else str(value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) not in DROPPED)


def cleaned(value):
    """A WTForms filter: the field's text cleaned and trimmed before it is validated, so that a
    name of invisible characters is refused as empty rather than stored as one."""
    return clean_text(value).strip() if isinstance(value, str) else value


def whole_number(value, maximum: int) -> int | None:
    """Plain ASCII digits from 0 to ``maximum``, else None. isdigit() alone also passes "²" and "٣"
    (int() reads the one and refuses the other), and int() refuses more than 4,300 digits,
    leading zeros included."""
    value = str(value if value is not None else "").strip()
    digits = value.lstrip("0") or "0"
    if not value.isascii() or not value.isdigit() or len(digits) > len(str(maximum)):
        return None
    number = int(digits)
    return number if number <= maximum else None


def bounded_id(value) -> int | None:
    """An id from a form or a query string; None unless it is a plain number a key can hold."""
    return whole_number(value, MAX_ID) or None


def choice_id(value) -> int:
    """A <select>'s id for WTForms' ``coerce``: as bounded_id reads it (not "+4" or "４" as int()
    would), and 0, which no row has, for anything else."""
    return bounded_id(value) or 0


def bounded_day(value, default: date) -> date:
    """A date from a query string (2026-11-29), one a day can be added to; else ``default``."""
    try:
        day = date.fromisoformat(str(value or ""))
    except ValueError:
        return default
    return day if date(1900, 1, 1) <= day <= date(9999, 12, 30) else default


def page_number(value) -> int:
    number = bounded_id(value) or 1
    return min(number, MAX_PAGE)


def safe_next(target: str | None, default: str) -> str:
    """Only a path of this site: no scheme, no host, no backslash, no control character."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(unicodedata.category(ch) in DROPPED for ch in target):
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target


class PortalForm(FlaskForm):
    """WTForms' own messages ("Not a valid integer value.") in Chinese."""

    class Meta:
        locales = ["zh"]

        def get_translations(self, form):
            return super(FlaskForm.Meta, self).get_translations(form)
