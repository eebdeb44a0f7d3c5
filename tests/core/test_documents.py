"""The document service: GB/T 9704 layout measured in the produced PDF, fonts, the fast path,
the admin fonts page, document kinds (the case dossier as PDF), the render cache.

One official document is rendered for the whole module (three body pages and a colophon page)
and measured with pdfplumber and the outlines of the fonts embedded in it.
"""
import logging
from datetime import date

import pytest

from portal import documents
from portal.documents import fonts as font_roles
from portal.documents.gongwen import Gongwen, chinese_date, document_number, secrecy_mark
from portal.documents.layout import GBT9704 as G, PT_PER_MM
from portal.documents.measure import MeasuredPdf, is_cjk
from portal.documents.text import paragraphs
from tests.fixtures import make_app

P_MM = G.pitch / PT_PER_MM        # line pitch
HALF_MM = (G.pitch - G.body_size) / 2 / PT_PER_MM  # line box top to em box top, body text
TOP, BOTTOM, LEFT, RIGHT = G.top, G.top + G.area_height, G.left, G.left + G.area_width

SENTENCE = ("各单位要高度重视网民留言办理工作，严格按照规定时限调查核实、提出办理意见并及时答复，"
            "确需延长办理时间的，应当及时申请延期或者作出情况说明，不得敷衍塞责、推诿扯皮。")
BODY = "\n".join([
    "为进一步规范网民留言办理工作，现将有关事项通知如下。",
    "一、明确办理责任",
    SENTENCE * 3,
    "（一）落实首办负责。首问单位对网民留言负责到底。" + SENTENCE * 2,
    "（二）严格时限管理。" + SENTENCE * 4,
    "1.受理。" + SENTENCE * 3,
    "（1）登记。" + SENTENCE * 3,
    "二、加强督促检查",
    SENTENCE * 6,
])


@pytest.fixture(scope="module")
def doc_app(tmp_path_factory, demo_template):
    return make_app(tmp_path_factory.mktemp("documents"), demo_template)


@pytest.fixture(scope="module")
def gongwen():
    return Gongwen(
        mark="鄂尔多斯市能源局文件", number=document_number("鄂能局发", 2026, 7),
        title="鄂尔多斯市能源局关于进一步\n做好网民留言办理工作的通知", recipients="各科室、局属各二级单位",
        body=BODY, signature="鄂尔多斯市能源局", date_of_writing=date(2026, 3, 2), note="此件公开发布",
        copy_to="市委网信办，市政府办公室", printed_by="鄂尔多斯市能源局办公室", date_of_issue=date(2026, 3, 3),
        secrecy=secrecy_mark("confidential", "1年"), urgency="特急")


@pytest.fixture(scope="module")
def pdf(doc_app, gongwen):
    with doc_app.app_context():
        return MeasuredPdf(documents.render_gongwen(gongwen))


def em(line, fonts):
    top, bottom = line.em_box(fonts)
    return top, bottom


def full_body_page(pdf):
    """A page of body text only: neither the first nor the colophon page."""
    return 1


# -- the page -------------------------------------------------------------------------------

def test_a4_pages_and_the_type_area(pdf):
    width, height = pdf.size_mm(0)
    assert width == pytest.approx(210, abs=0.2) and height == pytest.approx(297, abs=0.2)
    lines = [line for line in pdf.lines(full_body_page(pdf)) if not line.text.startswith("—")]
    first, last = em(lines[0], pdf.fonts), em(lines[-1], pdf.fonts)
    assert first[0] - HALF_MM == pytest.approx(TOP, abs=0.5)          # top margin 37 mm
    assert last[1] + HALF_MM == pytest.approx(BOTTOM, abs=0.5)        # 225 mm type area
    assert min(line.x0 for line in lines) == pytest.approx(LEFT, abs=0.2)  # left margin 28 mm
    assert max(line.x1 for line in lines) <= RIGHT + 0.2              # 156 mm wide


def test_22_lines_of_28_characters_on_a_full_page(pdf):
    lines = [line for line in pdf.lines(full_body_page(pdf)) if not line.text.startswith("—")]
    assert len(lines) == 22
    pitches = [b.baseline - a.baseline for a, b in zip(lines, lines[1:])]
    assert all(p == pytest.approx(P_MM, abs=0.05) for p in pitches)
    full = [line for line in lines if line.x0 == pytest.approx(LEFT, abs=0.2) and all(is_cjk(c.text) for c in line.chars)]
    counts = [len(line.text) for line in full]
    assert max(counts) == 28 and counts.count(28) >= 0.7 * len(counts), counts
    advance = [(line.chars[-1].x - line.chars[0].x) / 27 for line in full if len(line.text) == 28]
    assert advance[0] * 28 == pytest.approx(G.area_width, abs=0.3)  # 28 characters fill 156 mm


# -- the head of the first page -------------------------------------------------------------

def red(color):
    return len(color) == 3 and color[0] > 0.8 and color[1] < 0.1 and color[2] < 0.2


def head(pdf):
    lines = pdf.lines(0)
    mark = next(line for line in lines if line.text == "鄂尔多斯市能源局文件")
    number = next(line for line in lines if line.text == "鄂能局发〔2026〕7号")
    rule = next(r for r in pdf.rects(0) if red(r["color"]) and r["x1"] - r["x0"] > 150)
    title = [line for line in lines if abs(line.size - G.title_size) < 0.1]
    return lines, mark, number, rule, title


def test_issuing_organ_mark_red_centred_35_mm_below_the_type_area_top(pdf):
    _, mark, _, _, _ = head(pdf)
    top, _ = em(mark, pdf.fonts)
    assert top == pytest.approx(TOP + G.mark_top, abs=0.5)
    assert all(red(c.color) for c in mark.chars)
    assert (mark.x0 + mark.x1) / 2 == pytest.approx(LEFT + G.area_width / 2, abs=1.0)
    assert mark.x1 - mark.x0 <= G.area_width


def test_number_two_lines_below_the_mark_and_the_red_rule_4_mm_below_it(pdf):
    _, mark, number, rule, _ = head(pdf)
    gap = em(number, pdf.fonts)[0] - em(mark, pdf.fonts)[1]
    assert gap == pytest.approx(2 * P_MM + HALF_MM, abs=0.5)  # 空二行, then the number's line
    assert (number.x0 + number.x1) / 2 == pytest.approx(LEFT + G.area_width / 2, abs=1.0)
    assert rule["top"] - em(number, pdf.fonts)[1] == pytest.approx(G.rule_gap, abs=0.5)
    assert rule["x0"] == pytest.approx(LEFT, abs=0.2) and rule["x1"] == pytest.approx(RIGHT, abs=0.2)


def test_title_in_22_pt_centred_two_lines_below_the_rule_then_the_recipients(pdf):
    lines, _, _, rule, title = head(pdf)
    assert [line.text for line in title] == ["鄂尔多斯市能源局关于进一步", "做好网民留言办理工作的通知"]
    title_half = (G.pitch - G.title_size) / 2 / PT_PER_MM
    assert em(title[0], pdf.fonts)[0] - rule["bottom"] == pytest.approx(2 * P_MM + title_half, abs=0.5)
    for line in title:
        assert (line.x0 + line.x1) / 2 == pytest.approx(LEFT + G.area_width / 2, abs=1.0)
    recipients = next(line for line in lines if line.text.startswith("各科室"))
    assert recipients.text.endswith("：") and recipients.x0 == pytest.approx(LEFT, abs=0.2)
    paragraph = lines[lines.index(recipients) + 1]
    assert paragraph.x0 == pytest.approx(LEFT + 2 * G.advance / PT_PER_MM, abs=0.2)  # indented two characters


def test_secrecy_and_urgency_marks_top_left(pdf):
    lines = pdf.lines(0)
    secrecy = next(line for line in lines if line.text == "机密★1年")
    urgency = next(line for line in lines if line.text == "特急")
    assert secrecy.x0 == pytest.approx(LEFT, abs=0.2) and urgency.x0 == pytest.approx(LEFT, abs=0.2)
    assert em(secrecy, pdf.fonts)[0] - HALF_MM == pytest.approx(TOP + P_MM, abs=0.5)    # line 2
    assert em(urgency, pdf.fonts)[0] - HALF_MM == pytest.approx(TOP + 2 * P_MM, abs=0.5)  # line 3


# -- fonts of the heading levels ----------------------------------------------------------------

def test_heading_levels_in_hei_kai_and_fang(doc_app, pdf):
    with doc_app.app_context():
        report = documents.font_report()
    family = {role: report.fonts[role].family.replace(" ", "-") for role in ("fangsong", "heiti", "kaiti")}
    lines = [line for i in range(len(pdf.pages)) for line in pdf.lines(i)]

    def font_of(start):
        line = next(line for line in lines if line.text.startswith(start))
        return next(c for c in line.chars if is_cjk(c.text)).font  # digits are in 宋体 (see the sweep)

    assert family["heiti"] in font_of("一、明确办理责任")
    assert family["kaiti"] in font_of("（一）落实首办负责")
    assert family["fangsong"] in font_of("1.受理")
    assert family["fangsong"] in font_of("（1）登记")


# -- page numbers and the colophon ---------------------------------------------------------------

def test_page_numbers_7_mm_below_the_type_area_odd_right_even_left_none_on_the_colophon_page(pdf):
    pages = len(pdf.pages)
    assert pages >= 4
    content_pages = [i for i in range(pages - 1) if pdf.lines(i)]
    # a page left blank so that the colophon falls on the back of a sheet carries no number either
    assert content_pages == list(range(len(content_pages)))
    for index in content_pages:
        number = next(line for line in pdf.lines(index) if line.text.startswith("—"))
        assert number.text == f"—{index + 1}—"  # "— 1 —": the spaces are not characters of the PDF
        assert number.size == pytest.approx(G.small_size, abs=0.1)
        top = em(number, pdf.fonts)[0]
        assert top == pytest.approx(BOTTOM + G.page_number_gap, abs=0.8)
        one_char = G.small_size / PT_PER_MM
        if index % 2 == 0:  # odd page: right, one character in
            assert number.x1 == pytest.approx(RIGHT - one_char, abs=0.5)
        else:
            assert number.x0 == pytest.approx(LEFT + one_char, abs=0.5)
    assert not any(line.text.startswith("—") for line in pdf.lines(pages - 1))
    assert pages % 2 == 0  # the colophon is on the back of the last sheet


def test_colophon_at_the_foot_of_the_last_page_between_rules(pdf):
    last = len(pdf.pages) - 1
    lines = pdf.lines(last)
    cc = next(line for line in lines if line.text.startswith("抄送："))
    printed = next(line for line in lines if line.text.startswith("鄂尔多斯市能源局办公室"))
    assert cc.text == "抄送：市委网信办，市政府办公室。" and cc.size == pytest.approx(G.small_size, abs=0.1)
    assert printed.text.endswith("2026年3月3日印发")
    rules = sorted((r for r in pdf.rects(last) if r["x1"] - r["x0"] > 150), key=lambda r: r["bottom"])
    assert rules[-1]["bottom"] == pytest.approx(BOTTOM, abs=0.3)  # last rule on the type area's bottom edge
    assert rules[0]["top"] < em(cc, pdf.fonts)[0]
    one_char = G.small_size / PT_PER_MM
    assert printed.x0 == pytest.approx(LEFT + one_char, abs=0.3)
    assert printed.x1 == pytest.approx(RIGHT - one_char, abs=0.5)


def test_signature_date_and_note(pdf):
    lines = [line for i in range(len(pdf.pages)) for line in pdf.lines(i)]
    signature = next(line for line in lines if line.text == "鄂尔多斯市能源局")
    day = next(line for line in lines if line.text == "2026年3月2日")
    note = next(line for line in lines if line.text == "（此件公开发布）")
    two_chars = 2 * G.advance / PT_PER_MM
    assert day.baseline - signature.baseline == pytest.approx(P_MM, abs=0.05)
    assert day.x0 - signature.x0 == pytest.approx(two_chars, abs=0.3)  # date starts two characters right
    assert RIGHT - max(signature.x1, day.x1) == pytest.approx(two_chars, abs=1.0)
    assert note.x0 == pytest.approx(LEFT + two_chars, abs=0.3)


def test_text_is_extractable(pdf):
    text = pdf.text().replace("\n", "")
    assert "鄂能局发〔2026〕7号" in text
    assert "严格按照规定时限调查核实" in text
    assert "做好网民留言办理工作的通知" in text


# -- the small rules ----------------------------------------------------------------------------

def test_document_number_date_and_heading_rules():
    assert document_number("鄂能局发", 2019, 280) == "鄂能局发〔2019〕280号"
    assert document_number("鄂能局办发", 2026, 1) == "鄂能局办发〔2026〕1号"  # no padding, no 第
    assert chinese_date(date(2019, 11, 7)) == "2019年11月7日"
    levels = [(p.level, p.head) for p in paragraphs("一、总体要求\n（一）加强网络阵地建设。按照属地管理。\n1．受理留言。\n"
                                                    "（1）舆情监控：\n(二)网络舆情的研判\n正文")]
    assert levels == [(1, "一、总体要求"), (2, "（一）加强网络阵地建设。"), (3, ""), (4, ""), (2, "(二)网络舆情的研判"),
                      (0, "")]
    chapter, article = paragraphs("第一章  总  则\n第一条 为进一步加强。")
    assert chapter.chapter and article.article == "第一条"


# -- fonts, the fast path, the admin page ---------------------------------------------------

def test_every_role_has_a_font_and_the_fast_subsetting_path(doc_app):
    with doc_app.app_context():
        report = documents.font_report()
    assert report.harfbuzz_subset, "libharfbuzz-subset.so.0 missing: run scripts/system-deps.sh"
    for role in font_roles.ROLES:
        assert report.fonts[role.name].face is not None, role.label


def test_fonts_page_names_each_roles_font_and_warns_about_stand_ins(doc_app):
    client = doc_app.test_client()
    client.login("admin")
    page = client.get("/admin/fonts").get_data(as_text=True)
    with doc_app.app_context():
        report = documents.font_report()
    for role in font_roles.ROLES:
        assert report.fonts[role.name].family in page
    if any(not f.official for f in report.fonts.values()):
        assert "替代字体" in page and "未安装正式字体" in page
    assert "HarfBuzz 字体子集库已加载" in page
    # what a printed document embeds, by name: the 宋体 face of the page numbers among them
    songti = report.fonts["songti"].face.path
    from fontTools.ttLib import TTFont

    postscript = TTFont(songti, fontNumber=report.fonts["songti"].face.index, lazy=True)["name"].getDebugName(6)
    assert "实际嵌入的字体" in page and postscript in page
    assert "Italic" not in page
    office = doc_app.test_client()
    office.login("office")
    assert office.get("/admin/fonts").status_code == 403


def test_missing_subset_library_is_reported_at_start_up_and_on_the_page(tmp_path, demo_template, monkeypatch, caplog):
    monkeypatch.setattr(font_roles, "harfbuzz_subset_status", lambda: (False, "2.7.4"))
    with caplog.at_level(logging.WARNING, logger="portal.documents"):
        app = make_app(tmp_path, demo_template)
    assert any("libharfbuzz-subset" in r.getMessage() and "慢" in r.getMessage() for r in caplog.records)
    client = app.test_client()
    client.login("admin")
    assert "未找到 libharfbuzz-subset.so.0" in client.get("/admin/fonts").get_data(as_text=True)
    assert "PDF 打印服务需要处理" in client.get("/").get_data(as_text=True)  # on the administrator's home page


def test_official_font_dropped_into_the_instance_is_used(tmp_path, demo_template):
    """An office copies its licensed 仿宋_GB2312 into instance/fonts: the portal prefers it."""
    fandol = [f for f in font_roles.installed_faces() if "FandolFang" in f.families]
    if not fandol:
        pytest.skip("needs a font file to stand in for the official one")
    from fontTools.ttLib import TTFont

    font = TTFont(fandol[0].path)
    name = font["name"]
    for name_id in (1, 16):
        name.removeNames(nameID=name_id)
    name.setName("仿宋_GB2312", 1, 3, 1, 0x804)
    (tmp_path / "instance" / "fonts").mkdir(parents=True)
    font.save(tmp_path / "instance" / "fonts" / "fangsong_gb2312.otf")
    app = make_app(tmp_path, demo_template)
    with app.app_context():
        chosen = documents.font_report().fonts["fangsong"]
    assert chosen.official and chosen.family == "仿宋_GB2312"


# -- document kinds: the dossier --------------------------------------------------------------

def test_case_dossier_prints_as_pdf_for_those_who_may_see_the_case(app, login):
    office = login("office")
    case_page = office.get("/cases/1").get_data(as_text=True)
    assert "下载案卷PDF" in case_page and "/documents/cases.dossier/1.pdf" in case_page
    response = office.get("/documents/cases.dossier/1.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    measured = MeasuredPdf(response.data)
    assert "网络舆情事项案卷" in measured.text() and "YQ-" in measured.text()
    assert measured.size_mm(0)[0] == pytest.approx(210, abs=0.2)
    assert max(line.x1 for line in measured.lines(0)) <= RIGHT + 0.5  # within the type area
    assert office.get("/documents/cases.dossier/99999.pdf").status_code == 404
    assert office.get("/documents/nothing.here/1.pdf").status_code == 404


def test_render_cache_returns_the_same_pdf(doc_app, gongwen):
    with doc_app.app_context():
        first = documents.render_gongwen(gongwen)
        second = documents.render_gongwen(gongwen)
    assert first == second and first.startswith(b"%PDF")
