"""插入统一口径 in circulars: the drafting form offers the approved statement versions in force (from
whichever plugin answers portal_approved_statements — the monitoring desk), inserts one's text at
the end of the body without losing what was typed, records the version the circular took (page and
audit log), and warns once a newer version is in force. Without the monitoring plugin nothing is
offered and circulars work as before."""
from datetime import timedelta

from portal.plugin_api import AuditEvent, database, now
from portal.testing import make_app

from plugins.circulars.models import Circular, CircularStatement
from plugins.circulars.tests.test_circulars import dept, draft_form
from plugins.monitoring import statements as monitoring_statements
from plugins.monitoring.models import Statement

HEATING = "关于冬季供暖用煤价格的答复口径"


def heating():
    return Statement.get(Statement.title == HEATING)


def form_with(**changes):
    data = draft_form(**changes)
    data["departments"] = [str(dept("煤炭科").id)]
    return data


def test_the_form_offers_the_statements_in_force_and_inserts_one_keeping_what_was_typed(app, login, db):
    office = login("office")
    page = office.get("/circulars/new").get_data(as_text=True)
    v1 = monitoring_statements.in_force(heating())
    assert "插入统一口径" in page and f'value="monitoring:{v1.id}"' in page and f"{HEATING}（第1版" in page
    assert "另对困难群众发放取暖补贴" not in page  # the draft of version 2 awaits the leader: not offered
    typed = form_with(body="一、加强值班\n各单位要安排专人值守。", copy_to="市委网信办（刚输入）")
    r = office.post("/circulars/new", data=dict(typed, action="insert_statement", statement=f"monitoring:{v1.id}"))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and Circular.select().count() == 3  # nothing saved yet (the demo has 3)
    assert f"一、加强值班\n各单位要安排专人值守。\n{v1.text}" in html.replace("&#34;", '"')
    assert "市委网信办（刚输入）" in html and "尚未保存" in html and "〔已插入〕" in html
    assert f'name="statements" value="monitoring:{v1.id}" checked' in html


def test_saving_records_the_version_on_the_page_and_in_the_audit_log(app, login, db):
    office = login("office")
    v1 = monitoring_statements.in_force(heating())
    data = form_with(body="正文。\n" + v1.text)
    data["statements"] = [f"monitoring:{v1.id}"]
    r = office.post("/circulars/new", data=data)
    assert r.status_code == 302
    cid = int(r.headers["Location"].rsplit("/", 1)[1])
    used = CircularStatement.get(CircularStatement.circular == cid)
    assert (used.key, used.number, used.text, used.title) == (f"monitoring:{v1.id}", 1, v1.text, HEATING)
    page = office.get(f"/circulars/{cid}").get_data(as_text=True)
    assert "采用的统一口径" in page and f"{HEATING}</strong>（第1版" in page and "新版本" not in page
    event = AuditEvent.select().where((AuditEvent.object_type == "circular") & (AuditEvent.object_id == cid)).get()
    assert event.action == "circular.drafted" and f"采用统一口径：{HEATING}（第1版）" in event.summary
    # the edit form keeps it ticked; unticking forgets it
    edit = office.get(f"/circulars/{cid}/edit").get_data(as_text=True)
    assert f'name="statements" value="monitoring:{v1.id}" checked' in edit
    data = form_with(body="正文。", version=str(Circular.get_by_id(cid).version))
    assert office.post(f"/circulars/{cid}/edit", data=data).status_code == 302
    assert not CircularStatement.select().where(CircularStatement.circular == cid).exists()


def test_a_newer_version_in_force_is_warned_of_and_a_rewritten_text_is_noted(app, login, db):
    office = login("office")
    v1 = monitoring_statements.in_force(heating())
    data = form_with(body="正文。\n" + v1.text)
    data["statements"] = [f"monitoring:{v1.id}"]
    cid = int(office.post("/circulars/new", data=data).headers["Location"].rsplit("/", 1)[1])
    today = now().date()
    assert login("leader").post(f"/monitoring/statements/{heating().id}/approve",
                                data={"valid_from": today.isoformat()}).status_code == 302
    page = office.get(f"/circulars/{cid}").get_data(as_text=True)
    assert f"该口径已有新版本：第2版自{today:%Y-%m-%d}起施行，本文采用的是第1版" in page
    assert CircularStatement.get(CircularStatement.circular == cid).number == 1  # the record stays as it was
    with database.atomic():
        Circular.update(body="正文已改写。").where(Circular.id == cid).execute()
    assert "正文中已没有该版口径的原文" in office.get(f"/circulars/{cid}").get_data(as_text=True)
    # a withdrawn statement: no version in force
    login("leader").post(f"/monitoring/statements/{heating().id}/withdraw")
    assert "该口径已废止" in office.get(f"/circulars/{cid}").get_data(as_text=True)


def test_a_version_no_longer_in_force_or_unknown_is_refused_and_changes_nothing(app, login, db):
    office = login("office")
    pending = monitoring_statements.pending(heating())
    r = office.post("/circulars/new", data=dict(form_with(), action="insert_statement",
                                                statement=f"monitoring:{pending.id}"))
    assert r.status_code == 400 and "所选统一口径不存在或已不再施行" in r.get_data(as_text=True)
    data = form_with()
    data["statements"] = ["monitoring:999999"]
    r = office.post("/circulars/new", data=data)
    assert r.status_code == 400 and "所选统一口径已不再施行" in r.get_data(as_text=True)
    assert Circular.select().count() == 3 and CircularStatement.select().count() == 0


def test_statements_relevant_to_a_named_case_come_first_and_a_hidden_case_gives_nothing_away(app, login, db,
                                                                                           make_case):
    from portal.plugin_api import Case, User, approved_statements, can_see

    from plugins.circulars import statements

    case = make_case("反映城郊村冬季供暖用煤价格过高的问题", state="handling", host="煤炭科")
    with database.atomic():
        Case.update(confidentiality="internal").where(Case.id == case.id).execute()
    case = Case.get_by_id(case.id)
    office = User.get(User.username == "office")
    with app.test_request_context():
        outsider = next(u for u in User.select().where(User.active) if not can_see(u, case) and u.can("case.view"))
        offers = statements.offered(office, [case])
        assert offers[0][0].title == HEATING and offers[0][1] is True  # relevant to the named case
        assert approved_statements(office, case) and approved_statements(outsider, case) == []
        assert [s for s, relevant in statements.offered(outsider, [case]) if relevant] == []


def test_without_the_monitoring_plugin_nothing_is_offered_and_a_recorded_version_is_not_checked(tmp_path,
                                                                                                demo_template):
    app = make_app(tmp_path, demo_template, DISABLED_PLUGINS="monitoring")
    office = app.test_client()
    assert office.login("office").status_code == 302
    page = office.get("/circulars/new").get_data(as_text=True)
    assert "插入统一口径" not in page and "统一口径" not in page
    with app.app_context(), database.connection_context():
        data = form_with()
        draft = Circular.get(Circular.state == "draft")
        CircularStatement.create(circular=draft.id, key="monitoring:1", statement_key="monitoring:statement:1",
                                 title=HEATING, number=1, valid_from=now().date() - timedelta(days=3), text="口径原文")
    r = office.post("/circulars/new", data=dict(data, csrf_token=office.csrf_token()))
    assert r.status_code == 302
    page = office.get(f"/circulars/{draft.id}").get_data(as_text=True)
    assert f"{HEATING}</strong>（第1版" in page and "提供统一口径的模块未启用，无法核对是否有新版本" in page
    edit = office.get(f"/circulars/{draft.id}/edit").get_data(as_text=True)
    assert 'name="statements" value="monitoring:1" checked' in edit  # kept as recorded, saved again as it is
    data = dict(form_with(body="正文。"), version=str(draft.version), statements=["monitoring:1"],
                csrf_token=office.csrf_token())
    assert office.post(f"/circulars/{draft.id}/edit", data=data).status_code == 302
