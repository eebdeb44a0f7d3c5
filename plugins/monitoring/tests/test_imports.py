"""Imports from monitoring services: CSV in UTF-8 and GBK, Excel with a merged header, bad rows
and duplicates reported with their reasons, nothing changed by a file-level problem, the
mapping remembered per service, candidates accepted (a case with its first heat) or dismissed."""
import io
import json
from datetime import timedelta

import xlsxwriter

from portal.plugin_api import Case, now

from plugins.grading.models import Snapshot
from plugins.monitoring import dedupe, sheets
from plugins.monitoring.models import Batch, Candidate, Service

HEADER = ["标题", "链接", "来源", "发布时间", "作者", "正文", "阅读数", "评论数", "转发数"]
LONG = "网民反映本市某区冬季供暖期间燃煤价格明显上涨，部分农户买不起煤，希望能源主管部门核实价格情况并协调保障供应，" * 2


def when(hours):
    return (now() - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M")


def rows():
    return [
        ["冬季燃煤价格上涨", "https://weibo.example.cn/p/1", "新浪微博", when(5), "晓风", LONG, "1,200", "35", "4"],
        ["光伏补贴迟迟不到", "https://bbs.example.cn/t/2", "某论坛", "昨天下午", "阿明", "光伏补贴的事", "10", "1", "0"],
        ["加油站排长队", "", "微信公众号", when(3), "", "加油站排长队", "5", "0", "0"],
        ["冬季燃煤价格上涨（转）", "https://www.weibo.example.cn/p/1/?utm_source=x", "微博", when(4), "", "转发", "1", "0", "0"],
        ["燃煤涨价", "https://news.example.cn/a/9", "某新闻网", when(2), "", "【转发】" + LONG[:-3] + "！", "30", "2", "1"],
        ["充电桩坏了没人修", "https://bbs.example.cn/t/3", "某论坛", when(1), "", "小区充电桩坏了一个月", "abc", "2", "0"],
        ["风电噪音扰民", "https://bbs.example.cn/t/4", "某论坛", when(1), "", "风电场噪音大，晚上睡不着", "1.2万", "", ""],
    ]


def csv_bytes(encoding, table=None):
    text = "\n".join(",".join(f'"{c}"' for c in r) for r in [HEADER] + (table or rows()))
    return text.encode(encoding)


def upload(client, name, data, service="某舆情监测平台"):
    return client.post("/monitoring/imports", data={"service": service, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def confirm(client, response):
    batch_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    client.post(f"/monitoring/imports/{batch_id}/confirm")
    return Batch.get_by_id(batch_id)


def test_a_gbk_csv_is_imported_with_bad_rows_and_duplicates_reported(app, login, db):
    monitor = login("monitor")
    r = upload(monitor, "导出.csv", csv_bytes("gbk"))
    assert r.status_code == 302
    page = monitor.get(r.headers["Location"]).get_data(as_text=True)
    assert "冬季燃煤价格上涨" in page and "发布时间无法识别：昨天下午" in page and "缺少链接" in page
    batch = confirm(monitor, r)
    assert batch.state == "done" and (batch.imported, batch.duplicates, batch.rejected) == (2, 2, 3)
    report = dict(json.loads(batch.report))
    assert report[3] == "发布时间无法识别：昨天下午"
    assert report[4] == "缺少链接"
    assert report[5].startswith("重复：链接与第2行相同")
    assert report[6].startswith("重复：内容与第2行几乎相同")
    assert "点击/阅读数不是整数：abc" in report[7]
    titles = {c.title: c for c in Candidate.select().where(Candidate.batch == batch.id)}
    assert set(titles) == {"冬季燃煤价格上涨", "风电噪音扰民"}
    assert titles["冬季燃煤价格上涨"].clicks == 1200 and titles["风电噪音扰民"].clicks == 12000
    # the same file again: every row is now a duplicate of what was imported
    again = confirm(monitor, upload(monitor, "导出.csv", csv_bytes("utf-8-sig")))
    assert (again.imported, again.duplicates, again.rejected) == (0, 4, 3)


def test_an_excel_file_with_a_merged_header_is_read(app, login, db):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("舆情")
    sheet.write_row(0, 0, ["某舆情监测平台 导出数据"])
    for col, name in enumerate(["标题", "链接", "站点", "发布时间", "正文"]):
        sheet.merge_range(1, col, 2, col, name)
    sheet.merge_range(1, 5, 1, 7, "传播数据")
    sheet.write_row(2, 5, ["阅读数", "评论数", "转发数"])
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(3, 0, ["风电项目噪音扰民", "https://bbs.example.cn/t/8", "某论坛"])
    sheet.write_datetime(3, 3, (now() - timedelta(hours=3)).replace(microsecond=0), stamp)
    sheet.write_row(3, 4, ["风电场噪音大", 2500, 120, 3])
    book.close()
    table = sheets.table("导出.xlsx", out.getvalue())
    assert table.guess["clicks"] == "阅读数" and table.guess["site"] == "站点" and len(table.rows) == 1
    monitor = login("monitor")
    batch = confirm(monitor, upload(monitor, "导出.xlsx", out.getvalue()))
    c = Candidate.get(Candidate.batch == batch.id)
    assert (c.title, c.site, c.clicks, c.comments, c.reposts) == ("风电项目噪音扰民", "某论坛", 2500, 120, 3)


def test_a_file_level_problem_changes_nothing_and_says_why(app, login, db):
    monitor = login("monitor")
    before = (Batch.select().count(), Service.select().count())
    for name, data, reason in (("导出.xlsx", b"PK\x03\x04 not really", "无法读取这个Excel文件"),
                               ("导出.csv", "甲,乙,丙\n1,2,3\n".encode(), "找不到表头"),
                               ("导出.csv", b"", "文件是空的"),
                               ("导出.doc", b"abc", "只能导入CSV")):
        r = upload(monitor, name, data)
        assert r.status_code == 303
        assert reason in monitor.get("/monitoring/imports").get_data(as_text=True)
    assert (Batch.select().count(), Service.select().count()) == before


def test_the_mapping_is_asked_once_and_remembered_per_service(app, login, db):
    odd = ["帖子名", "网址链接", "发布时间", "作者"]
    data = "\n".join(",".join(r) for r in [odd, ["某帖", "https://t.example.cn/1", when(2), "某人"]]).encode()
    monitor = login("monitor")
    r = upload(monitor, "a.csv", data, service="新服务")
    batch_id = int(r.headers["Location"].split("/")[-1])
    page = monitor.get(r.headers["Location"]).get_data(as_text=True)
    assert "请先指定“标题”“链接”对应的列" in page
    failed = monitor.post(f"/monitoring/imports/{batch_id}/confirm")
    assert Candidate.select().where(Candidate.batch == batch_id).count() == 0
    monitor.post(f"/monitoring/imports/{batch_id}/mapping", data={"map_title": "帖子名", "map_url": "网址链接",
                                                                  "map_posted_at": "发布时间", "map_author": "作者"})
    r2 = upload(monitor, "b.csv", data.replace(b"t.example.cn/1", b"t.example.cn/2"), service="新服务")
    batch = confirm(monitor, r2)
    assert batch.imported == 1 and Candidate.get(Candidate.batch == batch.id).title == "某帖"
    assert failed.status_code == 303


def test_a_candidate_is_accepted_with_its_heat_or_dismissed_with_a_reason(app, login, db):
    monitor = login("monitor")
    batch = confirm(monitor, upload(monitor, "导出.csv", csv_bytes("utf-8")))
    coal = Candidate.get((Candidate.batch == batch.id) & (Candidate.title == "冬季燃煤价格上涨"))
    page = monitor.get("/monitoring/candidates").get_data(as_text=True)
    assert "冬季燃煤价格上涨" in page and "冬季供暖与燃料价格" in page  # the watch list's topic
    r = monitor.post(f"/monitoring/candidates/{coal.id}/accept", data={"version": "1", "source": "weibo",
                                                                       "category": "appeal"})
    assert r.status_code == 302
    case = Case.get_by_id(Candidate.get_by_id(coal.id).case_id)
    assert (case.title, case.url, case.source) == ("冬季燃煤价格上涨", "https://weibo.example.cn/p/1", "weibo")
    heat = Snapshot.get(Snapshot.case == case.id)
    assert (heat.clicks, heat.comments, heat.reposts) == (1200, 35, 4)
    again = monitor.post(f"/monitoring/candidates/{coal.id}/accept", data={"version": "2", "source": "weibo",
                                                                           "category": "appeal"})
    assert again.status_code == 303 and Case.select().where(Case.url == case.url).count() == 1
    wind = Candidate.get((Candidate.batch == batch.id) & (Candidate.title == "风电噪音扰民"))
    r = monitor.post(f"/monitoring/candidates/{wind.id}/dismiss", data={"version": "1", "reason": ""})
    assert r.status_code == 303 and Candidate.get_by_id(wind.id).state == "waiting"
    monitor.post(f"/monitoring/candidates/{wind.id}/dismiss", data={"version": "1", "reason": "已由属地处理"})
    assert Candidate.get_by_id(wind.id).state == "dismissed"


def test_near_identical_means_a_trigram_jaccard_of_at_least_0_8():
    a = "abcdefghijklmnopqrstuvwxyz"  # 24 trigrams
    assert dedupe.similarity(dedupe.grams(a), dedupe.grams(a + "。")) == 1.0  # punctuation does not count
    # append k letters: 24 shared of 24 + k → 0.8 at k = 6, below it at k = 7
    assert dedupe.similarity(dedupe.grams(a), dedupe.grams(a + "123456")) == 0.8
    seen = dedupe.Seen()
    seen.add("", a, "甲")
    assert seen.duplicate("", a + "123456") == "内容与甲几乎相同"
    assert seen.duplicate("", a + "1234567") is None
    assert seen.duplicate("https://x.example.cn/", "完全不同的内容") is None
