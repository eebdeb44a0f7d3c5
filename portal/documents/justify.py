"""撑满版心: every line of a justified paragraph but its last ends at the type area's right edge.

WeasyPrint justifies by widening spaces, and Chinese text has none, so a line that Chinese
line-breaking rules (no "，" at a line's start, "（YQ-2026-0009）" kept whole) leave short stays
short. After layout, this pass spreads the missing width over the gaps between the line's
characters, as Chinese typesetting does (拉伸), never inside a run of Latin letters or digits.
It widens the letter spacing of the line's text boxes (drawing lays each box's text out again
from its style), so the PDF's text keeps its positions.
"""
from __future__ import annotations

MAX_GAP = 10     # at most this many characters missing: a wider gap (a line ended by hand) is left alone


def _lines(box, parent=None):
    from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ParentBox

    if isinstance(box, MarginBox):  # page numbers, a draft's mark: not part of the text
        return
    if isinstance(box, LineBox):
        yield box, parent
        return
    if isinstance(box, ParentBox):
        for child in box.children:
            yield from _lines(child, box)


def _text_boxes(box):
    from weasyprint.formatting_structure.boxes import ParentBox, TextBox

    if isinstance(box, TextBox):
        yield box
    elif isinstance(box, ParentBox):
        for child in box.children:
            yield from _text_boxes(child)


def _latin(box) -> bool:
    element = getattr(box, "element", None)
    return element is not None and box.element_tag == "span" and \
        any(c in (element.get("class") or "").split() for c in ("gw-latin", "gw-half"))


def justify(document):
    """Spread the short lines of every ``text-align: justify`` paragraph of ``document``."""
    lines = [(line, parent) for page in document.pages for line, parent in _lines(page._page_box)]
    for (line, parent), following in zip(lines, lines[1:] + [(None, None)]):
        next_line, next_parent = following
        if parent is None or parent.style["text_align_all"] != "justify":
            continue
        if next_parent is None or next_parent.element is not parent.element:
            continue  # the paragraph's last line
        _spread(line, parent)


def _spread(line, parent):
    boxes = [b for b in _text_boxes(line) if b.text]
    if not boxes:
        return
    right = parent.content_box_x() + parent.width
    gap = right - max(b.position_x + b.width for b in boxes)
    spread = [b for b in boxes if not _latin(b)]
    slots = sum(len(b.text) for b in spread)
    if gap <= 0.05 or gap > MAX_GAP * parent.style["font_size"] or not slots:
        return
    extra = gap / slots
    shift = 0.0
    for b in boxes:
        if shift:
            b.translate(dx=shift)
        if b in spread:
            # drawing lays the text out again from the box's style: widen its letter spacing
            style = b.style.copy()
            spacing = style["letter_spacing"]
            style["letter_spacing"] = (0 if spacing == "normal" else spacing) + extra
            b.style = style
            b.width += extra * len(b.text)
            shift += extra * len(b.text)
