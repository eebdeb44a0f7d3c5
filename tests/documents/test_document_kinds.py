"""Every kind of document the portal prints, checked by the layout checker: a draft, a notice
with attachments, the generated 通报 (its title), the twenty-page 鄂能局发〔2019〕280号 with its
headings, and the case dossier (names whole, screenshots printed within the type area)."""
import io
from datetime import date

import pytest

from portal.documents.gongwen import Attachment
from portal.documents.measure import MeasuredPdf
from portal.documents.text import shape_title
from tests.documents.layout_check import LEFT, RIGHT, check, title_problems
from tests.documents.test_layout_sweep import notice, render, spec_for
from tests.fixtures import make_app


@pytest.fixture(scope="module")
def kinds_app(tmp_path_factory, demo_template):
    return make_app(tmp_path_factory.mktemp("kinds"), demo_template)


def test_an_unsigned_draft_is_marked_on_every_page_and_shows_no_empty_number(kinds_app):
    doc = notice(900, number="", draft_mark="草稿")
    pdf = render(kinds_app, doc)
    assert len(pdf.pages) >= 3
    assert check(pdf, spec_for(kinds_app, doc)) == []
    assert "〔" not in pdf.lines(0)[1].text  # no "鄂能局发〔 〕 号"


def test_a_notice_with_attachments_puts_each_title_on_line_3(kinds_app):
    doc = notice(300, attachments=[Attachment("网络舆情应对演练方案", "一、演练目的\n" + "检验预案，提高处置能力。" * 12),
                                   Attachment("演练情况报告表（2026年版）", "单位、联络员、演练时间。")])
    pdf = render(kinds_app, doc)
    assert check(pdf, spec_for(kinds_app, doc)) == []


@pytest.mark.parametrize("start, end", [(date(2026, 11, 1), date(2026, 11, 29)), (date(2026, 1, 1), date(2026, 1, 9)),
                                        (date(2025, 12, 20), date(2026, 1, 19))])
def test_the_generated_bulletin_title_breaks_between_words(kinds_app, start, end):
    from portal.documents.gongwen import chinese_date

    organ = "鄂尔多斯市能源局"
    title = f"{organ}关于{chinese_date(start)}至{chinese_date(end)}\n超期未办网络舆情事项的通报"
    doc = notice(200, title=title)
    pdf = render(kinds_app, doc)
    assert title_problems(pdf, organ) == []
    assert check(pdf, spec_for(kinds_app, doc)) == []


def test_title_shapes():
    assert shape_title("鄂尔多斯市能源局关于2026年11月1日至2026年11月29日\n超期未办网络舆情事项的通报") == [
        "鄂尔多斯市能源局关于", "2026年11月1日至2026年11月29日", "超期未办网络舆情事项的通报"]
    # a drafter's own breaks stay when each line fits
    assert shape_title("鄂尔多斯市能源局关于进一步\n做好网民留言办理工作的通知") == ["鄂尔多斯市能源局关于进一步", "做好网民留言办理工作的通知"]


def test_the_twenty_page_notice_keeps_headings_with_their_text(kinds_app):
    from plugins.circulars import demo_texts as seed
    from portal.documents.gongwen import Gongwen

    doc = Gongwen(mark="鄂尔多斯市能源局文件", number="鄂能局发〔2019〕280号", title=seed.TITLE, recipients=seed.RECIPIENTS,
                  body=seed.BODY, signature=seed.SIGNATURE, date_of_writing=date(2019, 11, 7),
                  attachments=[Attachment(t, b) for t, b in seed.ATTACHMENTS], printed_by=seed.PRINTED_BY,
                  date_of_issue=date(2019, 11, 7))
    pdf = render(kinds_app, doc)
    assert len(pdf.pages) >= 16
    assert check(pdf, spec_for(kinds_app, doc)) == []


def screenshot_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2400, 900), (200, 220, 240)).save(out, "PNG")
    return out.getvalue()


def test_the_dossier_prints_names_whole_and_screenshots_within_the_type_area(app, login):
    from portal.org.models import User
    from portal.cases import workflow
    from portal.cases.models import Case
    from portal.uploads import Upload

    with app.app_context():
        case = Case.get(Case.number.endswith("-0001"))
        monitor = User.get(User.username == "monitor")
        workflow.attach(case, monitor, upload=Upload(screenshot_png(), "image/png", "原帖截图.png"), kind="screenshot")
        names = {u.name for u in User.select()}
        case_id = case.id
    response = login("office").get(f"/documents/cases.dossier/{case_id}.pdf")
    assert response.status_code == 200
    pdf = MeasuredPdf(response.data)
    images = [(i, im) for i, page in enumerate(pdf.pages) for im in page.images]
    assert images, "the screenshot is not in the PDF"
    for _, im in images:
        assert im["x0"] / 72 * 25.4 >= LEFT - 0.5 and im["x1"] / 72 * 25.4 <= RIGHT + 0.5
    lines = [line.text for i in range(len(pdf.pages)) for line in pdf.lines(i)]
    text = "".join(lines)
    for name in names:
        if name in text:
            assert any(name in line for line in lines), f"{name} wraps"
