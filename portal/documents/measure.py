"""Measuring a produced PDF the way a ruler would, for the tests and the benchmark.

Needs the ``test`` extra (pypdf, pdfplumber). Positions are in millimetres from the page's
top-left corner. A character's ink comes from the outline of its glyph in the font embedded in
the PDF (found through the font's ToUnicode map); a line's em box is 1 em tall, centred on the
ink centre of its ideographs: the character frame (字框) the standard's distances refer to.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

PT_PER_MM = 72 / 25.4
BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def is_ideograph(ch: str) -> bool:
    return "CJK UNIFIED IDEOGRAPH" in unicodedata.name(ch, "")


def is_cjk(ch: str) -> bool:
    """A character a Chinese reader expects a Chinese font to draw: ideographs and CJK punctuation."""
    cp = ord(ch)
    return is_ideograph(ch) or 0x3000 <= cp <= 0x303F or 0xFF00 <= cp <= 0xFFEF or ch in "“”‘’—…·"


class EmbeddedFont:
    """A font program embedded in the PDF, with its ToUnicode map."""

    def __init__(self, name: str, program: bytes, to_unicode: dict[int, str]):
        from fontTools.ttLib import TTFont

        self.name = name
        self.font = TTFont(io.BytesIO(program))
        self.upem = self.font["head"].unitsPerEm
        self.to_unicode = to_unicode
        self.gid_of = {}
        for gid, text in to_unicode.items():
            self.gid_of.setdefault(text, gid)
        self.glyph_order = self.font.getGlyphOrder()
        self.glyphs = self.font.getGlyphSet()
        self._bounds = {}

    def ink(self, text: str):
        """(yMin, yMax) of the glyph drawing ``text`` in em, or None for an empty or missing glyph."""
        from fontTools.pens.boundsPen import BoundsPen

        gid = self.gid_of.get(text)
        if gid is None or gid == 0 or gid >= len(self.glyph_order):
            return None
        if gid not in self._bounds:
            pen = BoundsPen(self.glyphs)
            self.glyphs[self.glyph_order[gid]].draw(pen)
            b = pen.bounds
            self._bounds[gid] = None if b is None else (b[1] / self.upem, b[3] / self.upem)
        return self._bounds[gid]


def embedded_fonts(pdf: bytes) -> dict[str, EmbeddedFont]:
    """Every embedded font of the PDF by its BaseFont name (as pdfplumber reports ``fontname``)."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found: dict[str, EmbeddedFont] = {}

    def visit(resources):
        if not resources:
            return
        resources = resources.get_object()
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", ""))[1:]
            if name in found or "/DescendantFonts" not in font:
                continue
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            stream = descriptor.get("/FontFile3") or descriptor.get("/FontFile2") or descriptor.get("/FontFile")
            if stream is None:
                continue
            cmap = {}
            if "/ToUnicode" in font:
                for gid, text in BFCHAR.findall(font["/ToUnicode"].get_object().get_data()):
                    cmap[int(gid, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
            found[name] = EmbeddedFont(name, stream.get_object().get_data(), cmap)
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


@dataclass
class Char:
    text: str
    font: str
    size: float      # pt
    x: float         # mm, left of the advance box
    x1: float        # mm
    baseline: float  # mm from the page's top
    color: tuple

    def ink(self, fonts) -> tuple[float, float] | None:
        """(top, bottom) of the glyph's ink in mm from the page's top."""
        font = fonts.get(self.font)
        bounds = font.ink(self.text) if font else None
        if bounds is None:
            return None
        size_mm = self.size / PT_PER_MM
        return self.baseline - bounds[1] * size_mm, self.baseline - bounds[0] * size_mm


@dataclass
class Line:
    chars: list[Char]

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def baseline(self) -> float:
        return self.chars[0].baseline

    @property
    def size(self) -> float:
        return max(c.size for c in self.chars)

    @property
    def x0(self) -> float:
        return min(c.x for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    def em_box(self, fonts) -> tuple[float, float]:
        """(top, bottom) in mm of the 1-em box centred on the ideographs' ink."""
        centres = []
        for c in self.chars:
            if is_ideograph(c.text) and (ink := c.ink(fonts)):
                centres.append(((ink[0] + ink[1]) / 2, c.size / PT_PER_MM))
        if not centres:  # no ideograph: centre on the ink of whatever is there
            centres = [((ink[0] + ink[1]) / 2, c.size / PT_PER_MM) for c in self.chars if (ink := c.ink(fonts))]
        centre = sum(c for c, _ in centres) / len(centres)
        size = max(s for _, s in centres)
        return centre - size / 2, centre + size / 2

    def ink(self, fonts) -> tuple[float, float]:
        inks = [i for c in self.chars if (i := c.ink(fonts))]
        return min(i[0] for i in inks), max(i[1] for i in inks)


class MeasuredPdf:
    """A PDF opened for measurement: pages, their text lines, rules and fonts."""

    def __init__(self, pdf: bytes):
        import pdfplumber

        self.data = pdf
        self.doc = pdfplumber.open(io.BytesIO(pdf))
        self.pages = self.doc.pages

    @cached_property
    def fonts(self) -> dict[str, EmbeddedFont]:
        return embedded_fonts(self.data)

    def size_mm(self, index: int) -> tuple[float, float]:
        page = self.pages[index]
        return page.width / PT_PER_MM, page.height / PT_PER_MM

    def chars(self, index: int) -> list[Char]:
        page = self.pages[index]
        result = []
        for c in page.chars:
            if not c["text"].strip():
                continue
            result.append(Char(c["text"], c["fontname"], c["size"], c["x0"] / PT_PER_MM, c["x1"] / PT_PER_MM,
                               (page.height - c["matrix"][5]) / PT_PER_MM, tuple(c.get("non_stroking_color") or ())))
        return result

    def lines(self, index: int) -> list[Line]:
        """Text lines of a page, top to bottom (characters sharing a baseline, within 0.2 mm)."""
        rows: list[list[Char]] = []
        for c in sorted(self.chars(index), key=lambda c: (round(c.baseline, 1), c.x)):
            if rows and abs(rows[-1][0].baseline - c.baseline) < 0.2:
                rows[-1].append(c)
            else:
                rows.append([c])
        return [Line(sorted(r, key=lambda c: c.x)) for r in rows]

    def line(self, index: int, startswith: str) -> Line:
        for line in self.lines(index):
            if line.text.startswith(startswith):
                return line
        raise LookupError(f"no line starting with {startswith!r} on page {index + 1}")

    def rects(self, index: int) -> list[dict]:
        """Filled rectangles and drawn lines (rules), in mm: x0, x1, top, bottom, color."""
        page = self.pages[index]
        result = []
        for r in list(page.rects) + list(page.lines):
            color = r.get("non_stroking_color") if r.get("fill") else r.get("stroking_color")
            result.append({"x0": r["x0"] / PT_PER_MM, "x1": r["x1"] / PT_PER_MM, "top": r["top"] / PT_PER_MM,
                           "bottom": r["bottom"] / PT_PER_MM, "color": tuple(color or ())})
        return result

    def text(self) -> str:
        return "\n".join(p.extract_text() or "" for p in self.pages)
