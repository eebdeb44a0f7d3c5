"""The 加盖印章 layout on circulars (issue 22, item 9): the office chooses it at 印发; the seal the
administrator uploaded for the circular's 发文机关 is pressed on the frozen PDF only, never on a
preview, and the use is in the audit log; without a seal the choice is refused and nothing changes."""
from portal.audit import AuditEvent
from portal.documents import seals
from portal.documents.measure import MeasuredPdf
from portal.org.models import User
from tests.documents.seal_image import seal_png

from plugins.circulars.models import Circular, IssuedPdf
from plugins.circulars.tests.test_circulars import new_circular, step


def images(pdf: bytes) -> int:
    return sum(len(page.images) for page in MeasuredPdf(pdf).pages)


def signed_circular(login):
    office = login("office")
    cid = new_circular(office)
    for who, action in ((office, "submit"), (login("office2"), "review"), (login("leader"), "sign")):
        assert step(who, cid, action).status_code == 302
    return office, cid


def test_a_sealed_issue_presses_the_seal_on_the_frozen_pdf_only_and_audits_it(app, login, db):
    office, cid = signed_circular(login)
    organ = Circular.get_by_id(cid).organ
    refused = step(office, cid, "issue", sealed="1")
    assert refused.status_code == 400 and "尚未上传印章" in refused.get_data(as_text=True)
    assert Circular.get_by_id(cid).state == "signed" and not IssuedPdf.select().where(IssuedPdf.circular == cid).exists()

    with app.app_context():
        seals.save(organ, seal_png(), User.get(User.username == "admin"))
    assert images(office.get(f"/circulars/{cid}.pdf").data) == 0  # the preview of a signed circular: no seal
    assert step(office, cid, "issue", sealed="1").status_code == 302
    circular = Circular.get_by_id(cid)
    assert circular.state == "issued" and circular.sealed
    assert images(office.get(f"/circulars/{cid}.pdf").data) == 1
    used = AuditEvent.get((AuditEvent.action == "circular.sealed") & (AuditEvent.object_id == cid))
    with app.app_context():
        assert organ in used.summary and seals.seal_for(organ).sha256 in used.data


def test_issued_without_the_choice_a_circular_carries_no_seal(app, login, db):
    office, cid = signed_circular(login)
    with app.app_context():
        seals.save(Circular.get_by_id(cid).organ, seal_png(), User.get(User.username == "admin"))
    assert step(office, cid, "issue").status_code == 302
    assert images(office.get(f"/circulars/{cid}.pdf").data) == 0
    assert not Circular.get_by_id(cid).sealed
    assert not AuditEvent.select().where((AuditEvent.action == "circular.sealed") & (AuditEvent.object_id == cid)).exists()
