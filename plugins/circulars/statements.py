"""Approved statements (统一口径) in circulars: the drafting form offers the versions in force that
plugins answer ``portal_approved_statements`` with (插入统一口径 puts one's text at the end of the body);
the circular records each version it took, as it read then (``CircularStatement``), and its page
warns when a newer version has come into force since. Without a plugin that answers, nothing is
offered and the circulars work as before."""
import re

from portal.plugin_api import answering, approved_statements

from plugins.circulars.models import CircularStatement

HOOK = "portal_approved_statements"
SPACE = re.compile(r"\s+")


def offered(user, cases=()) -> list:
    """What ``user`` may insert: the versions relevant to the cases the circular names first, then
    every other version in force."""
    relevant = [s for case in cases for s in approved_statements(user, case)]
    seen, found = set(), []
    for s in relevant + approved_statements(user):
        if s.key not in seen:
            seen.add(s.key)
            found.append((s, s in relevant))
    return found


def recorded(circular) -> list[CircularStatement]:
    if circular is None:
        return []
    return list(CircularStatement.select().where(CircularStatement.circular == circular.id)
                .order_by(CircularStatement.id))


def chosen(keys, user, circular=None, offers=None) -> list:
    """The versions named by ``keys`` (the form's 本文采用的统一口径): those the circular recorded
    already, else those offered now; unknown keys are left out."""
    have = {r.key: r for r in recorded(circular)}
    offers = {s.key: s for s, _ in (offers if offers is not None else offered(user))}
    found = []
    for key in dict.fromkeys(k for k in keys if k):
        if key in have or key in offers:
            found.append(have.get(key) or offers[key])
    return found


def unknown(keys, user, circular=None) -> list[str]:
    found = {c.key for c in chosen(keys, user, circular)}
    return [k for k in dict.fromkeys(k for k in keys if k) if k not in found]


def insert(body: str, text: str) -> str:
    """The body with ``text`` as its last paragraph(s): what was typed stays as it is."""
    body = body.rstrip()
    return f"{body}\n{text.strip()}" if body else text.strip()


def _plain(text: str) -> str:
    return SPACE.sub("", text or "")


def status(rows, body: str) -> list[dict]:
    """Each recorded version with what the page says of it: ``newer`` (the version in force now, when
    it is a later one), ``withdrawn`` (no version of the statement is in force), ``unchecked`` (no plugin
    answers any more), ``edited`` (the body no longer holds its text word for word)."""
    if not rows:
        return []
    live = answering(HOOK)
    in_force = {}
    if live:
        for s in approved_statements(None):
            in_force[s.statement_key] = s
    shown = []
    for row in rows:
        current = in_force.get(row.statement_key)
        checked = row.key.split(":", 1)[0] in live
        shown.append({"row": row, "unchecked": not checked,
                      "newer": current if checked and current and current.number > row.number else None,
                      "withdrawn": checked and current is None,
                      "edited": _plain(row.text) not in _plain(body)})
    return shown


def summary(rows) -> str:
    return "、".join(f"{r.title}（第{r.number}版）" for r in rows)
