"""What the plugin adds to the core's pages, who may use it, and the portal without it."""
import re

from plugins.grading.models import Assessment, Grade, Review
from plugins.grading.tests.helpers import grade_of, page, snapshot
from portal.cases.demo import CASES  # twelve, and the 涉密 register entry
from portal.cases.models import Case
from portal.db import database
from portal.org.models import Department
from tests.core.case_helpers import register
from tests.fixtures import make_app

HX = {"HX-Request": "true"}


def case_id(title):
    with database.connection_context():
        return Case.get(Case.title == title).id


def test_the_demo_grades_some_cases_at_every_level(db):
    grades = {row.case.title: row.grade for row in Grade.select(Grade, Case).join(Case)}
    assert grades["小区配电箱长期漏电无人维修"] == "general"
    assert grades["建议在高速服务区增设充电桩"] == "major"
    assert grades["网传某煤矿发生透水事故"] == "critical"
    assert Assessment.select().count() >= 1 and Review.select().count() == 1


def test_badges_on_the_case_list_with_their_stylesheet(login, client):
    office = login("office")
    listing = page(office, "/cases/")
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*建议在高速服务区增设充电桩(?:(?!</tr>).)*</tr>", listing, re.S).group(0)
    assert '<span class="tag grade grade-major" title="舆情分级：重大">重大</span>' in row
    head, body = listing.split("</head>")
    assert head.count('<link rel="stylesheet" href="/grading/static/grading.css">') == 1  # the layout's, once
    assert "<link" not in body  # not in the badges, the filters or anywhere else
    fragment = office.get("/cases/?grade=major_up", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "grade-major" in fragment and "<link" not in fragment
    for url in ("/", "/departments/4"):  # the widget and the department section
        head, body = page(office, url).split("</head>")
        assert head.count("grading.css") == 1 and "<link" not in body
    assert "特别重大" in listing and "已平稳" in listing
    css = client.get("/grading/static/grading.css")  # as public as the core's static files
    assert css.status_code == 200 and css.mimetype == "text/css" and b".grade-critical" in css.data


def test_the_grade_filter_narrows_the_list(login):
    office, monitor = login("office"), login("monitor")
    case = register(monitor, title="新登记的重大舆情")
    snapshot(monitor, case.id, clicks=2000)
    listing = page(office, "/cases/")
    assert '<label for="filter-grade">舆情分级</label>' in listing and '<option value="major_up">重大及以上</option>' in listing

    major = office.get("/cases/?grade=major", headers=HX).get_data(as_text=True)
    assert "新登记的重大舆情" in major and "建议在高速服务区增设充电桩" in major
    assert "网传某煤矿发生透水事故" not in major and "小区配电箱长期漏电无人维修" not in major
    assert "共 2 件" in major
    up = office.get("/cases/?grade=major_up", headers=HX).get_data(as_text=True)
    assert "共 3 件" in up and "网传某煤矿发生透水事故" in up
    ungraded = office.get("/cases/?grade=none", headers=HX).get_data(as_text=True)
    assert "广告推销帖" in ungraded and "新登记的重大舆情" not in ungraded
    assert f"共 {len(CASES) + 2} 件" in office.get("/cases/?grade=bogus", headers=HX).get_data(as_text=True)


def test_the_dashboard_widget(login):
    monitor, leader = login("monitor"), login("leader")
    case = register(monitor, title="刚刚升级的舆情")
    snapshot(monitor, case.id, comments=120)
    home = page(leader, "/")
    widget = home[home.index(">分级预警</h2>"):]
    assert "重大及以上未办结 2" in widget and "近7日升级 3" in widget
    opened = widget[widget.index("重大及以上、尚未办结"):widget.index("近7日升级</h3>")]
    assert "刚刚升级的舆情" in opened and "建议在高速服务区增设充电桩" in opened
    assert "网传某煤矿发生透水事故" not in opened  # eliminated
    assert f"{case.number}</a> 未分级 → <strong>重大</strong>" in widget


def test_the_widget_hides_what_the_user_may_not_see(login):
    home = page(login("staff"), "/")  # 电力科's clerk may not see the internal 透水 case
    widget = home[home.index(">分级预警</h2>"):]
    assert "近7日升级 1" in widget and "YQ-" in widget
    assert "特别重大" not in widget


def test_the_department_section(login):
    with database.connection_context():
        new_energy = Department.get(Department.name == "新能源科").id
        power = Department.get(Department.name == "电力科").id
    section = page(login("office"), f"/departments/{new_energy}")
    section = section[section.index("本科室舆情分级"):]
    assert "一般 0 · 重大 1 · 特别重大 0" in section and "建议在高速服务区增设充电桩" in section
    assert "grade grade-major" in section
    assert "暂无重大、特别重大舆情" in page(login("office"), f"/departments/{power}")


def test_the_panel_on_the_case_page(login):
    office = login("office")
    cid = case_id("建议在高速服务区增设充电桩")
    case_page = page(office, f"/cases/{cid}")
    assert f'hx-get="/grading/cases/{cid}/panel"' in case_page and "分级预警" in case_page
    for label in ("记录热度与标记", "舆情研判", "宣布舆情消除/平稳"):
        assert f'href="/grading/cases/{cid}/' in case_page and label in case_page
    assert "人工定级" not in case_page  # a leader's action
    panel = page(office, f"/grading/cases/{cid}/panel")
    assert "<h2>分级预警</h2>" in panel and "重大舆情" in panel
    assert panel.count("<svg") == 4 and "<polyline" in panel and "重大 1,000" in panel  # a threshold line
    assert "1,720" in panel and "全部热度记录（5 条）" in panel
    assert "style=" not in panel and "<script" not in panel  # the CSP forbids both


def test_user_text_is_escaped(login):
    monitor, office = login("monitor"), login("office")
    case = register(monitor)
    snapshot(monitor, case.id, clicks=5, note="<script>alert(1)</script>")
    office.post(f"/grading/cases/{case.id}/escalate", data={"reason": "<b>扩大</b>"})
    panel = page(office, f"/grading/cases/{case.id}/panel")
    assert "<script>" not in panel and "&lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert "&lt;b&gt;扩大&lt;/b&gt;" in panel


def test_a_staff_clerk_reads_but_cannot_record(login):
    staff = login("staff")
    cid = case_id("建议在高速服务区增设充电桩")
    response = snapshot(staff, cid, clicks=9999)
    assert response.status_code == 403 and "无权访问" in response.get_data(as_text=True)
    assert grade_of(cid) == "major"
    panel = page(staff, f"/grading/cases/{cid}/panel")
    assert "重大舆情" in panel and "记录热度" not in panel and "<form" not in panel
    assert "记录热度与标记" not in page(staff, f"/cases/{cid}")
    assert staff.get("/grading/settings").status_code == 403


def test_a_confidential_case_is_not_found_for_those_who_may_not_see_it(login):
    cid = case_id("网传某煤矿发生透水事故")  # 内部, registered by the monitor, no host department yet
    staff, monitor2 = login("staff"), login("monitor2")
    assert staff.get(f"/grading/cases/{cid}/panel").status_code == 404
    assert monitor2.get(f"/grading/cases/{cid}/metrics").status_code == 404
    assert snapshot(monitor2, cid, clicks=1).status_code == 404
    assert "特别重大" in page(login("monitor"), f"/grading/cases/{cid}/panel")  # its registrant sees it


def test_every_post_needs_the_csrf_token(login):
    monitor = login("monitor")
    case = register(monitor)
    response = monitor.post(f"/grading/cases/{case.id}/metrics", csrf=False,
                            data={"form": "snapshot", "clicks": "5000", "comments": "0", "reposts": "0", "heat_index": "0"})
    assert response.status_code == 400 and "请求已失效" in response.get_data(as_text=True)
    assert grade_of(case.id) is None


def test_the_thresholds_are_edited_by_the_office(login):
    office, monitor = login("office"), login("monitor")
    settings = page(office, "/grading/settings")
    assert "舆情分级标准" in settings and 'name="critical_reposts"' in settings and 'value="3000"' in settings
    assert "分级标准" in page(office, "/")  # the menu entry
    bad = {"major_clicks": "3000", "critical_clicks": "3000", "major_comments": "100", "critical_comments": "500",
           "major_reposts": "1", "critical_reposts": "5"}
    refused = office.post("/grading/settings", data=dict(bad))
    assert refused.status_code == 400 and "点击率：重大的标准须低于特别重大的标准" in refused.get_data(as_text=True)
    assert 'value="3000"' in refused.get_data(as_text=True)
    good = dict(bad, major_clicks="200", critical_clicks="400")
    assert office.post("/grading/settings", data=dict(good)).status_code == 302
    assert "点击率 400 人次以上" in page(office, "/grading/settings")

    case = register(monitor)
    snapshot(monitor, case.id, clicks=250)
    assert grade_of(case.id) == "major"
    assert "修改舆情分级标准" in page(login("admin"), "/admin/audit")
    assert monitor.post("/grading/settings", data=dict(good, critical_clicks="9")).status_code == 403


def test_the_portal_works_without_the_plugin(tmp_path, demo_template):
    app = make_app(tmp_path, demo_template, DISABLED_PLUGINS="grading")
    assert "grading.record" not in app.extensions["portal_permissions"]
    office = app.test_client()
    office.login("office")
    cid = case_id("建议在高速服务区增设充电桩")
    case_page = page(office, f"/cases/{cid}")
    assert "建议在高速服务区增设充电桩" in case_page and "分级预警" not in case_page
    assert "/grading/" not in case_page and "记录热度与标记" not in case_page
    listing = page(office, "/cases/")
    assert "舆情分级" not in listing and "grade-major" not in listing and f"共 {len(CASES) + 1} 件" in listing
    assert "分级预警" not in page(office, "/")
    assert office.get(f"/grading/cases/{cid}/panel").status_code == 404


def test_the_panel_does_not_query_per_record(login):
    """The panel reads each kind of record in one statement, whoever wrote them: the same count for
    one heat record, change and 研判 as for five; and an ungraded case's panel reads only the person,
    the case, whether it has a grade and 研判 (no heat, changes or review can exist without the
    grade): with the case on PostgreSQL, apart on SQLite."""
    from portal.db import is_sqlite, statements_run
    from plugins.grading.tests.test_assessment_review import ASSESSMENT

    monitor, office, leader = login("monitor"), login("office"), login("leader")
    case = register(monitor)
    with statements_run() as counted:
        assert "尚未分级" in page(leader, f"/grading/cases/{case.id}/panel")
    assert len(counted) == (4 if is_sqlite() else 2), counted

    def statements(n):
        with statements_run() as counted:
            shown = page(leader, f"/grading/cases/{case.id}/panel")
        assert f"全部热度记录（{n} 条）" in shown and shown.count("grading-assessment") == n
        return len(counted)

    clients = (monitor, office)
    snapshot(monitor, case.id, clicks=10)
    office.post(f"/grading/cases/{case.id}/assess", data=ASSESSMENT)
    one = statements(1)
    for n in range(4):
        snapshot(clients[n % 2], case.id, clicks=2_000 * (n + 1))  # raises the grade: changes, by two people
        office.post(f"/grading/cases/{case.id}/assess", data=ASSESSMENT)
    assert statements(5) == one
