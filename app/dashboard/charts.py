"""Geometry for the dashboard's server-drawn SVG charts: scales and positions, no markup.

Sizes are in viewBox units, chosen so that one unit is about one CSS pixel on a phone (a chart
spans ~340 px there) and text stays legible when a PC draws it larger.
"""

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 340, 210
LEFT, RIGHT, TOP, BOTTOM = 30, 4, 16, 40  # margins: tick numbers left, month labels below


def nice_step(top: float, intervals: int = 4) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ step that covers 0…`top` in at most `intervals` steps."""
    rough = max(top, 1) / intervals
    power = 10 ** max(0, math.floor(math.log10(rough)))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str  # read on hover: "Nov 2026 · found: 12"


@dataclass
class Text:
    x: float
    y: float
    text: str
    css: str = ""


@dataclass
class Series:
    name: str
    css: str  # a class the stylesheet colours
    values: list[float | None]  # one per group; None draws nothing


@dataclass
class ColumnChart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM
    grid: list[Text] = field(default_factory=list)  # y and tick label of each grid line
    bars: list[Bar] = field(default_factory=list)
    labels: list[Text] = field(default_factory=list)  # under the axis, and values above bars


def column_chart(groups: list[tuple[str, str]], series: list[Series], *, top: int | None = None,
                 step: int | None = None, unit: str = "", value_format: str | None = None,
                 titles: list[str] | None = None) -> ColumnChart:
    """Columns side by side for each group (a month), over a zero-based axis.

    `groups` are (label, second line) pairs, the second line empty but where the year turns;
    `top` and `step` fix the axis (100 and 25 for a rate), else it fits the data; `unit`
    follows the tick numbers; `value_format` (e.g. "{:.0f}") writes each value above its
    column; `titles` name the groups in the bars' hover text."""
    chart = ColumnChart()
    highest = max((v for s in series for v in s.values if v is not None), default=0)
    step = step or nice_step(top or highest)
    top = top or step * max(1, math.ceil(highest / step))
    height = chart.baseline - TOP
    for tick in range(0, top + 1, step):
        chart.grid.append(Text(chart.left, round(chart.baseline - height * tick / top, 1),
                               f"{tick}{unit}"))
    slot = (chart.right - chart.left) / max(1, len(groups))
    bar_width = slot * 0.8 / max(1, len(series))
    for g, (label, second) in enumerate(groups):
        middle = chart.left + slot * (g + 0.5)
        chart.labels.append(Text(middle, chart.baseline + 16, label, "axis"))
        if second:
            chart.labels.append(Text(middle, chart.baseline + 32, second, "axis year"))
        for n, s in enumerate(series):
            value = s.values[g]
            if value is None:
                continue
            x = middle - slot * 0.4 + bar_width * n
            h = height * value / top
            shown = value_format.format(value) if value_format else f"{value:g}"
            title = f"{titles[g] if titles else label} · {s.name}: {shown}{unit}"
            chart.bars.append(Bar(round(x, 1), round(chart.baseline - h, 1),
                                  round(bar_width - 1, 1), round(h, 1), s.css, title))
            if value_format:
                chart.labels.append(Text(round(x + bar_width / 2, 1),
                                         round(chart.baseline - h - 4, 1), shown, "value"))
    return chart


@dataclass
class Segment:
    start: float  # percent of the track
    width: float
    css: str


def stacked(parts: list[tuple[float, str]], scale: float) -> list[Segment]:
    """Segments of one horizontal bar, end to end, as percentages of a track worth `scale`."""
    segments, start = [], 0.0
    for value, css in parts:
        width = 100 * value / scale if scale else 0
        if width > 0:
            segments.append(Segment(round(start, 2), round(width, 2), css))
        start += width
    return segments
