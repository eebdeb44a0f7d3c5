"""The properties every declared step keeps, read from its own field schema (portal.process.Field)
instead of a copy of the spec: for each step a user may take and each of its fields, a value the
field's declaration refuses is refused over HTTP (400, a message in Chinese, nothing changed),
never a 500; a script in a text field the step accepts comes back escaped. Shared by the plugins'
tests (plugins/*/tests/test_step_schemas.py); the regulations' own limits are checked apart, in
tests/regulations.py."""
from datetime import date

from portal.audit import AuditEvent
from portal.db import database, now
from portal.inputs import InputError
from portal.process.fields import TEXTS

from tests.hostile import CJK, XSS, messages


def refused_value(f, record):
    """A value ``f``'s declaration refuses (checked against its own reader), or None."""
    candidates = {
        "whole": ["١٢", "-1", "9" * 40], "number": ["nan", "-1", "１２"], "date": ["2019-13-45", "昨天"],
        "datetime": ["昨天", "2026-02-30T09:00"], "choice": ["<script>alert(1)</script>", "9" * 25],
        "choices": [["<script>alert(1)</script>"]], "bool": [""],
    }.get(f.kind)
    if candidates is None:  # text; a file's limit is bytes, not characters (a string that long costs seconds)
        candidates = ["啊" * (f.limit + 1)] if f.limit and f.kind != "file" else [""]
    for value in candidates:
        try:
            f.read(value, record)
        except InputError:
            return value
    return None


def valid_value(f, record):
    """A value ``f`` accepts: what the other fields carry while one is under test."""
    initial = f.initial(record)
    if f.kind in ("choice", "choices"):
        first = f.options(record)[0][0]
        return [str(first)] if f.kind == "choices" else str(first)
    value = {"whole": "1", "number": "1", "bool": "1" if f.required else "", "datetime": "",
             "date": now().date().isoformat(), "file": None}.get(f.kind, "正常的中文内容。")
    if f.kind in TEXTS and initial:
        value = str(initial)
    if f.kind == "date" and isinstance(initial, date):
        value = initial.isoformat()
    return value


def changes(record) -> tuple:
    """What a refused step must leave as it was: the record's row and the audit log's length."""
    with database.connection_context():
        row = type(record).get_by_id(record.id)
        return row.__data__.copy(), AuditEvent.select().count()


def check_steps(app, workflow, record, users, post, extra=lambda name: {}):
    """Every step of ``workflow`` that one of ``users`` (name -> (User, client)) may take on
    ``record``, every field: ``post(client, step, data)`` answers as the properties say. Returns
    how many submissions were made (so a test sees it tried something)."""
    tried = 0
    for username, (user, client) in users.items():
        with app.app_context(), database.connection_context():
            allowed = workflow.allowed_steps(record, user)
            steps = {name: workflow.step(name) for name in allowed}
            good = {name: {f.name: valid_value(f, record) for f in step.fields} for name, step in steps.items()}
            bad_values = {(name, f.name): refused_value(f, record) for name, step in steps.items() for f in step.fields}
        for name, step in steps.items():
            for f in step.fields:
                bad = bad_values[name, f.name]
                if bad is None:
                    continue
                before = changes(record)
                data = {**good[name], f.name: bad, **extra(name)}
                if step.versioned:
                    data["version"] = str(record.version)
                response = post(client, name, {k: v for k, v in data.items() if v is not None})
                page = response.get_data(as_text=True)
                assert response.status_code == 400, (username, name, f.name, bad, response.status_code)
                found = messages(page)
                assert found and all(CJK.search(m) for m in found), (username, name, f.name, found)
                assert changes(record) == before, f"refused {name}.{f.name} changed something"
                for payload in XSS:
                    assert payload not in page
                tried += 1
    return tried


def escaped_after(response, client) -> str:
    """The page a taken step lands on."""
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return client.get(response.headers["Location"]).get_data(as_text=True)

