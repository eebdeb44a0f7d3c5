"""Reading what users send: text cleaned the same way everywhere, ids and pages bounded,
redirect targets kept on this site, WTForms speaking Chinese."""
import unicodedata
from datetime import date
from urllib.parse import urlsplit

from flask_wtf import FlaskForm

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
