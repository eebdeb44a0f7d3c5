"""GB/T 9704-2012 《党政机关公文格式》 as numbers, and the print stylesheet made from them.

Every length of the standard is here once; ``print_css`` turns them, with the fonts found for
each role, into the CSS that WeasyPrint lays documents out with. The tests measure the
produced PDFs against the same numbers.

Vertical positions are those of the characters' em boxes (字框): WeasyPrint centres a line's
baseline by the font's ascent and descent, which differ from font to font, so each role's text
is raised by ``Metrics.raise_by`` to put its ideographs' em box in the middle of its line box.
"""
from dataclasses import dataclass
from math import floor

PT_PER_MM = 72 / 25.4


def mm(value: float) -> float:
    """Millimetres in points."""
    return value * PT_PER_MM


@dataclass(frozen=True)
class Geometry:
    page_width: float = 210.0   # mm, A4
    page_height: float = 297.0
    top: float = 37.0           # 天头
    left: float = 28.0          # 订口
    area_width: float = 156.0   # 版心
    area_height: float = 225.0
    body_size: float = 16.0     # pt, 三号
    lines: int = 22             # per page
    chars: int = 28             # per line
    mark_top: float = 35.0      # mm from the type area's top to the issuing-organ mark
    mark_max_size: float = 42.0  # pt, 初号
    number_gap_lines: int = 2   # 发文机关标志下空二行
    rule_gap: float = 4.0       # mm below the document number
    rule_height: float = 0.7    # mm
    title_size: float = 22.0    # pt, 二号
    title_gap_lines: int = 2    # 红色分隔线下空二行
    small_size: float = 14.0    # pt, 四号: page numbers, colophon
    page_number_gap: float = 7.0  # mm below the type area
    colophon_thick: float = 0.35  # mm
    colophon_thin: float = 0.25
    red: str = "#e60012"
    seal_diameter: float = 42.0   # mm: a bureau's round seal
    seal_drop: float = 0.1        # lines between the body's last line and the seal's top (一行之内)

    @property
    def right(self) -> float:
        return self.page_width - self.left - self.area_width

    @property
    def bottom(self) -> float:
        return self.page_height - self.top - self.area_height

    @property
    def pitch(self) -> float:
        """Line pitch in pt: 22 lines fill the type area (rounded down so that 22 fit)."""
        return floor(mm(self.area_height) / self.lines * 100) / 100 - 0.01

    @property
    def advance(self) -> float:
        """Advance of one character in pt: 28 fill a line (rounded down so that 28 fit)."""
        return floor(mm(self.area_width) / self.chars * 100) / 100

    @property
    def letter_spacing(self) -> float:
        return round(self.advance - self.body_size, 3)

    def title_gap(self, mark: str) -> float:
        """The space in pt between the red rule and the title: two lines (空二行), less or more by
        what puts the title on a line of the page's grid, so that the body below it keeps the
        grid and page 1 holds its 22nd line."""
        p = self.pitch
        head = (mm(self.mark_top) + self.mark_size(mark) + (self.number_gap_lines + 1) * p
                + mm(self.rule_gap) - (p - self.body_size) / 2 + mm(self.rule_height) + self.title_gap_lines * p)
        off = head % p
        return round(self.title_gap_lines * p - off if off <= p / 2 else self.title_gap_lines * p + p - off, 3)

    def mark_size(self, text: str) -> float:
        """The mark's size: 初号 at most, and never wider than 90% of the type area."""
        n = max(len(text), 1)
        return round(min(self.mark_max_size, 0.9 * mm(self.area_width) / n), 2)


GBT9704 = Geometry()


def _pt(value: float) -> str:
    return f"{value:.3f}pt"


class _Parts:
    """The numbers and font declarations the stylesheets are written with."""

    def __init__(self, fonts: dict, g: Geometry):
        self.g = g
        self.fam = {name: f.css_family for name, f in fonts.items()}
        self.weight = {name: ("bold" if f.bold else "normal") for name, f in fonts.items()}
        self.rise = {name: f.metrics.raise_by for name, f in fonts.items()}

    def shift(self, role, size):
        return f"position: relative; top: {_pt(-self.rise[role] * size)};"

    def font(self, role):
        return f"font-family: {self.fam[role]}; font-weight: {self.weight[role]};"


def page_css(fonts: dict, g: Geometry = GBT9704) -> str:
    """Pages: A4, the type area, page numbers "— 1 —" 7 mm below it (odd right, even left),
    none on blank pages and on the colophon page."""
    x = _Parts(fonts, g)
    small = g.small_size
    # the page number's em box top lies page_number_gap below the type area
    number_pad = mm(g.page_number_gap) - x.rise["songti"] * small
    page_number = (f'content: "— " counter(page) " —"; {x.font("songti")} font-size: {_pt(small)}; '
                   f"line-height: {_pt(small)}; letter-spacing: 0; vertical-align: top; white-space: nowrap; "
                   f"padding-top: {_pt(number_pad)}; color: #000;")
    return f"""
@page {{ size: {g.page_width}mm {g.page_height}mm; margin: {g.top}mm {g.right}mm {g.bottom}mm {g.left}mm; }}
@page :right {{ @bottom-right {{ {page_number} text-align: right; padding-right: {_pt(small)}; }} }}
@page :left {{ @bottom-left {{ {page_number} text-align: left; padding-left: {_pt(small)}; }} }}
@page :blank {{ @bottom-right {{ content: none; }} @bottom-left {{ content: none; }} }}
@page colophon {{ @bottom-right {{ content: none; }} @bottom-left {{ content: none; }} }}
"""


def full_page_css(fonts: dict, g: Geometry = GBT9704) -> str:
    """For a whole HTML page of its own (a dossier): the pages, and the role fonts for its text,
    leaving its own sizes and layout alone, but never wider than the type area."""
    x = _Parts(fonts, g)
    return page_css(fonts, g) + f"""
html, body {{ {x.font("fangsong")} }}
body {{ margin: 0; max-width: none; width: auto; }}
h1 {{ {x.font("xiaobiaosong")} }}
h2, h3, h4, h5, h6, th {{ {x.font("heiti")} }}
"""


def print_css(fonts: dict, g: Geometry = GBT9704) -> str:
    """The stylesheet of documents made for print (``documents/print.html``): the pages, and
    every element of a 公文 by GB/T 9704.

    ``fonts`` maps role names (fangsong, xiaobiaosong, heiti, kaiti, songti) to ``RoleFont``.
    """
    x = _Parts(fonts, g)
    rise = x.rise
    shift, font = x.shift, x.font
    p, adv, body = g.pitch, g.advance, g.body_size
    small = g.small_size
    half = (p - body) / 2  # between a body line box's top and its em box
    return page_css(fonts, g) + f"""
html {{ {font("fangsong")} font-size: {_pt(body)}; line-height: {_pt(p)}; color: #000;
  letter-spacing: {_pt(g.letter_spacing)}; orphans: 1; widows: 1; }}
body {{ margin: 0; }}
p, li, dd, dt, td, th, h1, h2, h3, h4, h5, h6, .gw-text {{ {shift("fangsong", body)} }}
p {{ margin: 0; text-indent: {_pt(2 * adv)}; white-space: pre-wrap; text-align: justify; }}
h1, h2, h3, h4, h5, h6 {{ margin: 0; font-size: {_pt(body)}; font-weight: normal; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 0.25mm solid #000; padding: 0 {_pt(adv / 4)}; text-align: left; vertical-align: top;
  text-indent: 0; font-weight: normal; }}
th {{ {font("heiti")} }}
ul, ol {{ margin: 0; padding-left: {_pt(2 * adv)}; }}
.gw-hei {{ {font("heiti")} }}
.gw-kai {{ {font("kaiti")} }}
.gw-song, .gw-latin {{ {font("songti")} }}
.gw-latin {{ line-height: 0; }}  /* another font's ascent and descent must not move the line off the grid */
.gw-half {{ letter-spacing: {_pt(adv / 2 - body)}; }}

/* the head of the first page */
.gw-head {{ position: relative; padding-top: {_pt(mm(g.mark_top))}; }}
.gw-corner {{ position: absolute; left: 0; margin: 0; text-indent: 0; {font("heiti")}
  line-height: {_pt(p)}; white-space: nowrap; }}
.gw-corner-1 {{ top: {_pt(-rise["heiti"] * body)}; }}
.gw-corner-2 {{ top: {_pt(p - rise["heiti"] * body)}; }}
.gw-corner-3 {{ top: {_pt(2 * p - rise["heiti"] * body)}; }}
.gw-mark {{ margin: 0; text-indent: 0; text-align: center; color: {g.red}; {font("xiaobiaosong")}
  letter-spacing: 0; white-space: nowrap; }}
.gw-number {{ margin: {_pt(g.number_gap_lines * p)} 0 0; text-indent: 0; text-align: center; white-space: nowrap; }}
.gw-rule {{ margin: {_pt(mm(g.rule_gap) - half)} 0 0; height: {g.rule_height}mm; background: {g.red}; }}
.gw-title {{ margin: {_pt(g.title_gap_lines * p)} 0 0; text-indent: 0; text-align: center; {font("xiaobiaosong")}
  font-size: {_pt(g.title_size)}; letter-spacing: 0; {shift("xiaobiaosong", g.title_size)} }}
.gw-title-plain {{ margin-top: 0; }}
.gw-recipients {{ margin-top: {_pt(p)}; text-indent: 0; }}
.gw-h1 {{ {font("heiti")} }}
.gw-h2 {{ {font("kaiti")} }}
.gw-chapter {{ text-indent: 0; text-align: center; {font("heiti")} }}
.gw-article {{ {font("heiti")} }}
.gw-blank {{ height: {_pt(p)}; }}
.gw-keep {{ break-after: avoid; }}

/* 附件说明, signature, date, 附注 */
/* 附件说明 stays with the body's last lines, as the 署名 does; the names take the rest of the line */
.gw-annex {{ margin-top: {_pt(p)}; width: 100%; break-before: avoid; break-inside: avoid; }}
.gw-annex td:last-child {{ width: 100%; }}
.gw-annex td {{ border: 0; padding: 0; }}
.gw-annex .gw-annex-label {{ padding-left: {_pt(2 * adv)}; white-space: nowrap; }}
.gw-annex .gw-annex-no {{ white-space: nowrap; padding-right: {_pt(adv / 4)}; }}
/* the 署名 and the date stay together and with the body's last lines */
.gw-signature {{ display: table; width: auto; margin: {_pt(p)} {_pt(2 * adv)} 0 auto; break-inside: avoid;
  break-before: avoid; }}
.gw-signature p {{ text-indent: 0; white-space: nowrap; }}
.gw-signature .gw-date {{ padding-left: {_pt(2 * adv)}; }}
/* 加盖印章: two lines for the seal's top half, then the 署名 and the date, the seal over them */
.gw-sealed {{ position: relative; padding-top: {_pt(2 * p)}; break-inside: avoid; break-before: avoid; }}
.gw-sealed p {{ text-indent: 0; white-space: nowrap; text-align: right; }}
.gw-seal {{ position: absolute; top: {_pt(g.seal_drop * p)}; width: {g.seal_diameter}mm; height: auto; }}
.gw-note {{ text-indent: {_pt(2 * adv)}; }}

/* attachments: each on a new page, "附件1" on the first line, its title on the third */
.gw-attachment {{ break-before: page; }}
.gw-attachment-label {{ text-indent: 0; {font("heiti")} {shift("heiti", body)} }}
.gw-attachment-title {{ margin: {_pt(p)} 0 {_pt(p)}; text-indent: 0; text-align: center; {font("xiaobiaosong")}
  font-size: {_pt(g.title_size)}; letter-spacing: 0; {shift("xiaobiaosong", g.title_size)} }}
.gw-file-note {{ text-indent: 0; }}
/* an attachment of tables and charts (the statistics' 舆情月报) */
.gw-figures h3 {{ margin: {_pt(p / 2)} 0 0; text-indent: 0; {font("heiti")} font-size: {_pt(body)}; }}
.gw-figures table {{ width: 100%; border-collapse: collapse; font-size: {_pt(small)}; letter-spacing: 0;
  break-inside: avoid; }}
.gw-figures th, .gw-figures td {{ border: 0.5pt solid #000; padding: 1pt 3pt; text-indent: 0; line-height: 1.3; }}
.gw-figures td.n {{ text-align: right; }}
.gw-figures img {{ display: block; width: 150mm; max-width: 100%; margin: {_pt(p / 2)} auto; break-inside: avoid; }}

/* 版记: after the body; pagination.arrange puts it at the foot of the last even page */
.gw-colophon-page {{ break-inside: avoid; padding-top: {_pt(p)}; }}
.gw-colophon-next {{ break-before: page; padding-top: 0; }}
.gw-colophon-back {{ break-before: left; page: colophon; padding-top: 0; }}
.gw-colophon {{ font-size: {_pt(small)}; letter-spacing: 0; border-bottom: {g.colophon_thick}mm solid #000; }}
.gw-colophon-row {{ margin: 0; border-top: {g.colophon_thin}mm solid #000; padding: 0 {_pt(small)}; }}
.gw-colophon-row:first-child {{ border-top-width: {g.colophon_thick}mm; }}
.gw-colophon p {{ text-indent: 0; {shift("fangsong", small)} }}
.gw-cc {{ padding-left: {_pt(3 * small)}; text-indent: {_pt(-3 * small)} !important; }}
.gw-printed {{ display: table; width: 100%; }}
.gw-printed > span {{ display: table-cell; }}
.gw-printed .gw-printed-date {{ text-align: right; }}
.gw-title-line {{ display: block; }}
"""
