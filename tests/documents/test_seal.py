"""The 加盖印章 layout (issue 22, item 9): the seal image each 发文机关 has, checked at upload and
kept under the instance by the administrator only, and its place on the page measured in the PDF
across body lengths: 成文日期右空四字, 署名 centred on it, the seal centred over both and its top
within a line of the body, never an image in a document without the layout."""
import io
import json

import pytest

from portal.documents import seals
from tests.documents.layout_check import check
from tests.documents.seal_image import seal_png
from tests.documents.test_layout_sweep import notice, render, spec_for
from tests.fixtures import make_app

ORGAN = "鄂尔多斯市能源局"


@pytest.fixture(scope="module")
def seal_app(tmp_path_factory, demo_template):
    return make_app(tmp_path_factory.mktemp("seal"), demo_template)


# bodies ending mid-page, at the foot of page 1 and of page 2, where the block barely fits and
# where its page is tightened to hold it (581, 1045)
@pytest.mark.parametrize("length", [30, 117, 180, 300, 465, 552, 581, 610, 650, 900, 1045])
def test_the_seal_sits_over_the_signature_and_date(seal_app, length):
    doc = notice(length, seal=seal_png())
    pdf = render(seal_app, doc)
    assert check(pdf, spec_for(seal_app, doc, sealed=True)) == []


def test_without_the_layout_there_is_no_image_and_the_checker_notices_one(seal_app):
    plain = notice(300)
    assert check(render(seal_app, plain), spec_for(seal_app, plain)) == []
    sealed = notice(300, seal=seal_png())
    assert any("不应出现的图片" in p for p in check(render(seal_app, sealed), spec_for(seal_app, sealed)))


def png_bytes(mode="RGBA", size=(600, 600), transparent=True):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", size, (230, 0, 18, 0 if transparent else 255)).convert(mode).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("data, message", [
    (b"", "请选择"),
    (b"GIF89a" + b"\0" * 100, "只能是 PNG"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "无法读取"),
    (png_bytes("RGB"), "背景必须透明"),
    (png_bytes(transparent=False), "没有透明部分"),
    (png_bytes(size=(120, 120)), "像素之间"),
    (png_bytes(size=(900, 400)), "长宽比"),
    (png_bytes(), "完全透明"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * (seals.MAX_BYTES + 1), "不能超过"),
])
def test_a_seal_image_is_checked(data, message):
    with pytest.raises(seals.SealError, match=message):
        seals.check(data)


def test_only_the_administrator_uploads_a_seal_kept_under_the_instance_and_audited(app, login):
    from portal.audit import AuditEvent

    def form():
        return {"organ": ORGAN, "image": (io.BytesIO(seal_png()), "印章.png")}

    assert login("office").post("/admin/seals", data=form(), content_type="multipart/form-data").status_code == 403
    admin = login("admin")
    bad = admin.post("/admin/seals", data={"organ": ORGAN, "image": (io.BytesIO(png_bytes("RGB")), "x.png")},
                     content_type="multipart/form-data")
    assert bad.status_code == 400 and "背景必须透明" in bad.get_data(as_text=True)
    with app.app_context():
        assert documents_seal(ORGAN) is None  # nothing kept
        uploads = AuditEvent.select().where(AuditEvent.action == "seal.uploaded").count()
    response = admin.post("/admin/seals", data=form(), content_type="multipart/form-data")
    assert response.status_code == 302
    page = admin.get("/admin/seals").get_data(as_text=True)
    assert ORGAN in page and "data:image/png;base64," in page
    index = json.loads(open(f"{app.instance_path}/seals/index.json", encoding="utf-8").read())
    assert list(index) == [ORGAN]
    with app.app_context():
        found = documents_seal(ORGAN)
        assert found is not None and found[1] == seal_png()
        assert AuditEvent.select().where(AuditEvent.action == "seal.uploaded").count() == uploads + 1
    assert admin.post("/admin/seals/remove", data={"organ": ORGAN}).status_code == 302
    with app.app_context():
        assert documents_seal(ORGAN) is None
        assert AuditEvent.select().where(AuditEvent.action == "seal.removed").count() >= 1


def documents_seal(organ):
    from portal import documents

    return documents.seal(organ)
