"""The grading forms say everything that is wrong at once, and change nothing."""
from plugins.grading.models import Assessment, Review, Snapshot
from plugins.grading.tests.helpers import snapshot
from portal.db import database
from tests.core.case_helpers import register
from tests.hostile import messages


def shown(response):
    assert response.status_code == 400
    return set(messages(response.get_data(as_text=True)))


def count(model, case):
    with database.connection_context():
        return model.select().where(model.case == case.id).count()


def test_a_heat_record_names_every_bad_number(login):
    monitor = login("monitor")
    case = register(monitor)
    refused = snapshot(monitor, case.id, clicks="很多", comments="-1", reposts="x", heat_index="高",
                       observed_at="昨天", note="长" * 201)
    assert {"点击率（人次）须为0至1000000000之间的整数。", "跟帖评论（篇）须为0至1000000000之间的整数。",
            "主流网站转发（家）须为0至100000之间的整数。", "热点指数须为不小于0的数字。",
            "请按“年-月-日 时:分”填写观测时间。", "说明不能超过200个字。"} <= shown(refused)
    assert count(Snapshot, case) == 0


def test_an_assessment_names_every_missing_field(login):
    office = login("office")
    case = register(login("monitor"))
    refused = office.post(f"/grading/cases/{case.id}/assess", data={"content": "", "attention": "", "commenters": "",
                                                                    "heat_index": "", "stage": "", "impact": "",
                                                                    "response": ""})
    assert {"请填写舆情内容。", "请填写关注度。", "跟帖人数须为0至1000000000之间的整数。", "热点指数须为不小于0的数字。",
            "请选择舆情所处的发展阶段。", "请填写可能产生的影响。", "请填写建议应对措施。"} <= shown(refused)
    assert count(Assessment, case) == 0


def test_a_manual_grade_names_grade_and_reason(login):
    case = register(login("monitor"))
    refused = login("leader").post(f"/grading/cases/{case.id}/grade", data={"grade": "", "reason": ""})
    assert {"请选择分级。", "请填写定级理由。"} <= shown(refused)


def test_a_review_names_every_missing_part(login):
    monitor = login("monitor")
    case = register(monitor)
    snapshot(monitor, case.id, clicks=1500)  # 重大, its response over: the review is due
    login("office").post(f"/grading/cases/{case.id}/eliminate", data={"note": "已辟谣。"})
    refused = login("leader").post(f"/grading/cases/{case.id}/review", data={"summary": "", "worked": "", "failed": ""})
    assert {"请填写总结。", "请填写成功经验。", "请填写暴露的问题。"} <= shown(refused)
    assert count(Review, case) == 0


def test_the_thresholds_name_every_bad_value(login):
    refused = login("admin").post("/grading/settings", data={"major_clicks": "abc", "major_comments": "-5"})
    assert len([m for m in shown(refused) if "须为0至100000000之间的整数" in m]) >= 2
