"""The dossier's 附件目录 (issue 22): each attachment's number, kind, file name and size whole on
one line where the column can hold it, a long name broken only where the column ends (never a
size or a kind split), and the SHA-256 broken only between its groups of 16, measured in the PDF."""
import os

from portal.documents.measure import MeasuredPdf
from portal.uploads import Upload
from tests.documents.layout_check import dossier_index_problems
from tests.documents.test_document_kinds import screenshot_png

FILES = [("原帖截图.png", "image/png", "screenshot"),
         ("关于某某煤矿安全隐患问题的网民原帖及评论截图（2026年3月2日下午）.png", "image/png", "screenshot"),
         ("情况说明.pdf", "application/pdf", "material")]


def test_the_attachment_index_keeps_names_sizes_and_kinds_whole(app, login):
    from portal.cases import workflow
    from portal.cases.models import Attachment, Case
    from portal.org.models import User

    with app.app_context():
        case = Case.get(Case.number.endswith("-0001"))
        monitor = User.get(User.username == "monitor")
        for name, mime, kind in FILES:
            data = screenshot_png() if mime == "image/png" else b"%PDF-1.4\n" + b"x" * 30000
            workflow.attach(case, monitor, upload=Upload(data, mime, name), kind=kind)
        rows = [(a.kind_label, a.filename, f"{a.size / 1024:.1f} KB", a.sha256)
                for a in Attachment.select().where(Attachment.case == case.id).order_by(Attachment.id)]
        case_id = case.id
    response = login("office").get(f"/documents/cases.dossier/{case_id}.pdf")
    assert response.status_code == 200
    if os.environ.get("PORTAL_KEEP_PDF"):
        open(os.environ["PORTAL_KEEP_PDF"], "wb").write(response.data)
    assert dossier_index_problems(MeasuredPdf(response.data), rows) == []
