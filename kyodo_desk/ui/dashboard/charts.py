"""Small QtCharts charts for the home page: a target's trend over the fiscal years, and the
month-by-month activity of a fiscal year.  Built empty once; ``show_*`` replaces the series when
the data arrives (on the GUI thread, a few dozen points: well under a millisecond each)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from kyodo_desk.i18n import _, wareki_fiscal_year

# colours that stay apart for the common colour-vision differences and on a grey printout
SERIES_COLOURS = ("#1f5f99", "#e08a1e", "#3a9b6f")
TARGET_COLOUR = "#b3261e"
MUTED = "#8a96a3"


ERA_INITIALS = {"令和": "R", "平成": "H", "昭和": "S"}


def short_fiscal_year(fiscal_year: int) -> str:
    """令和7年度 → R7, 平成28年度 → H28 (axis labels; the tooltip names the year in full)."""
    name = wareki_fiscal_year(fiscal_year)
    era = ERA_INITIALS.get(name[:2])
    return f"{era}{name[2:-2].replace('元', '1')}" if era else str(fiscal_year)


def nice_max(value: float) -> float:
    """A round axis maximum a little above *value* (10, 20, 50, 100, 150 …)."""
    if value <= 0:
        return 10.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        top = step * (int(value * 1.1 / step) + 1)
        if top / step <= 8:
            return float(top)
    return float(value * 1.2)


class ChartBox(QChartView):
    """A chart without frame or focus (the lists around it take the keys)."""

    def __init__(self, height: int):
        chart = QChart()
        chart.setBackgroundRoundness(0)
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.legend().hide()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setBackgroundBrush(QColor("#ffffff"))
        chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
        super().__init__(chart)
        self.setBackgroundBrush(QColor("#ffffff"))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QChartView.Shape.NoFrame)
        self.setMinimumHeight(height)
        self.setMaximumHeight(height)
        self._small = QFont(self.font())
        self._small.setPointSizeF(max(6.0, self._small.pointSizeF() * 0.8))

    def _clear(self) -> QChart:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        return chart

    def _axes(self, chart: QChart, labels: Sequence[str], top: float, series: Sequence) -> None:
        x = QBarCategoryAxis()
        x.append(list(labels))
        x.setLabelsFont(self._small)
        x.setGridLineVisible(False)
        y = QValueAxis()
        y.setRange(0, top)
        y.setLabelFormat("%d")
        y.setTickCount(3)
        y.setLabelsFont(self._small)
        y.setGridLineColor(QColor("#e3e8ed"))
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for s in series:
            s.attachAxis(x)
            s.attachAxis(y)


class TrendChart(ChartBox):
    """Yearly values as bars (the plan's reference years greyed) and the target as a dashed line."""

    def __init__(self, height: int = 130):
        super().__init__(height)
        self.labels: list[str] = []
        self.values: list[float | None] = []

    def show_trend(
        self,
        years: Sequence[int],
        values: Sequence[float | None],
        target: float | None,
        *,
        reference_years: Sequence[int] = (),
        percent: bool = False,
    ) -> None:
        chart = self._clear()
        self.labels = [short_fiscal_year(y) for y in years]
        self.values = list(values)
        recorded = QBarSet(_("実績"))
        reference = QBarSet(_("計画の基準値"))
        recorded.setColor(QColor(SERIES_COLOURS[0]))
        reference.setColor(QColor(MUTED))
        for year, value in zip(years, values):
            is_reference = year in reference_years
            recorded.append(0.0 if is_reference or value is None else float(value))
            reference.append(float(value) if is_reference and value is not None else 0.0)
        bars = QStackedBarSeries()  # one of the two is 0 in each year: one bar per year
        bars.setBarWidth(0.6)
        bars.append(reference)
        bars.append(recorded)
        chart.addSeries(bars)
        series: list = [bars]
        if target is not None and years:
            line = QLineSeries()
            line.setName(_("目標"))
            pen = QPen(QColor(TARGET_COLOUR))
            pen.setStyle(Qt.PenStyle.DashLine)
            pen.setWidthF(1.6)
            line.setPen(pen)
            line.append(-0.5, float(target))
            line.append(len(years) - 0.5, float(target))
            chart.addSeries(line)
            series.append(line)
        known = [float(v) for v in values if v is not None]
        top = 100.0 if percent else nice_max(max([*known, float(target or 0)]))
        self._axes(chart, self.labels, top, series)


class MonthlyChart(ChartBox):
    """Consultations and loans per month of the fiscal year as bars; advisor visits (tens, not
    thousands) as a line on their own axis at the right."""

    def __init__(self, height: int = 230):
        super().__init__(height)
        self.chart().legend().show()
        self.chart().legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart().legend().setFont(self._small)
        self.series_values: dict[str, tuple[int, ...]] = {}

    def show_months(
        self,
        labels: Sequence[str],
        series: Sequence[tuple[str, Sequence[int]]],
        line: tuple[str, Sequence[int]] | None = None,
    ) -> None:
        chart = self._clear()
        bars = QBarSeries()
        bars.setBarWidth(0.8)
        self.series_values = {}
        for (name, values), colour in zip(series, SERIES_COLOURS):
            bar_set = QBarSet(name)
            bar_set.setColor(QColor(colour))
            bar_set.setBorderColor(QColor(colour))
            bar_set.append([float(v) for v in values])
            bars.append(bar_set)
            self.series_values[name] = tuple(values)
        chart.addSeries(bars)
        top = nice_max(max([0, *(v for _n, values in series for v in values)]))
        self._axes(chart, labels, top, [bars])
        if line is not None:
            name, values = line
            self.series_values[name] = tuple(values)
            points = QLineSeries()
            points.setName(_("{name}(右の目盛り)").format(name=name))
            pen = QPen(QColor(SERIES_COLOURS[2]))
            pen.setWidthF(2.0)
            points.setPen(pen)
            points.setPointsVisible(True)
            for i, v in enumerate(values):
                points.append(float(i), float(v))
            chart.addSeries(points)
            right = QValueAxis()
            right.setRange(0, nice_max(max([0, *values])))
            right.setLabelFormat("%d")
            right.setTickCount(3)
            right.setLabelsFont(self._small)
            right.setGridLineVisible(False)
            right.setLabelsColor(QColor(SERIES_COLOURS[2]))
            chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
            points.attachAxis(chart.axes(Qt.Orientation.Horizontal)[0])
            points.attachAxis(right)
