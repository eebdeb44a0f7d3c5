"""When the page cannot hold the 署名 (and the seal) with the body's last lines, tighten that page's
line spacing instead of carrying body lines over to the next page (GB/T 9704-2012, 7.3.5.4:
"当公文排版后所剩空白处不能容下印章或签发人签名章、成文日期时，可以采取调整行距、字距的措施解决").

The 署名 block never breaks from the body (``break-before: avoid``), so WeasyPrint carries the
body's last lines over with it. After that first layout, ``plan`` sees it: the 署名 block's page
starts with lines that left a page with room. When a pitch at most ``MIN_RATIO`` tighter on that
page holds them, the document is laid out again with that page's type area taller by what is
missing (``with_room``: an ``@page :nth()`` rule), and ``squeeze`` then draws the page's text lines
closer together, evenly, back into the type area: the text keeps its size, the page keeps 22
lines' height, and the other pages are as before.
"""
from __future__ import annotations

from dataclasses import dataclass

MIN_RATIO = 0.86  # the tightest line pitch, of the standard's (25 pt for 28.98): 25 lines where 22 go
SIGNATURE = ("gw-signature", "gw-sealed")
COLOPHON = "gw-colophon-page"
HEAD = ("gw-head", "gw-title")


@dataclass(frozen=True)
class Plan:
    page: int      # index of the page to tighten
    extra: float   # CSS px (WeasyPrint's unit, ¾ pt) the page's type area lacks


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) is None:
        return set()
    return set((element.get("class") or "").split())


def _signature(document):
    from weasyprint.formatting_structure.boxes import ParentBox

    def walk(box):
        if _classes(box) & set(SIGNATURE):
            return box
        if isinstance(box, ParentBox):
            for child in box.children:
                if (found := walk(child)) is not None:
                    return found
        return None

    for index, page in enumerate(document.pages):
        if (found := walk(page._page_box)) is not None:
            return index, found
    return None


def _movable(box, head=False):
    """(box, kind) to move on a squeezed page: its text lines and images, the 署名 block and the
    版记 whole."""
    from weasyprint.formatting_structure.boxes import LineBox, MarginBox, ParentBox, ReplacedBox

    if isinstance(box, MarginBox):
        return
    classes = _classes(box)
    head = head or bool(classes & set(HEAD))
    if classes & {COLOPHON, *SIGNATURE}:
        yield box, "whole"
    elif isinstance(box, (LineBox, ReplacedBox)):
        yield box, "head" if head else "line"
    elif isinstance(box, ParentBox):
        for child in box.children:
            yield from _movable(child, head)


def _area(page_box):
    top = page_box.content_box_y()
    return top, top + page_box.height


def _flow_top(page_box) -> float:
    """Where the page's running text starts: the type area's top, or below page 1's head."""
    top, _ = _area(page_box)
    heads = [b for b, kind in _movable(page_box) if kind == "head"]
    if not heads:
        return top
    lines = [b for b, kind in _movable(page_box) if kind == "line"
             and b.position_y >= max(h.position_y + h.height for h in heads) - 0.5]
    return min((b.position_y for b in lines), default=top)


PX_PER_PT = 4 / 3


def plan(document, pitch_pt: float) -> Plan | None:
    pitch = pitch_pt * PX_PER_PT
    found = _signature(document)
    if found is None or found[0] == 0:
        return None
    k, block = found
    page, before = document.pages[k]._page_box, document.pages[k - 1]._page_box
    carried = block.position_y - _area(page)[0]
    if carried < pitch / 2:
        return None  # the 署名 block opens its page: nothing came with it
    lines = [b for b, kind in _movable(before) if kind == "line"]
    if not lines:
        return None
    top, bottom = _area(before)
    free = bottom - max(b.position_y + b.height for b in lines)
    if free < pitch / 2:
        return None  # the page before is full: what precedes the 署名 is the body's own
    extra = carried + block.margin_height() - free
    if extra <= 0:
        return None
    # the body's lines above the 署名 block take it all, each line at most MIN_RATIO tighter
    allowed = (bottom - free + carried - _flow_top(before)) * (1 - MIN_RATIO)
    if extra > allowed + 0.5:
        return None
    # the room asked for has some slack (text shifted within its line must not find it a hair
    # short); ``squeeze`` lifts by what the block actually overhangs
    return Plan(k - 1, round(extra + pitch / 4, 3))


def with_room(html: str, found: Plan, bottom_margin_pt: float) -> str:
    """``html`` with the planned page's type area taller by what it lacks."""
    margin = bottom_margin_pt * PX_PER_PT - found.extra
    rule = f"<style>@page :nth({found.page + 1}) {{ margin-bottom: {margin:.3f}px; }}</style>"
    at = html.find("</head>")
    return html[:at] + rule + html[at:] if at >= 0 else rule + html


def holds(document, found: Plan) -> bool:
    """The second layout put the 署名 block on the planned page."""
    located = _signature(document)
    return located is not None and located[0] == found.page


def squeeze(document, found: Plan):
    """Draw the planned page's body lines evenly closer so that the 署名 block, kept whole, ends
    back in the type area; what follows it (附注, 版记) and the page number move up with it."""
    from weasyprint.formatting_structure.boxes import MarginBox

    page = document.pages[found.page]._page_box
    start = _flow_top(page)
    block = _signature(document)[1]
    # the block's bottom goes to the type area's (lines' heights make it differ from the plan by a point or so)
    lift = block.position_y + block.margin_height() - (_area(page)[1] - found.extra)
    end = block.position_y  # the body's extent: start … end, drawn into start … end - lift
    ratio = (end - lift - start) / (end - start)
    for box, kind in list(_movable(page)):
        if kind == "head" or box.position_y < start - 0.5:
            continue
        if kind == "whole" and box is not block:  # the 版记, put at the taller area's foot
            box.translate(dy=-found.extra)
        elif kind == "whole" or box.position_y >= end - 0.5:
            box.translate(dy=-lift)
        else:
            box.translate(dy=(box.position_y - start) * (ratio - 1))
    for box in page.children:
        if isinstance(box, MarginBox) and box.at_keyword.startswith("@bottom"):
            box.translate(dy=-found.extra)
