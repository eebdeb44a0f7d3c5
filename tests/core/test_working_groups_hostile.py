"""The working-group forms tried with hostile values (the properties of test_hostile_input.py):
never a 500; a refusal says why in Chinese and changes nothing; accepted text comes back escaped."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.audit import AuditEvent
from portal.db import database
from portal.org.groups import CODE
from portal.org.models import POSITIONS, WorkingGroup, WorkingGroupMember
from tests.hostile import (HOSTILE, Portal, assert_refused, assert_shown_escaped, choice_field, count, field,
                           first, hostile_text, id_variants, rows, text_field, typed)


@pytest.fixture
def portal(app, monkeypatch):
    with database.connection_context():
        yield Portal(app, monkeypatch)


CODES = ["summer_peak", "g2", "Summer", "1abc", "a-b", "", " ", "ａｂｃ", "a" * 40, "a" * 41, "x' OR 1=1 --"]


@HOSTILE
@given(name=text_field(80), code=field(st.sampled_from(CODES)), basis=text_field(120), duties=text_field(2000))
def test_new_group_form(portal, name, code, basis, duties):
    portal.client("admin")  # logged in before counting the audit events
    with database.connection_context():
        taken_names = {g.name for g in WorkingGroup.select()}
        taken_codes = {g.code for g in WorkingGroup.select()}
    code_typed = typed(code)
    good = (typed(name) and len(typed(name)) <= 80 and typed(name) not in taken_names
            and CODE.match(code_typed) and code_typed not in taken_codes
            and len(typed(basis)) <= 120 and len(typed(duties)) <= 2000)
    before = rows(WorkingGroup), count(AuditEvent)
    response = portal.post("admin", "/admin/groups", {"name": name, "code": code, "basis": basis, "duties": duties})
    if response.status_code == 302:
        assert good, "accepted a group it should refuse"
        with database.connection_context():
            g = WorkingGroup.select().order_by(WorkingGroup.id.desc()).get()
        assert (g.name, g.code, g.basis, g.duties) == (typed(name), code_typed, typed(basis), typed(duties))
        assert_shown_escaped(portal.get("admin", "/groups").get_data(as_text=True), g.name, g.basis)
        return
    assert not good, "refused a valid group"
    assert_refused(response)
    assert (rows(WorkingGroup), count(AuditEvent)) == before


@HOSTILE
@given(position=choice_field(list(POSITIONS) + ["chairman"]), who=st.integers(0, 30).flatmap(id_variants),
       as_department=st.booleans(), version=field(st.sampled_from(["1", "0", "", "x", "99999999999999999999"])))
def test_add_member_form(portal, position, who, as_department, version):
    portal.client("admin")
    with database.connection_context():
        g = WorkingGroup.get(WorkingGroup.code == "ideology_group")
    before = rows(WorkingGroupMember), count(AuditEvent)
    data = {"position": position, "version": version, ("department" if as_department else "user"): who}
    response = portal.post("admin", f"/admin/groups/{g.id}/members", data)
    if response.status_code == 302:
        assert first(version) == str(g.version) and first(position) in POSITIONS
        assert count(AuditEvent) == before[1] + 1
        with database.connection_context():  # undo, so that every example starts from the demo group
            WorkingGroupMember.delete().where(WorkingGroupMember.id == WorkingGroupMember.select(
                WorkingGroupMember.id).order_by(WorkingGroupMember.id.desc()).limit(1).scalar()).execute()
            WorkingGroup.update(version=g.version).where(WorkingGroup.id == g.id).execute()
        return
    assert_refused(response)
    assert (rows(WorkingGroupMember), count(AuditEvent)) == before
