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


def latin(text: str) -> Markup:
    """``text`` escaped, with each run of digits and Latin letters in a ``gw-latin`` span."""
    out, at = [], 0
    for match in LATIN_RUN.finditer(text or ""):
        out.append(escape(text[at:match.start()]))
        out.append(Markup('<span class="gw-latin">{}</span>').format(match.group(0)))
        at = match.end()
    out.append(escape((text or "")[at:]))
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
