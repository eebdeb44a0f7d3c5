"""Evidence from other plugins (hook portal_evidence_sources): the monitoring desk offers the
commentator team's trainings (and the duty rosters of sensitive periods) of the year; a unit
attaches one to a checklist item as accepted evidence, shown with its link; a record deleted
since, or its plugin switched off, is said so — and accountability works without the monitoring
plugin."""
from portal.plugin_api import AuditEvent, database, now
from portal.testing import make_app

from plugins.accountability.models import Evidence
from plugins.accountability.tests.helpers import item_of, page, reload
from plugins.monitoring.models import Training

YEAR = now().year
TEAM = "建好网络评论员队伍并定期培训"  # the Party group's item (第七条（二）)
UNIT = "定期研判并向党组报告"


def reopened(year, unit, title):
    """The item, open and without the references the demo gave it."""
    item = item_of(year, unit, title)
    with database.atomic():
        Evidence.delete().where((Evidence.item == item.id) & (Evidence.ref_kind != "")).execute()
        item.__class__.update(state="open", version=item.version + 1).where(item.__class__.id == item.id).execute()
    return reload(item)


def trainings():
    return {t.topic: t for t in Training.select()}


def attach(client, item, value, note=""):
    return client.post(f"/accountability/items/{item.id}/references", data={"reference": value, "note": note})


def test_a_training_becomes_evidence_with_its_link_and_is_offered_once(app, login, db):
    office = login("office")
    item = reopened(YEAR, None, TEAM)
    html = page(office, f"/accountability/items/{item.id}")
    first = trainings()["网络舆情研判与分级"]
    assert "采用其他模块的记录" in html and "网络评论员培训：网络舆情研判与分级" in html
    assert "特殊时期值班：国庆节假期（2个班次）" in html  # the Party group's 24-hour watch
    r = attach(office, item, f"monitoring.training|{first.id}", note="全年第一次培训")
    assert r.status_code == 302
    row = Evidence.get((Evidence.item == item.id) & (Evidence.ref_kind == "monitoring.training"))
    assert (row.state, row.ref_id, row.ref_day) == ("accepted", str(first.id), first.held_on)
    event = AuditEvent.select().where(AuditEvent.action == "accountability.evidence_referenced").get()
    assert "网络舆情研判与分级" in event.summary and event.object_id == item.id
    html = page(office, f"/accountability/items/{item.id}")
    assert f'href="/monitoring/trainings/{first.id}">网络评论员培训：网络舆情研判与分级' in html
    assert f'value="monitoring.training|{first.id}"' not in html  # not offered twice
    r = attach(office, item, f"monitoring.training|{first.id}")
    assert r.status_code == 303 and Evidence.select().where(Evidence.item == item.id,
                                                            Evidence.ref_kind != "").count() == 1
    # accepted evidence: the self-assessment may now be filed
    assert "请先上传佐证材料" not in page(office, f"/accountability/items/{item.id}")


def test_a_department_is_offered_the_trainings_its_members_attended_linked_for_the_desk_only(app, login, db):
    coal = reopened(YEAR, "煤炭科", UNIT)
    html = page(login("office"), f"/accountability/items/{coal.id}")
    assert "网络舆情研判与分级" in html and "回应网民关切的口径与技巧" not in html  # 蒋秋月 missed it
    assert "特殊时期值班：" not in html  # the Party group's
    power = reopened(YEAR, "电力科", UNIT)
    first = trainings()["网络舆情研判与分级"]
    head = login("head")  # 电力科's head: owns the item, does not hold monitoring.view
    assert attach(head, power, f"monitoring.training|{first.id}").status_code == 302
    html = page(head, f"/accountability/items/{power.id}")
    assert "网络评论员培训：网络舆情研判与分级" in html and f"/monitoring/trainings/{first.id}" not in html


def test_bad_or_foreign_references_are_refused_and_change_nothing(app, login, db):
    office = login("office")
    item = reopened(YEAR, "煤炭科", UNIT)
    second = trainings()["回应网民关切的口径与技巧"]
    for value in ("", "monitoring.training|999999", f"monitoring.training|{second.id}", "x|1"):
        r = attach(office, item, value)
        assert r.status_code == 303, value
    assert not Evidence.select().where(Evidence.item == item.id, Evidence.ref_kind != "").exists()
    done = item_of(YEAR - 1, None, TEAM)
    assert done.state == "done"
    attach(office, done, "monitoring.training|1")
    assert not Evidence.select().where(Evidence.item == done.id, Evidence.ref_kind != "").exists()


def test_a_deleted_record_is_shown_as_deleted(app, login, db):
    office = login("office")
    item = reopened(YEAR, None, TEAM)
    first = trainings()["网络舆情研判与分级"]
    attach(office, item, f"monitoring.training|{first.id}")
    with database.atomic():
        Training.delete().where(Training.id == first.id).execute()
    html = page(office, f"/accountability/items/{item.id}")
    assert "网络评论员培训：网络舆情研判与分级" in html and "原记录已删除" in html
    assert f"/monitoring/trainings/{first.id}" not in html


def test_without_the_monitoring_plugin_the_item_works_and_old_references_say_so(tmp_path, demo_template):
    app = make_app(tmp_path, demo_template, DISABLED_PLUGINS="monitoring")
    with app.app_context(), database.connection_context():
        item = reopened(YEAR, None, TEAM)
        Evidence.create(item=item.id, state="accepted", ref_kind="monitoring.training", ref_id="1",
                        ref_label="网络评论员培训：网络舆情研判与分级", ref_day=now().date())
    office = app.test_client()
    assert office.login("office").status_code == 302
    html = page(office, f"/accountability/items/{item.id}")
    assert "网络评论员培训：网络舆情研判与分级" in html and "提供该记录的模块已停用" in html
    assert "采用其他模块的记录" not in html
    r = office.post(f"/accountability/items/{item.id}/references",
                    data={"reference": "monitoring.training|1", "csrf_token": office.csrf_token()})
    assert r.status_code == 303
    with app.app_context(), database.connection_context():
        assert Evidence.select().where(Evidence.item == item.id, Evidence.ref_kind != "").count() == 1
