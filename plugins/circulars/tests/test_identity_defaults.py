"""The bureau's identity set by the administrator (/admin/identity) is what a new circular starts
with — 发文机关, 发文机关标志, 机关代字 (per 文种), 署名, 印发机关 — and so what its PDF prints."""
from portal.db import now
from portal.documents.measure import MeasuredPdf

from plugins.circulars.ready import defaults
from plugins.circulars.tests.test_circulars import new_circular, step

IDENTITY = {"bureau.name": "青山市能源局", "bureau.short_name": "", "bureau.mark": "", "bureau.prefix": "青能发",
            "bureau.printed_by": "", "bureau.footer": "", "circulars.prefix.letter": "青能函"}


def test_a_new_circular_and_its_pdf_carry_the_new_identity(app, login, db):
    admin, office, leader = login("admin"), login("office"), login("leader")
    assert admin.post("/admin/identity", data=dict(IDENTITY)).status_code == 302
    form = office.get("/circulars/new").get_data(as_text=True)
    for name, value in (("organ", "青山市能源局"), ("mark", "青山市能源局文件"), ("prefix", "青能发"),
                        ("signature", "青山市能源局"), ("printed_by", "青山市能源局办公室")):
        assert f'id="{name}" name="{name}"' in form and f'value="{value}"' in form, name
    assert "如“青山市能源局文件”" in form and "如“青能发”" in form and "鄂尔多斯" not in form
    assert defaults(kind="letter")["prefix"] == "青能函" and defaults(kind="notice")["prefix"] == "青能发"

    cid = new_circular(office, title="青山市能源局关于做好\n节日期间网络舆情工作的通知")
    step(office, cid, "submit")
    step(login("office2"), cid, "review")
    step(leader, cid, "sign", comment="同意。")
    assert step(office, cid, "issue", date_of_issue=now().date().isoformat()).status_code == 302
    pdf = office.get(f"/circulars/{cid}.pdf")
    text = MeasuredPdf(pdf.data).text().replace("\n", "").replace(" ", "")
    assert "青山市能源局文件" in text and f"青能发〔{now().year}〕1号" in text
    assert "青山市能源局办公室" in text and "鄂尔多斯" not in text
