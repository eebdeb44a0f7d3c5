"""The 会议纪要 measured against GB/T 9704-2012's 纪要 format (10.3) and the agenda (议程) PDF,
both read from the PDFs the document service makes."""
import io

import pytest

from plugins.meetings.models import Attendee, Item, Meeting
from plugins.meetings.printing import ORGAN
from portal.db import database, now
from portal.org.models import User

measure = pytest.importorskip("portal.documents.measure")
from tests.documents.layout_check import ADV, LEFT, TOP  # noqa: E402

MARK = "能源领域网络舆情联席会议纪要"


def _demo_meeting() -> Meeting:
    """The demo's held regular meeting, compiled, its minutes confirmed, with people at it, on
    leave and invited: the 出席 list long enough to run onto a second line."""
    with database.connection_context():
        meeting = Meeting.get(Meeting.kind == "regular")
        Item.update(minutes_state="confirmed").where(Item.meeting == meeting.id).execute()
        Meeting.update(summary="会议听取了各成员单位的情况汇报，研究了以下事项。", compiled_at=now()).where(
            Meeting.id == meeting.id).execute()
        monitor = User.get(User.username == "monitor")
        Attendee.insert(meeting=meeting.id, user=monitor.id, invited=True, attendance="observer").on_conflict_ignore().execute()
        return Meeting.get_by_id(meeting.id)


def _pdf(client, kind, meeting_id) -> bytes:
    response = client.get(f"/documents/{kind}/{meeting_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.get_data(as_text=True)[:500]
    return response.get_data()


def _color_red(char) -> bool:
    color = char.color
    return len(color) == 3 and color[0] > 0.8 and color[1] < 0.2 and color[2] < 0.2


def test_the_minutes_follow_the_jiyao_format(office_client):
    meeting = _demo_meeting()
    pdf = measure.MeasuredPdf(_pdf(office_client, "meetings.minutes", meeting.id))
    fonts = pdf.fonts
    lines = pdf.lines(0)
    text = pdf.text().replace(" ", "")

    # The 纪要标志 in red 小标宋 (the title's face), 35 mm below the type area's top; no 红头 "文件".
    mark = pdf.line(0, MARK)
    assert mark.text.strip() == MARK
    assert all(_color_red(c) for c in mark.chars)
    title = next(ln for ln in lines if ln.text.replace(" ", "").startswith(meeting.title[:8]))
    assert {c.font for c in mark.chars} == {c.font for c in title.chars if not c.text.isdigit()}
    assert abs(mark.em_box(fonts)[0] - (TOP + 35)) < 1.0
    assert "文件" not in mark.text

    # No 发文机关署名 (the office is named once, in the head) and no 主送.
    assert text.count(ORGAN) == 1
    assert "各成员单位：" not in text

    # 出席/请假/列席: two characters in, the label in 黑体, the people in the body's 仿宋, a second line
    # aligned after the colon; 出席 one blank line below the body.
    body = pdf.line(0, "会议听取了")
    attend = next(ln for p in range(len(pdf.pages)) for ln in pdf.lines(p) if ln.text.startswith("出席："))
    label, names = attend.chars[:3], [c for c in attend.chars[3:] if not c.text.isdigit() and c.text.strip()]
    assert abs(attend.x0 - (LEFT + 2 * ADV)) < 0.5
    heiti = {c.font for c in label}
    assert len(heiti) == 1 and heiti.isdisjoint({c.font for c in names})
    assert {c.font for c in names} <= {c.font for c in body.chars}
    page = next(p for p in range(len(pdf.pages)) if any(ln.text.startswith("出席：") for ln in pdf.lines(p)))
    page_lines = pdf.lines(page)
    after = page_lines[page_lines.index(attend) + 1]
    assert not after.text.startswith(("请假", "列席")), "the 出席 list should run onto a second line"
    assert abs(after.x0 - (LEFT + 5 * ADV)) < 0.5
    for label in ("请假：", "列席："):
        line = next(ln for ln in page_lines if ln.text.startswith(label))
        assert abs(line.x0 - (LEFT + 2 * ADV)) < 0.5
    assert "请假：煤炭科韩志明（外出检查）" in text
    assert "列席：信息中心李晓峰" in text
    before = page_lines[page_lines.index(attend) - 1]  # the body's last line
    pitch = after.baseline - attend.baseline
    assert abs((attend.baseline - before.baseline) - 2 * pitch) < 0.5


def test_the_agenda_pdf_lists_the_items_with_opinion_and_basis(office_client, liaison_client):
    meeting = _demo_meeting()
    pdf = _pdf(liaison_client, "meetings.agenda", meeting.id)
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "").replace("\n", "")
    assert "议\u3000程" in text and "局机关三楼会议室" in text and "主持人：赵文博" in text
    assert "一、迎峰度夏期间停电投诉舆情的应对口径" in text and "二、煤矿安全生产类舆情信息共享" in text
    assert "处理意见：统一由电力科会同供电公司拟定答复口径" in text
    assert "依据：《网络舆情预警机制及应对预案》四（一）" in text
