"""Charts as SVG from pygal, drawn on the server: no JavaScript (pygal's tooltips script, from a
CDN, is left out) and shown as ``<img src="data:image/svg+xml;base64,…">`` so the page's CSP (no
inline styles) holds and the same image goes into a PDF as vector graphics."""
import base64

import pygal
from pygal.style import Style

from pygal.etree import etree

STYLE = Style(
    background="white", plot_background="white", foreground="#333", foreground_strong="#111",
    foreground_subtle="#ccc", colors=("#2f5d8a", "#c0392b", "#d68910", "#27864a", "#7d3c98", "#5d6d7e",
                                      "#1f8a8a", "#a04000"),
    font_family="'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif",
    label_font_size=13, major_label_font_size=13, value_font_size=12, legend_font_size=13, title_font_size=15,
    tooltip_font_size=12,
)
COMMON = dict(style=STYLE, js=[], disable_xml_declaration=False, width=640, height=320, print_values=True,
              show_legend=False, margin=12, spacing=8, truncate_label=-1, no_data_text="无数据")


def bar(rows: list[tuple[str, float]], *, title: str = "", horizontal: bool = False) -> bytes:
    """Bars in the order of ``rows`` (top to bottom when ``horizontal``)."""
    options = dict(COMMON)
    longest = max((len(str(label)) for label, _ in rows), default=0)
    if horizontal:
        rows = rows[::-1]  # pygal draws the first row at the bottom
        # pygal reserves 0.6 em a character; a Chinese character takes a whole em
        options["margin_left"] = 12 + int(0.45 * STYLE.label_font_size * longest)
        options["height"] = max(COMMON["height"], 60 + 28 * len(rows))
    elif len(rows) * longest * STYLE.label_font_size > options["width"] * 0.8:
        options.update(x_label_rotation=40, margin_bottom=int(0.45 * STYLE.label_font_size * longest))
    values = [value for _, value in rows]
    if values and all(isinstance(v, int) for v in values) and 0 < max(values) <= 10:
        options["y_labels"] = list(range(max(values) + 1))  # counts: no ticks at 0.1, 0.2 …
    chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(title=title or None, **options)
    chart.x_labels = [str(label) for label, _ in rows]
    chart.add("", values)
    return _render(chart)


def pie(rows: list[tuple[str, float]], *, title: str = "") -> bytes:
    chart = pygal.Pie(title=title or None, inner_radius=0.45, **{**COMMON, "show_legend": True,
                                                                   "legend_at_bottom": True})
    for label, value in rows:
        chart.add(label, value)
    return _render(chart)


def _render(chart) -> bytes:
    """The SVG without pygal's configuration script (an image runs none, and none is wanted)."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in [c for c in parent if str(c.tag).endswith("script")]:
            parent.remove(child)
    return etree.tostring(tree, encoding="utf-8")


def data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
