"""舆情月报: drafted as a 报告 from the statistics' portal document, its PDF carrying the period's
figures, the ranking, the overdue and 通报 lists (普通 cases named, 内部 ones only counted), the
section the office writes and the charts as an attachment."""
import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from plugins.circulars.models import Circular, CircularAttachment
from portal.cases.models import Case
from portal.db import database
from portal.testing import drive

INTERNAL = "内部超期事项不应出现"


@pytest.fixture
def october(app, frozen_clock):
    frozen_clock(datetime(2026, 11, 5, 12, 0))
    made = {}
    for title, host, replied, confidentiality in (("按期回复的事项", "电力科", datetime(2026, 10, 11), "normal"),
                                                  ("超期未回复的事项", "电力科", None, "normal"),
                                                  (INTERNAL, "煤炭科", None, "internal")):
        c = drive(app, title, state="replied" if replied else "handling", host=host)
        with app.app_context(), database.connection_context():
            Case.update(posted_at=datetime(2026, 10, 10, 9), registered_at=datetime(2026, 10, 10, 10),
                        due_at=datetime(2026, 10, 14), replied_at=replied, confidentiality=confidentiality
                        ).where(Case.id == c.id).execute()
        made[title] = c
    return made


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def test_the_office_drafts_the_monthly_report_as_a_report(app, login, october, db):
    from plugins.grading.models import Grade

    for title in ("超期未回复的事项", INTERNAL):  # 重大: the grading plugin's section lists the 普通 one
        Grade.insert(case=october[title].id, grade="major").on_conflict(
            conflict_target=[Grade.case], update={Grade.grade: "major"}).execute()
    office = login("office")
    response = office.post("/circulars/new/from-document", data={"document": "statistics.report:202610"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    circular = Circular.select().order_by(Circular.id.desc()).first()
    assert circular.kind == "report" and circular.state == "draft"
    assert "2026年10月网络舆情月报" in circular.plain_title
    body = circular.body
    assert "本期共登记网络舆情事项3件" in body and "按期率33.3%" in body
    assert "超期未回复的事项" in body and INTERNAL not in body and october[INTERNAL].number not in body
    assert "另有内部事项1件，不在本报告中列出。" in body
    assert "分析与建议" in body and "由领导小组办公室撰写" in body
    major = body[body.index("、重大舆情"):]
    assert "本期重大及以上舆情2件" in major and "超期未回复的事项”：重大" in major
    attachment = CircularAttachment.get(CircularAttachment.circular == circular.id)
    assert (attachment.doc_kind, attachment.doc_id) == ("statistics.report", 202610)

    data = office.get(f"/circulars/{circular.id}.pdf").get_data()
    text = pdf_text(data)
    assert "本期共登记网络舆情事项3件" in text and "超期未回复的事项" in text
    assert "统计图表" in text and "各单位办理情况" in text and "电力科" in text
    assert INTERNAL not in text
    # the charts are vector graphics in the PDF: no raster image, and their labels are text
    assert b"/Subtype /Image" not in data and b"/Subtype/Image" not in data
    assert "局官网" in text


def test_the_report_is_offered_only_to_who_sees_all_statistics(app, login, october):
    assert login("office").get("/documents/statistics.report/202610.pdf").status_code == 200
    assert login("head").get("/documents/statistics.report/202610.pdf").status_code == 404
    assert login("office").get("/documents/statistics.report/202613.pdf").status_code == 404
