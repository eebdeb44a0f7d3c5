"""The trend chart's geometry: one small line chart per metric, which the template draws as SVG.

No JavaScript and no inline styles (the CSP forbids both): coordinates here, colours in
static/grading.css, presentation attributes in templates/grading/_chart.html.
"""
from dataclasses import dataclass, field

WIDTH, HEIGHT = 280, 120
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 14, 22  # margins inside the viewBox

# metric, label, unit, the thresholds drawn as dashed lines: (Thresholds field, grade)
METRICS = (
    ("clicks", "点击率", "人次", (("major_clicks", "major"), ("critical_clicks", "critical"))),
    ("comments", "跟帖评论", "篇", (("major_comments", "major"), ("critical_comments", "critical"))),
    ("reposts", "主流网站转发", "家", (("critical_reposts", "critical"),)),
    ("heat_index", "热点指数", "", ()),
)


@dataclass
class Series:
    key: str
    label: str
    unit: str
    latest: float
    peak: float
    points: str = ""  # the polyline's "x,y x,y …"
    dots: list = field(default_factory=list)  # (x, y, value, observed_at)
    lines: list = field(default_factory=list)  # (y, value, grade) of each threshold in range


def _fmt(value: float) -> str:
    return f"{value:g}"


def build(snapshots, thresholds) -> list[Series]:
    """One Series per metric for ``snapshots`` (oldest first); empty when there are none."""
    if not snapshots:
        return []
    start, end = snapshots[0].observed_at, snapshots[-1].observed_at
    span = (end - start).total_seconds()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(at) -> float:
        return round(LEFT + (plot_w * (at - start).total_seconds() / span if span else plot_w / 2), 1)

    charts = []
    for key, label, unit, limits in METRICS:
        values = [float(getattr(s, key)) for s in snapshots]
        top = max(max(values), 1.0) * 1.15

        def y(value) -> float:
            return round(TOP + plot_h * (1 - value / top), 1)

        series = Series(key, label, unit, latest=values[-1], peak=max(values))
        series.dots = [(x(s.observed_at), y(v), _fmt(v), s.observed_at) for s, v in zip(snapshots, values)]
        series.points = " ".join(f"{dx},{dy}" for dx, dy, _, _ in series.dots)
        series.lines = [(y(getattr(thresholds, name)), getattr(thresholds, name), grade)
                        for name, grade in limits if getattr(thresholds, name) <= top]
        charts.append(series)
    return charts
