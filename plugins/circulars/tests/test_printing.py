"""A circular's PDF as the office previews it: unsigned, every page marked 草稿 and no empty
"〔 〕号"; once signed, its number and no mark (issue 22, item 8)."""
from portal.documents.measure import MeasuredPdf

from plugins.circulars.tests.test_circulars import new_circular, step


def pages_text(pdf: bytes) -> list[str]:
    measured = MeasuredPdf(pdf)
    return ["".join(line.text for line in measured.lines(i)) for i in range(len(measured.pages))]


def test_an_unsigned_circular_prints_as_a_draft_and_a_signed_one_with_its_number(app, login, db):
    office = login("office")
    cid = new_circular(office, body="为做好节日期间网络舆情工作，现将有关事项通知如下。\n" + "各单位要安排专人值守，及时处置。" * 40)
    pages = pages_text(office.get(f"/circulars/{cid}.pdf").data)
    assert len(pages) >= 2
    assert all("草稿" in text for text in pages if text)
    assert not any("〔〕" in text or "〔　" in text for text in pages)
    assert step(office, cid, "submit").status_code == 302
    assert step(login("office2"), cid, "review").status_code == 302
    assert step(login("leader"), cid, "sign", comment="同意。").status_code == 302
    signed = pages_text(office.get(f"/circulars/{cid}.pdf").data)
    assert "鄂能局发〔" in signed[0] and not any("草稿" in text for text in signed)
