"""The demo notice 鄂能局发〔2019〕280号 as a new user prints it: every Chinese character of the
original drawn with a real glyph, its text extractable, its four attachments on pages of their
own, its colophon on the last page. The frozen PDF is read once for the module."""
import pytest

from portal.documents.measure import MeasuredPdf, is_cjk
from tests.fixtures import make_app

from plugins.circulars import demo_texts as seed
from plugins.circulars.models import Circular


@pytest.fixture(scope="module")
def notice(tmp_path_factory, demo_template):
    app = make_app(tmp_path_factory.mktemp("notice"), demo_template)
    client = app.test_client()
    client.login("coal_liaison")  # 煤炭科, a receiving department
    from portal.db import database

    with database.connection_context():
        circular = Circular.get(Circular.number == "鄂能局发〔2019〕280号")
    response = client.get(f"/circulars/{circular.id}.pdf")
    assert response.status_code == 200
    return MeasuredPdf(response.data)


def original_text() -> str:
    return "".join([seed.TITLE, seed.RECIPIENTS, seed.BODY, seed.SIGNATURE, seed.PRINTED_BY]
                   + [t + b for t, b in seed.ATTACHMENTS])


def test_every_chinese_character_of_the_original_has_a_real_glyph(notice):
    wanted = {ch for ch in original_text() if is_cjk(ch)}
    drawn = {}
    for index in range(len(notice.pages)):
        for char in notice.chars(index):
            drawn.setdefault(char.text, char)
    missing = sorted(wanted - set(drawn))
    assert not missing, f"not in the PDF: {''.join(missing)}"
    empty = sorted(ch for ch in wanted if notice.fonts[drawn[ch].font].ink(ch) is None)
    assert not empty, f"drawn without a glyph (empty box): {''.join(empty)}"


def test_the_notice_reads_as_issued(notice):
    text = notice.text().replace("\n", "")
    assert "鄂尔多斯市能源局文件" in text and "鄂能局发〔2019〕280号" in text
    assert "各科室、局属各二级单位：" in text and "特此通知" in text
    assert "附件：1.鄂尔多斯市能源局网络舆情管理工作制度" in text.replace(" ", "")
    assert "2019年11月7日" in text and "鄂尔多斯市煤炭局办公室2019年11月7日印发" in text.replace(" ", "")
    # 28 characters to the line: a phrase of the body is found whole however lines break
    assert "切实提高我局的网络舆情监控及应对能力" in text


def test_attachments_each_on_a_new_page_then_the_colophon_alone(notice):
    starts = {}
    for index in range(len(notice.pages)):
        lines = notice.lines(index)
        if lines and lines[0].text.startswith("附件") and len(lines[0].text) <= 3:
            starts[lines[0].text] = index
            title = "".join(line.text for line in lines[1:3])
            assert title.startswith(seed.ATTACHMENTS[int(lines[0].text[2:]) - 1][0].split("\n")[0])
    assert list(starts) == ["附件1", "附件2", "附件3", "附件4"]
    last = notice.lines(len(notice.pages) - 1)
    # the body ends on an odd page: the 版记 has the next, even, page, which keeps its number
    # (GB/T 9704: only a 版记 page after a blank page goes unnumbered)
    assert [line.text for line in last] == ["鄂尔多斯市煤炭局办公室2019年11月7日印发", f"—{len(notice.pages)}—"]
    assert len(notice.pages) % 2 == 0 and notice.lines(len(notice.pages) - 2)
