"""Where the 版记 goes (GB/T 9704-2012, 7.4.1 and 7.5): at the foot of the last even page.

The 版记 is laid out after the body, in the flow. Once WeasyPrint has paginated:

- it shares the body's last page and that page is even: it moves down to the foot of the page;
- the body ends on an odd page (it shares it, or it went to the next, even, page): it takes
  the next page, which keeps its page number;
- it did not fit on the body's last page, an even one: a blank page, then the 版记 on a page of
  its own, neither numbered.

The last two need a second layout (``arrange`` returns the HTML to lay out again); the first
moves the laid-out boxes.
"""
from __future__ import annotations

SECTION = "gw-colophon-page"
NEXT_PAGE = "gw-colophon-next"    # on the next page, numbered
BACK_PAGE = "gw-colophon-back"    # a blank page, then the 版记 on the back of the sheet, unnumbered


def _colophon(document):
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None and SECTION in (element.get("class") or "").split() and \
                    box.element_tag == "section":
                return index, page, box
    return None


def arrange(document, html: str) -> str | None:
    """Move the 版记 to the foot of its page, or return the HTML to lay out again with the 版记
    on another page (``None``: the document is done)."""
    found = _colophon(document)
    if found is None:
        return None
    index, page, box = found
    area = page._page_box
    top, bottom = area.content_box_y(), area.content_box_y() + area.height
    forced = NEXT_PAGE in (box.element.get("class") or "") or BACK_PAGE in (box.element.get("class") or "")
    alone = box.position_y <= top + 1  # pushed to a page of its own: the body ended on the page before
    even = (index + 1) % 2 == 0
    if not forced and not even:
        wanted = NEXT_PAGE if not alone else BACK_PAGE
        return html.replace(f'class="{SECTION}"', f'class="{SECTION} {wanted}"', 1)
    box.translate(dy=bottom - (box.position_y + box.margin_height()))
    return None
