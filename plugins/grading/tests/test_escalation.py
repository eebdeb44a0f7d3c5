"""Escalation over HTTP: snapshots raise the grade and tell the leaders; nothing lowers it but a
leader; a leader's grade wins; the office moves a 一般 case to 重大 handling."""
from plugins.grading.models import Grade, Snapshot
from plugins.grading.tests.helpers import grade_of, messages, page, set_flags, snapshot
from portal.db import database
from tests.core.case_helpers import register


def test_a_snapshot_that_crosses_a_threshold_upgrades_and_tells_the_leaders_at_once(login):
    monitor, leader = login("monitor"), login("leader")
    case = register(monitor, title="网传某电厂排放超标")

    assert snapshot(monitor, case.id, clicks=999, comments=99, reposts=4, heat_index=30).status_code == 302
    assert grade_of(case.id) == "general"
    assert messages("leader", case.id) == []  # 一般: nobody is disturbed

    response = snapshot(monitor, case.id, clicks=1000, comments=99, reposts=4, heat_index=45.5)
    assert response.status_code == 302
    assert "当前分级：重大" in page(monitor, response.headers["Location"])
    assert grade_of(case.id) == "major"
    for username in ("leader", "deputy"):
        assert messages(username, case.id) == [
            f"舆情事项 {case.number} 升级为重大舆情（点击率1000人次，在1000至2999人次之间），请及时研判决策：网传某电厂排放超标"]
    assert messages("office", case.id) == []  # the upgrade goes to the leaders
    assert "升级为重大舆情" in page(leader, "/notifications")

    case_page = page(leader, f"/cases/{case.id}")
    assert "分级：一般 → 重大（按规则判定：点击率1000人次，在1000至2999人次之间）" in case_page  # the timeline
    assert "记录热度：点击率1000人次、跟帖评论99篇、主流网站转发4家、热点指数45.5" in case_page
    panel = page(leader, f"/grading/cases/{case.id}/panel")
    assert "重大舆情" in panel and "局领导召开紧急会议" in panel and "1,000" in panel

    snapshot(monitor, case.id, clicks=3000, comments=120)
    assert grade_of(case.id) == "critical"
    assert messages("leader", case.id)[-1].startswith(f"舆情事项 {case.number} 升级为特别重大舆情（点击率3000人次，达到3000人次以上")
    assert len(messages("leader", case.id)) == 2


def test_the_grade_never_falls_by_itself(login):
    monitor, office = login("monitor"), login("office")
    case = register(monitor)
    snapshot(monitor, case.id, clicks=0, comments=650)
    assert grade_of(case.id) == "critical"
    snapshot(monitor, case.id, clicks=20, comments=3, heat_index=2)
    assert grade_of(case.id) == "critical"
    panel = page(office, f"/grading/cases/{case.id}/panel")
    assert "按最新数据，规则判定为一般。分级不会自动下调" in panel
    assert len(messages("leader", case.id)) == 1


def test_a_flag_makes_it_critical_and_the_sensitive_period_counts_reposts(login):
    monitor, office = login("monitor"), login("office")
    case = register(monitor)
    snapshot(monitor, case.id, clicks=50, reposts=2)
    assert grade_of(case.id) == "general"
    assert set_flags(monitor, case.id, "sensitive_period").status_code == 302
    assert grade_of(case.id) == "major"
    assert set_flags(office, case.id, "sensitive_period", "production_safety").status_code == 302
    assert grade_of(case.id) == "critical"
    panel = page(office, f"/grading/cases/{case.id}/panel")
    assert "涉及安全生产" in panel and "特殊时期（敏感时期）" in panel
    assert "舆情标记改为：涉及安全生产、特殊时期（敏感时期）" in page(office, f"/cases/{case.id}")
    set_flags(office, case.id)  # flags cleared: the grade stays
    assert grade_of(case.id) == "critical"


def test_a_leaders_grade_wins_and_is_recorded(login):
    monitor, leader, deputy = login("monitor"), login("leader"), login("deputy")
    case = register(monitor)
    snapshot(monitor, case.id, clicks=1500)
    assert grade_of(case.id) == "major"

    refused = leader.post(f"/grading/cases/{case.id}/grade", data={"grade": "general", "reason": " "})
    assert refused.status_code == 400 and "请填写定级理由" in refused.get_data(as_text=True)
    assert grade_of(case.id) == "major"

    response = leader.post(f"/grading/cases/{case.id}/grade",
                           data={"grade": "general", "reason": "点击量系刷量所致，实际关注有限。"})
    assert response.status_code == 302 and grade_of(case.id) == "general"
    assert "分级：重大 → 一般（局领导人工定级：点击量系刷量所致，实际关注有限。）" in page(deputy, f"/cases/{case.id}")

    snapshot(monitor, case.id, clicks=3500)  # the rule would say 特别重大; the leader's grade stands
    assert grade_of(case.id) == "general"
    assert messages("deputy", case.id)[-1] == (f"舆情事项 {case.number} 按最新数据应为特别重大（点击率3500人次，达到3000人次以上），"
                                      "现为局领导人工定级“一般”，请复核分级。")
    panel = page(deputy, f"/grading/cases/{case.id}/panel")
    assert "局领导人工定级" in panel and "高于局领导人工定级，请局领导复核" in panel

    deputy.post(f"/grading/cases/{case.id}/grade", data={"grade": "critical", "reason": "同意按特别重大处置。"})
    assert grade_of(case.id) == "critical"
    assert messages("leader", case.id)[-1].startswith(f"舆情事项 {case.number} 升级为特别重大舆情（同意按特别重大处置。）")


def test_only_a_leader_sets_the_grade(login):
    monitor = login("monitor")
    case = register(monitor)
    assert monitor.post(f"/grading/cases/{case.id}/grade", data={"grade": "general", "reason": "x"}).status_code == 403
    assert login("office").get(f"/grading/cases/{case.id}/grade").status_code == 403
    assert grade_of(case.id) is None


def test_the_office_moves_a_general_case_to_major_handling(login):
    monitor, office, leader = login("monitor"), login("office"), login("leader")
    case = register(monitor)
    snapshot(monitor, case.id, clicks=300, comments=20)
    assert "提级处置（按重大舆情）" in page(office, f"/cases/{case.id}")

    empty = office.post(f"/grading/cases/{case.id}/escalate", data={"reason": ""})
    assert empty.status_code == 400 and "请填写提级理由" in empty.get_data(as_text=True)
    assert grade_of(case.id) == "general"

    response = office.post(f"/grading/cases/{case.id}/escalate", data={"reason": "经引导仍持续发酵，出现扩大迹象。"})
    assert response.status_code == 302 and grade_of(case.id) == "major"
    assert messages("leader", case.id)[-1].startswith(f"舆情事项 {case.number} 升级为重大舆情（经引导仍持续发酵")
    assert "分级：一般 → 重大（办公室提级处置：经引导仍持续发酵，出现扩大迹象。）" in page(leader, f"/cases/{case.id}")
    assert "提级处置（按重大舆情）" not in page(office, f"/cases/{case.id}")

    again = office.post(f"/grading/cases/{case.id}/escalate", data={"reason": "再次提级"})
    assert again.status_code == 400 and "已是重大舆情，无需提级" in again.get_data(as_text=True)

    leader.post(f"/grading/cases/{case.id}/grade", data={"grade": "general", "reason": "已平息。"})
    refused = office.post(f"/grading/cases/{case.id}/escalate", data={"reason": "又有扩大迹象"})
    assert refused.status_code == 400 and "局领导已人工定级为“一般”" in refused.get_data(as_text=True)
    assert grade_of(case.id) == "general"


def test_bad_numbers_change_nothing(login):
    monitor = login("monitor")
    case = register(monitor)
    for fields, message in (({"clicks": "很多"}, "点击率（人次）须为0至1000000000之间的整数"),
                            ({"comments": "-3"}, "跟帖评论（篇）须为0至1000000000之间的整数"),
                            ({"heat_index": "nan"}, "热点指数须为不小于0的数字"),
                            ({"observed_at": "2000-01-01T00:00"}, "观测时间须在网民发帖之后")):
        response = snapshot(monitor, case.id, **fields)
        assert response.status_code == 400 and message in response.get_data(as_text=True), fields
    bad_flag = monitor.post(f"/grading/cases/{case.id}/metrics", data={"form": "flags", "flags": "rumour"})
    assert bad_flag.status_code == 400 and "请从列表中选择标记" in bad_flag.get_data(as_text=True)
    assert grade_of(case.id) is None
    with database.connection_context():
        assert Snapshot.select().where(Snapshot.case == case.id).count() == 0


def test_thousands_separators_are_accepted(login):
    monitor = login("monitor")
    case = register(monitor)
    assert snapshot(monitor, case.id, clicks="1,200").status_code == 302
    with database.connection_context():
        assert Grade.get(Grade.case == case.id).grade == "major"
