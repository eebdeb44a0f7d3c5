"""Plain text typed by a clerk, turned into the paragraphs of a 公文 body.

One paragraph per non-empty line. The numbering the clerk types decides the heading level, as
GB/T 9704 7.3.3 wants it: "一、" in 黑体, "（一）" in 楷体, "1." and "（1）" in 仿宋; a heading
followed by text in the same paragraph has only its first sentence set in the heading's font.
A regulation's "第一章" is centred in 黑体 and its "第一条" set in 黑体.
"""
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

NUMERALS = "一二三四五六七八九十百零〇"
LEVELS = (
    (1, re.compile(rf"^[{NUMERALS}]+、")),
    (2, re.compile(rf"^[（(][{NUMERALS}]+[)）]")),
    (3, re.compile(r"^\d+[.．、]")),
    (4, re.compile(r"^[（(]\d+[)）]")),
)
CHAPTER = re.compile(rf"^第[{NUMERALS}]+章")
ARTICLE = re.compile(rf"^第[{NUMERALS}]+条")
SENTENCE_END = re.compile(r"[。！？]")
# Half-width digits and Latin letters: set in the 宋体 face (``.gw-latin``), GB/T 9704 7.3.3's
# 阿拉伯数字 and Latin text of a 仿宋 body.
LATIN_RUN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-/:%+_@#&]*")


# 标点挤压: a closing mark followed by another mark takes half a character ("），" "。”").
CLOSING = "，。、；：！？）》〕】」』”’"
PUNCTUATION = CLOSING + "（《〔【「『“‘"
PAIR = re.compile(f"[{CLOSING}](?=[{PUNCTUATION}])")


def latin(text: str) -> Markup:
    """``text`` escaped, each run of digits and Latin letters in a ``gw-latin`` span and each
    closing mark before another mark in a half-width ``gw-half`` span."""
    out, at = [], 0
    text = text or ""
    for match in sorted([*LATIN_RUN.finditer(text), *PAIR.finditer(text)], key=lambda m: m.start()):
        css = "gw-half" if match.re is PAIR else "gw-latin"
        out.append(escape(text[at:match.start()]))
        out.append(Markup('<span class="{}">{}</span>').format(css, match.group(0)))
        at = match.end()
    out.append(escape(text[at:]))
    return Markup("").join(out)


@dataclass(frozen=True)
class Paragraph:
    text: str
    level: int = 0          # 0 body text, 1–4 heading levels
    head: str = ""          # the part set in the heading's font
    chapter: bool = False
    article: str = ""       # "第一条" when the paragraph is an article of a regulation

    @property
    def rest(self) -> str:
        return self.text[len(self.head or self.article):]

    def html(self) -> Markup:
        if self.chapter:
            return Markup('<p class="gw-chapter gw-keep">{}</p>').format(latin(self.text))
        if self.article:
            return Markup('<p><span class="gw-article">{}</span>{}</p>').format(self.article, latin(self.rest))
        if self.level in (1, 2):
            css = "gw-h1" if self.level == 1 else "gw-h2"
            keep = "" if self.rest else " gw-keep"  # a heading on a line of its own stays with what follows
            return Markup('<p class="gw-level{}{}"><span class="{}">{}</span>{}</p>').format(
                self.level, keep, css, latin(self.head), latin(self.rest))
        return Markup("<p>{}</p>").format(latin(self.text))


def _normalise(line: str) -> str:
    return line.replace("\t", "    ").strip(" \u3000\r")


def paragraphs(text: str) -> list[Paragraph]:
    result = []
    for raw in (text or "").splitlines():
        line = _normalise(raw)
        if not line:
            continue
        if CHAPTER.match(line) and len(line) <= 20:
            result.append(Paragraph(line, chapter=True))
            continue
        article = ARTICLE.match(line)
        if article:
            result.append(Paragraph(line, article=article.group(0)))
            continue
        level = next((lvl for lvl, pattern in LEVELS if pattern.match(line)), 0)
        head = ""
        if level in (1, 2):
            end = SENTENCE_END.search(line)
            head = line[: end.end()] if end else line
        result.append(Paragraph(line, level, head))
    return result


def body_html(text: str) -> Markup:
    """The paragraphs of ``text`` as HTML for the print stylesheet."""
    return Markup("\n").join(p.html() for p in paragraphs(text))


def title_lines(title: str) -> list[str]:
    """A title as the clerk broke it into lines (梯形 or 菱形), else as one line."""
    return [line.strip() for line in (title or "").splitlines() if line.strip()]


def one_line(title: str) -> str:
    return "".join(title_lines(title))


def escape_lines(lines) -> Markup:
    return Markup("").join(Markup('<span class="gw-title-line">{}</span>').format(escape(line)) for line in lines)


# -- titles: where a generated title breaks (GB/T 9704 7.3.3: 梯形 or 菱形) -----------------
# Units never broken: a date, a number or code, a 《book title》, the issuing organ before 关于.
TITLE_UNIT = re.compile(r"\d+年(?:\d+月(?:\d+日)?)?|\d+月\d+日|[0-9A-Za-z][0-9A-Za-z.\-/]*|《[^》]*》|“[^”]*”|〔[^〕]*〕|.",
                        re.S)
GOOD_BREAKS_AFTER = ("关于", "至", "和", "及", "、", "，")
TITLE_CAPACITY = 18  # characters of 二号 (22 pt): the 156 mm line holds 20; a title line never fills it


def text_width(text: str) -> float:
    """Characters: half-width ones count ½."""
    return sum(0.5 if ord(c) < 0x2E80 else 1 for c in text)


def _title_units(text: str) -> list[str]:
    at = text.find("关于")
    head, rest = (text[:at], text[at:]) if at > 0 else ("", text)
    units = [head] if head else []
    return units + TITLE_UNIT.findall(rest)


def shape_title(title: str, capacity: float = TITLE_CAPACITY) -> list[str]:
    """The title's lines: the drafter's own when each fits; otherwise broken between words,
    never inside a date, a number or a name, in as few lines as fit, shaped as a trapezoid
    (lines growing or shrinking) or a diamond (the middle longest), none filling the line."""
    lines = title_lines(title)
    if all(text_width(line) <= capacity for line in lines):
        return lines
    units = _title_units("".join(lines))
    best = None
    for count in range(2, 5):
        for cuts in _cuts(len(units), count):
            parts = ["".join(units[a:b]) for a, b in zip((0, *cuts), (*cuts, len(units)))]
            widths = [text_width(p) for p in parts]
            if max(widths) > capacity:
                continue
            rising = all(a <= b for a, b in zip(widths, widths[1:]))
            falling = all(a >= b for a, b in zip(widths, widths[1:]))
            diamond = count == 3 and widths[1] >= max(widths[0], widths[2])
            good = sum(parts[i].endswith(GOOD_BREAKS_AFTER) for i in range(count - 1))
            score = (not (rising or falling or diamond), -good, max(widths) - min(widths))
            if best is None or score < best[0]:
                best = (score, parts)
        if best is not None:
            return best[1]
    return lines


def _cuts(n: int, count: int):
    from itertools import combinations

    return combinations(range(1, n), count - 1) if n <= 60 else ()
