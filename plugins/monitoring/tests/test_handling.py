"""分类处置: the class drives what is asked for — a same-day holding reply with a promised date
tracked like a deadline, or the facts published and a police referral."""
from datetime import datetime, timedelta

from portal.plugin_api import Notification, now

from plugins.monitoring import handling
from plugins.monitoring.models import Handling


def post(client, case, step, **data):
    return client.post(f"/monitoring/cases/{case.id}/handling/{step}", data=dict(data))


def test_an_enquiry_gets_a_same_day_holding_reply_and_its_promise_is_tracked(app, login, db, make_case):
    case = make_case("询问光伏补贴何时发放", state="handling", host="电力科")
    head = login("head")
    assert post(head, case, "class", klass="enquiry", version="0").status_code == 302
    row = Handling.get(Handling.case == case.id)
    promised = (now() + timedelta(days=3)).date()
    r = post(head, case, "holding", holding_text="已收到，正在核实，3日内答复。", promised_on=promised.isoformat(),
             version=str(row.version))
    assert r.status_code == 302
    row = Handling.get(Handling.case == case.id)
    assert handling.same_day(row, case) and row.promised_on == promised
    panel = head.get(f"/monitoring/cases/{case.id}/handling").get_data(as_text=True)
    assert f"承诺 <strong>{promised:%Y-%m-%d}</strong> 前答复" in panel and "已逾期" not in panel
    # the promise passes with the case still open: the host department and the office are told, once
    later = datetime.combine(promised + timedelta(days=1), datetime.min.time())
    with app.app_context():
        # the demo's promises pass too (one already has: a page load's tick may have sent that)
        assert handling.remind_promises(later) >= 1 and handling.remind_promises(later) == 0
    assert Handling.get(Handling.case == case.id).promise_reminded_at == later
    told = {n.user.username for n in Notification.select().where(Notification.kind == "monitoring_promise")}
    assert {"head", "office"} <= told


def test_a_referral_belongs_to_the_other_classes(app, login, db, make_case):
    case = make_case("网传某电厂爆炸系谣言", state="handling", host="电力科")
    office = login("office")
    post(office, case, "class", klass="fabrication", version="0")
    row = Handling.get(Handling.case == case.id)
    r = post(office, case, "holding", holding_text="x", promised_on=now().date().isoformat(), version=str(row.version))
    assert r.status_code == 303 and Handling.get_by_id(row.id).holding_at is None
    assert post(office, case, "referral", version=str(row.version)).status_code == 303  # nothing given
    r = post(office, case, "referral", facts_text="经核实，该电厂运行正常，网传视频系外地旧闻。",
             referred_on=now().date().isoformat(), referral_ref="商请函〔2026〕3号", version=str(row.version))
    assert r.status_code == 302
    panel = office.get(f"/monitoring/cases/{case.id}/handling").get_data(as_text=True)
    assert "商请函〔2026〕3号" in panel and "网传视频系外地旧闻" in panel


def test_only_the_office_and_the_host_department_record_it(app, login, db, make_case):
    case = make_case("询问煤价", state="handling", host="电力科")
    r = post(login("coal_head"), case, "class", klass="enquiry", version="0")
    assert r.status_code == 303 and not Handling.select().where(Handling.case == case.id).exists()
    assert "<form" not in login("coal_head").get(f"/monitoring/cases/{case.id}/handling").get_data(as_text=True)


def test_the_demo_shows_each_handling_class(app, login, db):
    """询问/置疑/诉求 with a same-day holding reply and a promised date (one passed), 恶意传播炒作 with the
    facts published and a police referral (reference, outcome), 捏造歪曲攻击 clarified."""
    from portal.plugin_api import Case

    office = login("office")
    rows = {r.case.title: r for r in Handling.select(Handling, Case).join(Case)}
    assert {r.klass for r in rows.values()} == {"enquiry", "spreading", "fabrication"}
    today = now().date()

    def panel(title):
        return office.get(f"/monitoring/cases/{rows[title].case_id}/handling").get_data(as_text=True)

    heating = rows["反映城郊村冬季供暖用煤价格过高"]
    assert handling.same_day(heating, heating.case) and heating.promised_on > today
    assert "已逾期" not in panel("反映城郊村冬季供暖用煤价格过高")
    charging = rows["建议在高速服务区增设充电桩"]
    assert charging.promised_on < today and "已逾期" in panel("建议在高速服务区增设充电桩")
    wind = panel("反映风电项目噪音扰民")
    assert "恶意传播、炒作" in wind and "商请公安" in wind and "能局商〔" in wind and "查处结果" in wind
    rumour = panel("网传某煤矿发生透水事故")
    assert "捏造、歪曲、夸大事实、恶意攻击" in rumour and "未发生透水事故" in rumour
