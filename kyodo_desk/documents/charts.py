"""Charts as vector graphics in ReportLab (reportlab.graphics): grouped bars with an optional
target line, and a line chart over the fiscal years.  Each returns a Drawing (a flowable).
Labels use the document's Japanese font; colours stay apart on a monochrome printout too
(three greys of different depth plus a dash for the target)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors

SERIES = (colors.HexColor("#1f5f99"), colors.HexColor("#e08a1e"), colors.HexColor("#3a9b6f"))
MUTED = colors.HexColor("#8a96a3")
TARGET = colors.HexColor("#b3261e")
GRID = colors.HexColor("#d9dee3")


def nice_axis(peak: float, ticks: int = 5) -> tuple[float, float]:
    """(maximum, step) of a value axis a little above *peak*, in whole round steps (1, 2, 5, 10, 20, 25, 50 …)."""
    if peak <= 0:
        return 4.0, 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000):
        top = step * -(-peak * 1.05 // step)
        if top / step <= ticks:
            return float(top), float(step)
    return float(peak * 1.2), float(peak * 1.2 / ticks)


def _legend(drawing: Drawing, names: Sequence[str], fills: Sequence, font: str, x: float, y: float) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"  # the name to the right of its swatch
    legend.fontName, legend.fontSize = font, 7.5
    legend.columnMaximum = 1
    legend.deltax = max(70, 14 + 9 * max((len(n) for n in names), default=4))
    legend.dx = legend.dy = 7
    legend.colorNamePairs = list(zip(fills, names))
    drawing.add(legend)


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    width: float,
    height: float,
    font: str,
    target: float | None = None,
    target_label: str = "",
    fills: Sequence | None = None,
    percent: bool = False,
    title: str = "",
    stacked: bool = False,
) -> Drawing:
    """Bars per category, one colour per series (a legend when there are several); *target* is a
    dashed horizontal line across the plot.  *stacked*: the series share one bar per category (for
    series that are never both non-zero in a category, such as reference years and recorded ones)."""
    drawing = Drawing(width, height)
    top_pad = 14 if title else 4
    legend_h = 14 if len(series) > 1 else 0
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 18 + legend_h
    chart.width, chart.height = width - 36, height - chart.y - top_pad
    values = [[0.0 if v is None else float(v) for v in vs] for _name, vs in series] or [[0.0] * len(categories)]
    chart.data = values
    peak = max([v for vs in values for v in vs] + [float(target or 0)])
    top, step = (100.0, 25.0) if percent else nice_axis(peak)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.dy = -2
    if stacked:
        chart.categoryAxis.style = "stacked"
    chart.barSpacing = 0.5
    chart.groupSpacing = 4 if len(series) > 1 else 6
    chart.strokeColor = None
    palette = list(fills or SERIES)
    for i in range(len(values)):
        chart.bars[i].fillColor = palette[i % len(palette)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    if target is not None and chart.valueAxis.valueMax:
        y = chart.y + chart.height * float(target) / chart.valueAxis.valueMax
        line = Line(chart.x, y, chart.x + chart.width, y, strokeColor=TARGET, strokeWidth=1.2)
        line.strokeDashArray = [4, 2]
        drawing.add(line)
        if target_label:
            drawing.add(
                String(
                    chart.x + chart.width,
                    y + 2,
                    target_label,
                    fontName=font,
                    fontSize=7,
                    fillColor=TARGET,
                    textAnchor="end",
                )
            )
    if title:
        drawing.add(String(chart.x, height - 10, title, fontName=font, fontSize=8.5))
    if len(series) > 1:
        _legend(drawing, [name for name, _v in series], palette, font, chart.x, 8)
    return drawing


def line_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    width: float,
    height: float,
    font: str,
    title: str = "",
) -> Drawing:
    """Values over the years, one line with round markers per series (a legend below)."""
    from reportlab.graphics.widgets.markers import makeMarker

    drawing = Drawing(width, height)
    top_pad = 14 if title else 4
    chart = HorizontalLineChart()
    chart.x, chart.y = 30, 32
    chart.width, chart.height = width - 40, height - chart.y - top_pad
    chart.data = [[0.0 if v is None else float(v) for v in vs] for _name, vs in series] or [[0.0]]
    peak = max([v for vs in chart.data for v in vs] + [0.0])
    top, step = nice_axis(peak)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.dy = -2
    chart.joinedLines = 1
    for i in range(len(chart.data)):
        chart.lines[i].strokeColor = SERIES[i % len(SERIES)]
        chart.lines[i].strokeWidth = 1.6
        chart.lines[i].symbol = makeMarker("FilledCircle", size=4, fillColor=SERIES[i % len(SERIES)])
    drawing.add(chart)
    if title:
        drawing.add(String(chart.x, height - 10, title, fontName=font, fontSize=8.5))
    _legend(drawing, [name for name, _v in series], SERIES, font, chart.x, 8)
    return drawing
