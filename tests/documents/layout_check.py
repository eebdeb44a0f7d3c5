"""A layout checker: the rules of GB/T 9704-2012 a secretary checks by eye, measured on a real PDF.

``check(pdf, spec)`` returns every broken rule as a sentence (an empty list: the document
passes). It reads only the PDF (``portal.documents.measure.MeasuredPdf``): text lines with
their em boxes, fonts and rules, never the HTML that made it. ``spec`` says what the document
should carry (its 署名, 成文日期, whether it is a signed document, its attachments' titles).

A half-width character (digit, Latin letter) counts as half a character in a line's count;
the full-page rules (22 lines) apply only to pages that hold body text from top to bottom.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from portal.documents.layout import GBT9704 as G, PT_PER_MM
from portal.documents.measure import MeasuredPdf, is_cjk

P = G.pitch / PT_PER_MM                              # line pitch, mm
HALF = (G.pitch - G.body_size) / 2 / PT_PER_MM       # line box top to em box top, body text
ADV = G.advance / PT_PER_MM                          # one character, mm
TOP, BOTTOM = G.top, G.top + G.area_height
LEFT, RIGHT = G.left, G.left + G.area_width
PAGE_NUMBER = re.compile(r"^—(\d+)—$")
HEADING = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")
LATIN = re.compile(r"[0-9A-Za-z]")
ATTACHMENT = re.compile(r"^附件\d+$")


@dataclass
class Spec:
    signature: str = ""
    date: str = ""
    signed: bool = True                # has a document number; unsigned drafts carry the draft mark
    draft_mark: str = "草稿"
    colophon: bool = True              # 抄送 or 印发机关 present
    attachments: list = field(default_factory=list)  # their titles, one line each
    latin_font: str = ""               # the face digits and Latin letters of the body are set in
    number_font: str = ""              # the face of the page numbers
    body_font: str = ""                # the 仿宋 face: its lines' digits and letters must be in latin_font
    sealed: bool = False               # the 加盖印章 layout: the seal over the 署名 and the date


COMPRESSED = re.compile("[，。、；：！？）》〕】」』”’](?=[，。、；：！？）》〕】」』”’（《〔【「『“‘])")


def width(text: str) -> float:
    """Characters of a line: full-width ones count 1, half-width ones ½, and so does a closing
    mark before another mark (标点挤压)."""
    return sum(1 if is_cjk(c) or ord(c) > 0x2E7F else 0.5 for c in text) - 0.5 * len(COMPRESSED.findall(text))


class Page:
    def __init__(self, pdf: MeasuredPdf, index: int):
        self.index, self.no = index, index + 1
        lines = pdf.lines(index)
        self.number_lines = [ln for ln in lines if ln.baseline > BOTTOM + 1 and PAGE_NUMBER.match(ln.text)]
        self.head_lines = [ln for ln in lines if ln.baseline < TOP]  # the top margin: a draft's mark
        self.lines = [ln for ln in lines if ln not in self.number_lines and ln not in self.head_lines]
        self.fonts = pdf.fonts
        self.colophon = [ln for ln in self.lines if abs(ln.size - G.small_size) < 0.1]
        self.body = [ln for ln in self.lines if abs(ln.size - G.body_size) < 0.1]
        self.rules = [r for r in pdf.rects(index) if r["x1"] - r["x0"] > 150]

    @property
    def number(self):
        return int(PAGE_NUMBER.match(self.number_lines[0].text).group(1)) if self.number_lines else None

    @property
    def blank(self):
        return not self.lines and not self.number_lines

    def line_no(self, line) -> float:
        """The grid line (1–22) a line's em box sits on, fractional when off the grid."""
        top = line.em_box(self.fonts)[0] - HALF - TOP
        return top / P + 1


def continues(line) -> bool:
    """A body line that starts at the left edge continues the paragraph above it."""
    return abs(line.x0 - LEFT) < 0.3 and not HEADING.match(line.text) and not ATTACHMENT.match(line.text)


def pages_of(pdf: MeasuredPdf) -> list[Page]:
    if not hasattr(pdf, "_checked_pages"):
        pdf._checked_pages = [Page(pdf, i) for i in range(len(pdf.pages))]
    return pdf._checked_pages


def body_end(pdf: MeasuredPdf, spec: Spec) -> tuple[int, int] | None:
    """(page, grid line) of the body's last line, the 署名 and 成文日期 apart (on a page
    tightened to hold them, counted in its own pitch)."""
    for p in reversed(pages_of(pdf)):
        body = _body_only(p, spec)
        if not body:
            continue
        pitch = tightened(pdf, p, spec)
        if pitch is None:
            return p.no, round(p.line_no(body[-1]))
        tops = _em_tops(pdf, body)
        return p.no, round(p.line_no(body[0])) + round((tops[-1] - tops[0]) / pitch)
    return None


def natural_end(pdf: MeasuredPdf, spec: Spec) -> tuple[int, int] | None:
    """(page, grid line) where the body would end without the 署名: where it ends, or, when its
    last lines went to the next page to stay with the 署名, where they left."""
    pages = pages_of(pdf)
    end = body_end(pdf, spec)
    if end is None:
        return None
    page, line = end
    before = pages[page - 2] if page >= 2 else None
    if before and before.body and continues(pages[page - 1].body[0]):
        left = round(before.line_no(before.body[-1]))
        if left + line <= G.lines:
            return page - 1, left + line
    return end


def _face(pdf: MeasuredPdf, font: str) -> str:
    """The embedded face's own name ("FandolSong Regular"), whatever the PDF's BaseFont says."""
    embedded = pdf.fonts.get(font)
    if embedded is None:
        return font.split("+")[-1]
    name = embedded.font["name"]
    return f"{name.getDebugName(1)} {name.getDebugName(2)}"


def check(pdf: MeasuredPdf, spec: Spec) -> list[str]:
    pages = pages_of(pdf)
    problems: list[str] = []
    add = problems.append
    total = len(pages)

    # -- the page and the grid ----------------------------------------------------------------
    for page in pages:
        w, h = pdf.size_mm(page.index)
        if abs(w - 210) > 0.3 or abs(h - 297) > 0.3:
            add(f"第{page.no}页不是A4")
        for ln in page.lines:
            if ln.x0 < LEFT - 0.3 or ln.x1 > RIGHT + 0.3:
                add(f"第{page.no}页“{ln.text[:12]}”超出版心左右边界")
            if width(ln.text) > G.chars:
                add(f"第{page.no}页“{ln.text[:12]}”一行超过{G.chars}字（{width(ln.text)}）")
        tight = tightened(pdf, page, spec)
        if tight is not None:  # the 署名's page, its line pitch tightened to hold the 署名 (7.3.5.4)
            add_all(problems, tight_problems(pdf, page, spec, tight))
            continue
        if len(page.body) > G.lines:
            add(f"第{page.no}页超过{G.lines}行")
        if page.index > 0:  # below the head of page 1 every body line sits on the grid
            for ln in page.body:
                n = page.line_no(ln)
                if abs(n - round(n)) > 0.06 or not 1 <= round(n) <= G.lines:
                    add(f"第{page.no}页“{ln.text[:12]}”不在行格上（第{n:.2f}行）")

    # -- 署名 and 成文日期: together, and with body text ----------------------------------------
    sig_page = None
    if spec.signature:
        found = [(p, i) for p in pages for i, ln in enumerate(p.body) if ln.text == spec.signature]
        if not found:
            add("找不到发文机关署名")
        else:
            page, i = found[-1]
            sig_page = page
            if spec.date:
                if i + 1 >= len(page.body) or page.body[i + 1].text != spec.date:
                    add(f"署名与成文日期不在同一页的相邻两行（署名在第{page.no}页）")
            if i == 0:
                add(f"第{page.no}页只有署名和成文日期，没有正文")

    problems += seal_problems(pdf, spec, sig_page)

    # -- body pages: full pages, paragraphs broken at a page's foot, headings ---------------
    content = [p for p in pages if p.body]
    for prev, page in zip(content, content[1:]):
        if page.index != prev.index + 1:
            continue
        last, first = prev.body[-1], page.body[0]
        broken = continues(first)
        if HEADING.match(last.text) and width(last.text) < G.chars - 2 and not continues(first):
            add(f"标题“{last.text}”孤悬在第{prev.no}页末行")
        keeps_signature = page is sig_page
        if keeps_signature and (need := tightening_would_hold(pdf, prev, page, spec)) is not None:
            add(f"第{page.no}页的署名带走了上一页的正文，而第{prev.no}页把行距收紧{need:.0%}就能容下署名")
        if broken and not keeps_signature and round(prev.line_no(last)) != G.lines:
            add(f"第{prev.no}页在段落中间换页，却没有排满{G.lines}行（末行在第{prev.line_no(last):.1f}行）")

    # -- 撑满版心: every line but a paragraph's last ends at the right edge ------------------
    flow = [(p, ln) for p in pages for ln in p.body]
    for (page, ln), (_, nxt) in zip(flow, flow[1:]):
        in_flow = abs(ln.x0 - LEFT) < 0.3 or abs(ln.x0 - LEFT - 2 * ADV) < 0.3
        if in_flow and continues(nxt) and not ln.text.endswith("：") and RIGHT - ln.x1 > 1.0:
            add(f"第{page.no}页“{ln.text[:10]}…”未撑满版心，右端短{RIGHT - ln.x1:.1f}毫米")

    # -- 版记 and page numbers -------------------------------------------------------------
    colophon_pages = [p for p in pages if p.colophon]
    if spec.colophon:
        if not colophon_pages:
            add("找不到版记")
        else:
            c = colophon_pages[-1]
            if c.no != total:
                add(f"版记不在最后一页（第{c.no}页，共{total}页）")
            if c.no % 2:
                add(f"版记在单页（第{c.no}页），应在最后一个双页")
            ends = [p for p in content if p.body and p is not c]
            b = (c if c.body else ends[-1]) if ends or c.body else None
            if b is not None:
                if b.no % 2 and c.no != b.no + 1:
                    add(f"正文止于单页第{b.no}页，版记应在第{b.no + 1}页，实在第{c.no}页")
                if b.no % 2 == 0 and c.no not in (b.no, b.no + 2):
                    add(f"正文止于双页第{b.no}页，版记却在第{c.no}页")
                if b.no % 2 == 0 and c.no == b.no + 2:
                    free = BOTTOM - max(ln.em_box(pdf.fonts)[1] for ln in b.body) - HALF
                    needed = BOTTOM - min(r["top"] for r in c.rules) + P if c.rules else 2 * P
                    if free >= needed:
                        add(f"第{b.no}页尚有{free:.0f}毫米空白，放得下版记，却另加了空白页")
                blank_before = c.no >= 2 and pages[c.index - 1].blank
                if blank_before and c.number is not None:
                    add("版记页前有空白页，版记页不应编页码")
                if not blank_before and c.number is None and total > 1:
                    add(f"版记页（第{c.no}页）没有页码")
    for page in pages:
        if page.blank:
            if page.number is not None:
                add(f"空白页第{page.no}页不应编页码")
            if page.no != total - 1 or not spec.colophon:
                add(f"第{page.no}页是空白页")
            continue
        if page.number is None and not (page.colophon and page.index and pages[page.index - 1].blank):
            add(f"第{page.no}页没有页码")
        if page.number is not None and page.number != page.no:
            add(f"第{page.no}页的页码是{page.number}")
        for ln in page.number_lines:
            if abs(ln.size - G.small_size) > 0.1:
                add(f"第{page.no}页页码不是四号")
            faces = {_face(pdf, c.font) for c in ln.chars}
            if spec.number_font and not all(spec.number_font in f.replace(" ", "") and "Bold" not in f for f in faces):
                add(f"第{page.no}页页码的字体是{'、'.join(sorted(faces))}，应为宋体（常规）")

    # -- digits and Latin letters of the body in a 宋体-style face -------------------------
    if spec.latin_font:
        for page in pages:
            for ln in page.body:
                if spec.body_font and not any(spec.body_font in c.font for c in ln.chars if is_cjk(c.text)):
                    continue  # a heading in 黑体 or 楷体 keeps its own digits
                faces = {_face(pdf, c.font) for c in ln.chars if LATIN.match(c.text)}
                wrong = {f for f in faces if spec.latin_font not in f.replace(" ", "") or "Bold" in f}
                if wrong:
                    add(f"第{page.no}页“{ln.text[:10]}”中的数字、字母用了{'、'.join(sorted(wrong))}")
                    break

    # -- attachments: "附件N" on line 1, the title on line 3 -------------------------------
    for n, title in enumerate(spec.attachments, 1):
        label = [(p, ln) for p in pages for ln in p.lines if ln.text == f"附件{n}" and abs(ln.x0 - LEFT) < 0.3]
        if not label:
            add(f"找不到“附件{n}”")
            continue
        page, ln = label[0]
        if abs(page.line_no(ln) - 1) > 0.1:
            add(f"“附件{n}”不在第{page.no}页第1行")
        big = [t for t in page.lines if abs(t.size - G.title_size) < 0.1]
        heads = big if "".join(t.text for t in big) == title.replace(" ", "") else []
        if not heads:
            add(f"附件{n}的标题不在其首页")
            continue
        half_title = (G.pitch - G.title_size) / 2 / PT_PER_MM
        line = (heads[0].em_box(pdf.fonts)[0] - half_title - TOP) / P + 1
        if abs(line - 3) > 0.1:
            add(f"附件{n}的标题在第{line:.1f}行，应在第3行")
        if any(abs((h.x0 + h.x1) / 2 - (LEFT + RIGHT) / 2) > 1 for h in heads):
            add(f"附件{n}的标题未居中")

    # -- drafts: the draft mark on every page, never an empty number ----------------------
    text_pages = [" ".join(ln.text for ln in p.head_lines + p.lines) for p in pages]
    if "〔〕" in "".join(text_pages).replace(" ", "") or "〔 〕" in "".join(text_pages):
        add("文号是空的“〔 〕号”")
    if not spec.signed:
        for page, text in zip(pages, text_pages):
            if not page.blank and spec.draft_mark not in text:
                add(f"未签发文稿的第{page.no}页没有“{spec.draft_mark}”标记")
    elif any(spec.draft_mark in t for t in text_pages):
        add("已签发的文件带有草稿标记")
    return problems


# -- a page tightened to hold the 署名 (GB/T 9704-2012, 7.3.5.4: 调整行距) ------------------------
MIN_RATIO = 0.86  # the tightest pitch allowed, of the standard's (portal.documents.tighten)


def add_all(problems: list, more: list):
    problems.extend(more)


def _body_only(page: Page, spec: Spec):
    """The page's running text: not the 署名 and date, nor page 1's head (mark, number, title)."""
    titles = [ln.baseline for ln in page.lines if abs(ln.size - G.title_size) < 0.1] if page.index == 0 else []
    below = max(titles, default=0)
    return [ln for ln in page.body if ln.text not in (spec.signature, spec.date) and ln.baseline > below]


def _em_tops(pdf, lines):
    return [ln.em_box(pdf.fonts)[0] for ln in lines]


def tightened(pdf: MeasuredPdf, page: Page, spec: Spec) -> float | None:
    """The 署名's page's pitch in mm when its body lines stand closer than the standard's, else
    None (any other page is held to the grid, which a tightened one would miss)."""
    if not spec.signature or not any(ln.text == spec.signature for ln in page.body):
        return None
    tops = _em_tops(pdf, _body_only(page, spec))
    gaps = [b - a for a, b in zip(tops, tops[1:])]
    return min(gaps) if gaps and min(gaps) < P - 0.1 else None


def tight_problems(pdf: MeasuredPdf, page: Page, spec: Spec, pitch: float) -> list[str]:
    problems = []
    body = _body_only(page, spec)
    tops = _em_tops(pdf, body)
    names = [ln for ln in page.body if ln.text == spec.signature]
    if not names:
        return [f"第{page.no}页行距被收紧，但该页没有署名（只有署名页可调整行距）"]
    if pitch < MIN_RATIO * P - 0.1:
        problems.append(f"第{page.no}页行距收紧到{pitch:.2f}毫米，超过允许的{1 - MIN_RATIO:.0%}")
    for a, b in zip(tops, tops[1:]):
        if abs((b - a) / pitch - round((b - a) / pitch)) > 0.02 or round((b - a) / pitch) < 1:
            problems.append(f"第{page.no}页收紧后的行距不均匀（{b - a:.2f}毫米）")
            break
    if page.index > 0 and abs(tops[0] - HALF - TOP) > 0.3:
        problems.append(f"第{page.no}页收紧行距后首行不在第1行")
    name_top = names[-1].em_box(pdf.fonts)[0]
    if name_top - tops[-1] < pitch + P - 0.3:
        problems.append(f"第{page.no}页署名与正文之间没有空一行")
    if max(ln.em_box(pdf.fonts)[1] for ln in page.body) > BOTTOM - HALF + 0.3:
        problems.append(f"第{page.no}页收紧行距后仍超出版心")
    if len(page.body) > int(G.lines / MIN_RATIO):
        problems.append(f"第{page.no}页超过{int(G.lines / MIN_RATIO)}行")
    return problems


def tightening_would_hold(pdf: MeasuredPdf, prev: Page, page: Page, spec: Spec) -> float | None:
    """When the 署名 took body lines from ``prev`` to ``page`` though ``prev`` had room: how much
    tighter ``prev``'s pitch would have held them (None: it had no room, or more than allowed)."""
    names = [i for i, ln in enumerate(page.body) if ln.text == spec.signature]
    if not names or names[-1] == 0 or not prev.body:
        return None
    carried = names[-1]  # body lines above the 署名 on its page
    end = round(prev.line_no(prev.body[-1]))
    free = G.lines - end
    if free < 1:
        return None
    start = round(prev.line_no(_body_only(prev, spec)[0])) if prev.index == 0 else 1
    block = 4 if spec.sealed else 3  # a blank line (two under a seal), the 署名, the date
    extra = carried + block - free
    body = G.lines - start + 1 + extra - block  # body lines the tightened page would hold
    ratio = (body - extra) / body
    return 1 - ratio if extra > 0 and ratio >= MIN_RATIO + 0.005 else None


# -- the seal ------------------------------------------------------------------------------------
def seal_problems(pdf: MeasuredPdf, spec: Spec, sig_page: Page | None) -> list[str]:
    """加盖印章 (GB/T 9704-2012, 7.3.5.1): 成文日期右空四字; the 署名 centred on the date; the
    seal upright and centred over both, which sit below its centre; its top within one line of
    the body's last line. Without the layout, no image at all."""
    images = [(p, im) for p in pages_of(pdf) for im in pdf.pages[p.index].images]
    if not spec.sealed:
        return [f"第{p.no}页有不应出现的图片（印章只用于加盖印章版式）" for p, _ in images]
    problems = []
    if sig_page is None:
        return ["加盖印章版式找不到署名"]
    seals = [im for p, im in images if p is sig_page]
    if len(images) != 1 or len(seals) != 1:
        return [f"加盖印章版式应恰有一枚印章，且与署名同页（共{len(images)}枚）"]
    im = seals[0]
    x0, x1, top, bottom = (im[k] / PT_PER_MM for k in ("x0", "x1", "top", "bottom"))
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    if abs(x1 - x0 - G.seal_diameter) > 0.5:
        problems.append(f"印章直径{x1 - x0:.1f}毫米，应为{G.seal_diameter:.0f}毫米")
    body = sig_page.body
    sig = next(i for i, ln in enumerate(body) if ln.text == spec.signature)
    name, day = body[sig], body[sig + 1] if sig + 1 < len(body) else None
    if day is None or day.text != spec.date:
        return problems + ["加盖印章版式的署名下一行不是成文日期"]
    if abs(RIGHT - day.x1 - 4 * ADV) > 1.0:
        problems.append(f"成文日期右端距版心右边{RIGHT - day.x1:.1f}毫米，应右空四字（{4 * ADV:.1f}毫米）")
    for what, ln in (("署名", name), ("成文日期", day)):
        if abs((ln.x0 + ln.x1) / 2 - cx) > 1.0:
            problems.append(f"印章未居中压在{what}上（中心相差{(ln.x0 + ln.x1) / 2 - cx:.1f}毫米）")
    name_top, _ = name.em_box(pdf.fonts)
    _, day_bottom = day.em_box(pdf.fonts)
    if not (cy < (name_top + day_bottom) / 2 and top < name_top and day_bottom < bottom + 0.5 * P):
        problems.append("署名和成文日期应位于印章中心偏下")
    above = [ln for ln in body[:sig] if ln.em_box(pdf.fonts)[1] < top]
    if not above:
        problems.append(f"第{sig_page.no}页印章上方没有正文")
    else:
        gap = top - above[-1].em_box(pdf.fonts)[1]
        if not 0 <= gap <= P:
            problems.append(f"印章顶端距正文{gap:.1f}毫米，应在一行（{P:.1f}毫米）之内")
    return problems


# -- titles ------------------------------------------------------------------------------------
UNBROKEN = re.compile(r"\d+年\d+月\d+日|\d+年\d+月|\d+月\d+日|[0-9A-Za-z][0-9A-Za-z.\-/]*|《[^》]*》")


def title_problems(pdf: MeasuredPdf, organ: str = "") -> list[str]:
    """The title on page 1 (二号 lines): no line fills the type area, none breaks inside a
    date, a number, a book title or the organ's name, and the lines form a trapezoid or a
    diamond."""
    lines = [ln for ln in pdf.lines(0) if abs(ln.size - G.title_size) < 0.1]
    problems = []
    full = G.area_width - 0.5 * G.title_size / PT_PER_MM
    for ln in lines:
        if ln.x1 - ln.x0 > full:
            problems.append(f"标题行“{ln.text}”占满了版心宽度")
    joined, at, cuts = "".join(ln.text for ln in lines), 0, []
    for ln in lines[:-1]:
        at += len(ln.text)
        cuts.append(at)
    spans = [m.span() for m in UNBROKEN.finditer(joined)]
    if organ and organ in joined:
        start = joined.index(organ)
        spans.append((start, start + len(organ)))
    for cut in cuts:
        for a, b in spans:
            if a < cut < b:
                problems.append(f"标题在“{joined[a:b]}”中间换行")
    widths = [ln.x1 - ln.x0 for ln in lines]
    tol = G.title_size / PT_PER_MM / 2
    rising = all(a <= b + tol for a, b in zip(widths, widths[1:]))
    falling = all(a + tol >= b for a, b in zip(widths, widths[1:]))
    diamond = len(widths) == 3 and widths[1] + tol >= max(widths[0], widths[2])
    if len(widths) > 1 and not (rising or falling or diamond):
        problems.append("标题各行既不成梯形也不成菱形：" + " / ".join(ln.text for ln in lines))
    return problems


# -- the dossier's 附件目录 -----------------------------------------------------------------------
def cells(pdf: MeasuredPdf, index: int, gap: float = 1.5) -> list[tuple[float, float, float, str]]:
    """The page's text in table cells: runs of characters on a baseline with no gap wider than
    ``gap`` mm, as (baseline, x0, x1, text)."""
    found = []
    for line in pdf.lines(index):
        run = [line.chars[0]]
        for c in line.chars[1:]:
            if c.x - run[-1].x1 > gap:
                found.append((line.baseline, run[0].x, run[-1].x1, "".join(ch.text for ch in run)))
                run = []
            run.append(c)
        found.append((line.baseline, run[0].x, run[-1].x1, "".join(ch.text for ch in run)))
    return found


def dossier_index_problems(pdf: MeasuredPdf, rows) -> list[str]:
    """``rows``: (kind, file name, size text, sha256) of each attachment. The kind and the size
    stand whole in one cell line; a file name too, or, when longer than its column, broken only
    where a line is full; the hash only between its groups of 16."""
    found = [c for i in range(len(pdf.pages)) for c in cells(pdf, i)]
    texts = [t for *_, t in found]
    problems = []
    for kind, name, size, sha in rows:
        if kind not in texts:
            problems.append(f"附件目录的类别“{kind}”被拆行")
        if size.replace(" ", "") not in [t.replace(" ", "") for t in texts]:
            problems.append(f"附件目录的大小“{size}”被拆行")
        if name not in texts:
            if not name_broken_when_full(found, name, size):
                problems.append(f"附件目录的文件名“{name}”没有排满一行就换行")
        if not all(any(sha[i:i + 16] in t for t in texts) for i in range(0, 64, 16)):
            problems.append(f"附件目录的校验值{sha[:8]}…在分组中间换行")
    return problems


def name_broken_when_full(found, name: str, size: str) -> bool:
    """The name's pieces, one under another in its column, make it up, and each but the last
    ends within three characters of the column's right edge (the size column's left)."""
    firsts = [(b, x0, x1, t) for b, x0, x1, t in found if len(t) > 1 and name.startswith(t)]
    if not firsts:
        return False
    baseline, x0, x1, text = firsts[0]
    sizes = [c for c in found if c[3].replace(" ", "") == size.replace(" ", "") and abs(c[0] - baseline) < 0.5]
    right = sizes[0][1] - 2 if sizes else None
    pieces = [(x1, text)]
    below = sorted((c for c in found if abs(c[1] - x0) < 0.5 and c[0] > baseline), key=lambda c: c[0])
    for _, _, end, t in below:
        if "".join(p for _, p in pieces) == name:
            break
        pieces.append((end, t))
    char = 12 / PT_PER_MM  # the dossier's text, 12 pt
    return "".join(p for _, p in pieces) == name and (right is None or all(
        right - end <= 3 * char for end, _ in pieces[:-1]))
