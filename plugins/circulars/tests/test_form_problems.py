"""The drafting forms say everything that is wrong at once, and change nothing."""
import io

from plugins.circulars.models import Circular, CircularAttachment
from plugins.circulars.tests.test_circulars import dept, draft_form, new_circular
from tests.hostile import messages


def shown(response):
    assert response.status_code == 400
    return set(messages(response.get_data(as_text=True)))


def test_a_draft_names_every_problem(login, db):
    count = Circular.select().count()
    form = draft_form(prefix="鄂能局发〔2026〕", mark="第一行\n第二行", title="一\n二\n三\n四\n五", kind="memo",
                      secrecy="绝密级", secrecy_term="10年", date_of_writing="2026/11/07", note="注" * 201)
    form["departments"] = [str(dept("电力科").id), "999999"]
    refused = login("office").post("/circulars/new", data=form)
    assert {"附注不能超过200个字。", "机关代字只填文字部分（例如“鄂能局发”）：年份、〔〕、序号和“号”字在签发时自动生成。",
            "发文机关标志和机关代字只能有一行。", "标题最多分四行排列。", "请选择文种。", "请选择密级。",
            "成文日期格式不正确，请按“2019-11-07”填写。",
            "所选分送单位中有不存在或已停用的科室，请刷新页面后重新选择。"} <= shown(refused)
    assert Circular.select().count() == count


def test_an_attachment_names_every_problem(login, db):
    office = login("office")
    cid = new_circular(office)
    refused = office.post(f"/circulars/{cid}/attachments", data={"kind": "text", "title": "", "text": ""})
    assert {"请填写附件的内容。", "请填写附件名称。"} <= shown(refused)
    bad_file = office.post(f"/circulars/{cid}/attachments", data={"kind": "file", "title": "名" * 201,
                                                                 "file": (io.BytesIO(b"\x00\x01"), "x.bin")},
                           content_type="multipart/form-data")
    found = shown(bad_file)
    assert any("只能上传图片" in m for m in found) and "请选择要上传的附件文件。" not in found
    assert CircularAttachment.select().where(CircularAttachment.circular == cid).count() == 0
