"""The layout checker over a sweep of body lengths: official documents of 1 to 45 body lines,
among them bodies ending exactly at the foot of page 1 (odd) and of page 2 (even), each checked
against every rule of ``layout_check``. All PDFs are rendered once for the module (about a
second each, measuring included)."""
from datetime import date

import os

import pytest

from portal import documents
from portal.documents.gongwen import Gongwen
from portal.documents.measure import MeasuredPdf
from tests.documents.layout_check import Spec, check, natural_end, pages_of, tightened
from tests.fixtures import make_app

pytestmark = pytest.mark.skipif(bool(os.environ.get("PORTAL_TEST_DATABASE_URL")),
                                reason="版式检查只看 PDF 的排版，与数据库无关：只在 SQLite 一轮运行（已设置 PORTAL_TEST_DATABASE_URL）")

SENTENCES = (
    "各单位要高度重视网民留言办理工作，严格按照规定时限调查核实、提出办理意见并及时答复。",
    "确需延长办理时间的，应当及时申请延期或者作出情况说明，不得敷衍塞责、推诿扯皮。",
    "事项编号YQ-2026-0009的办理情况已于3月2日报送信息中心，共涉及12个单位。",
    "信息中心每月汇总办理情况，对超期未办的事项予以通报，并纳入年度考核。",
)
HEADINGS = ("一、总体要求", "二、工作措施", "（一）明确责任分工", "三、有关要求")
# about one body line more each step; 180 and 650 end at the foot of page 1 and of page 2
LENGTHS = sorted({30 + 29 * k for k in range(44)} | {180, 650})


def body_of(length: int) -> str:
    """About ``length`` characters of body text: paragraphs of two to four sentences, a heading
    before every third paragraph."""
    text, paragraph, out, n = "", "", [], 0
    while len(text) < length:
        s = SENTENCES[n % len(SENTENCES)]
        n += 1
        if len(paragraph) + len(s) > 40 + 30 * (n % 3):
            out.append(paragraph)
            if len(out) % 4 == 3:
                out.append(HEADINGS[(len(out) // 4) % len(HEADINGS)])
            paragraph = ""
        paragraph += s
        text += s
    out.append(paragraph[: len(paragraph) - (len(text) - length)] or paragraph)
    if not out[-1].endswith("。"):
        out[-1] = out[-1].rstrip("，、：") + "。"
    return "\n".join(p for p in out if p)


def notice(length: int, **changes) -> Gongwen:
    fields = dict(mark="鄂尔多斯市能源局文件", number="鄂能局发〔2026〕7号", title="鄂尔多斯市能源局关于做好网民留言办理工作的通知",
                  recipients="各科室、局属各二级单位", body=body_of(length), signature="鄂尔多斯市能源局",
                  date_of_writing=date(2026, 3, 2), copy_to="市委网信办", printed_by="鄂尔多斯市能源局办公室",
                  date_of_issue=date(2026, 3, 3))
    fields.update(changes)
    return Gongwen(**fields)


@pytest.fixture(scope="module")
def sweep_app(tmp_path_factory, demo_template):
    return make_app(tmp_path_factory.mktemp("sweep"), demo_template)


def spec_for(app, doc: Gongwen, **changes) -> Spec:
    with app.app_context():
        fonts = documents.font_report().fonts
        songti, fangsong = (fonts[r].family.replace(" ", "") for r in ("songti", "fangsong"))
    fields = dict(signature=doc.signature, date=doc.date_text, signed=bool(doc.number),
                  colophon=bool(doc.copy_to or doc.printed_by), attachments=[a.name for a in doc.attachments],
                  latin_font=songti, number_font=songti, body_font=fangsong)
    fields.update(changes)
    return Spec(**fields)


def render(app, doc) -> MeasuredPdf:
    with app.app_context():
        return MeasuredPdf(documents.render_gongwen(doc))


@pytest.fixture(scope="module")
def sweep(sweep_app):
    return {n: render(sweep_app, notice(n)) for n in LENGTHS}


def test_the_sweep_covers_bodies_ending_at_the_foot_of_an_odd_and_an_even_page(sweep, sweep_app):
    ends = {natural_end(pdf, spec_for(sweep_app, notice(n))) for n, pdf in sweep.items()}
    assert len(sweep) >= 40
    assert {(1, 22), (2, 22)} <= ends, sorted(ends)


@pytest.mark.parametrize("length", LENGTHS)
def test_every_rule_holds(sweep, sweep_app, length):
    pdf = sweep[length]
    assert check(pdf, spec_for(sweep_app, notice(length))) == []


def test_where_the_signature_would_take_body_lines_along_the_page_is_tightened(sweep, sweep_app):
    """GB/T 9704 7.3.5.4: the page's line spacing is adjusted (at most 14% tighter, checked by
    ``check``) rather than carrying the body's last lines over with the 署名; among them the
    bodies ending at the foot of page 2."""
    tight = {}
    for n, pdf in sweep.items():
        spec = spec_for(sweep_app, notice(n))
        for page in pages_of(pdf):
            if tightened(pdf, page, spec):
                tight[n] = page.no
    assert tight.get(650) == 2, tight
    assert len(tight) >= 4 and 1 in tight.values(), tight
