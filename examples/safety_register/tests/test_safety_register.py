"""安全生产舆情风险台账: who may use it, the register, the widget, the section, the monthly PDF.

The fixtures (app, login, office_client …) come with the portal (portal.testing)."""
import io

import pytest
from pypdf import PdfReader

from portal.plugin_api import Department, User, now
from portal.testing import check_access

from safety_register.models import SafetyRisk

RISK = {"title": "某化工园区爆炸视频被误传为本地", "domain": "chemical", "level": "high",
        "measures": "联系园区核实，发布辟谣信息。"}


@pytest.fixture
def ids(app, db):
    liaison = User.get(username="safety_liaison")
    risk = SafetyRisk.create(registered_by=liaison, **RISK)
    return {"risk": risk.id, "month": now().strftime("%Y%m"), "safety": Department.get(name="安全监管科").id,
            "power": Department.get(name="电力科").id}


# 安全监管科's liaison and the office and the leaders see it; 电力科's and 煤炭科's heads do not.
GET = """
route                                  anonymous admin leader office head coal_head liaison safety_liaison
/safety/                               login     403   200    200    403  403       403     200
/documents/safety.monthly/{month}.pdf  login     404   200    200    404  404       404     200
/documents/safety.monthly/202613.pdf   login     404   404    404    404  404       404     404
"""

POST = """
route                                  anonymous admin leader office head coal_head liaison safety_liaison
/safety/risks                          login     403   403    ok     403  403       403     ok
/safety/{risk}/resolve                 login     403   403    ok     403  403       403     ok
"""


def test_who_may_open_the_register(app, ids):
    assert check_access(app, GET, ids=ids) == []


def test_who_may_change_it(app, ids):
    assert check_access(app, POST, method="POST", ids=ids, data={"version": "0"}) == []


def test_a_member_registers_a_risk_and_sees_it_in_the_list(login):
    member = login("safety_liaison")
    response = member.post("/safety/risks", data=RISK)
    assert response.status_code == 302
    page = member.get("/safety/").get_data(as_text=True)
    assert "某化工园区爆炸视频被误传为本地" in page and "危险化学品" in page and "风险已登记" in page


def test_a_form_with_mistakes_names_them_all_and_changes_nothing(app, login, db):
    before = SafetyRisk.select().count()
    response = login("safety_liaison").post("/safety/risks", data={"title": "", "measures": "", "domain": "x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "风险事项" in page and "防范措施" in page and "请选择所属领域" in page and "请选择风险等级" in page
    assert SafetyRisk.select().count() == before


def test_resolving_twice_from_the_same_page_is_refused_the_second_time(login, ids, db):
    member = login("safety_liaison")
    assert member.post(f"/safety/{ids['risk']}/resolve", data={"version": "1"}).status_code == 302
    second = member.post(f"/safety/{ids['risk']}/resolve", data={"version": "1"}, follow_redirects=True)
    assert "已被他人更新" in second.get_data(as_text=True)
    assert SafetyRisk.get_by_id(ids["risk"]).version == 2


def test_the_department_page_widget_and_menu_follow_the_permission(login, ids):
    member, head = login("safety_liaison"), login("head")
    safety_page = member.get(f"/departments/{ids['safety']}").get_data(as_text=True)
    assert "安全生产舆情风险台账" in safety_page and "某化工园区爆炸视频" in safety_page
    assert "安全生产舆情风险台账" not in member.get(f"/departments/{ids['power']}").get_data(as_text=True)
    assert "安全生产舆情风险台账" not in head.get(f"/departments/{ids['safety']}").get_data(as_text=True)
    home = member.get("/").get_data(as_text=True)
    assert "在控风险" in home and "风险台账" in home
    other = head.get("/").get_data(as_text=True)
    assert "在控风险" not in other and "风险台账" not in other


def test_the_monthly_pdf_lists_the_months_risks(login, ids):
    response = login("office").get(f"/documents/safety.monthly/{ids['month']}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "安全生产舆情风险台账" in text and "某化工园区爆炸视频被误传为本地" in text and "在控" in text


def test_the_register_opens_for_the_office(office_client):
    response = office_client.get("/safety/")
    assert "安全生产舆情风险台账" in response.get_data(as_text=True)
