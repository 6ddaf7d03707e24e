"""Small charts for the home page, painted with QPainter: a target's trend over the fiscal years, and
the month-by-month activity of a fiscal year.

First written with QtCharts; its library, its Python binding and the OpenGL libraries it links
added 4 MB to the installer and pushed it over its 150 MB limit (152.6 MB), for two kinds of bar
chart.  These widgets draw the same bars, target line, axes and legend in about as many lines as the
QtCharts set-up took.  ``show_*`` keeps the data; painting happens when Qt repaints (a few dozen
rectangles: well under a millisecond)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from kyodo_desk.i18n import _, wareki_fiscal_year

# colours that stay apart for the common colour-vision differences and on a grey printout
SERIES_COLOURS = ("#1f5f99", "#e08a1e", "#3a9b6f")
TARGET_COLOUR = "#b3261e"
MUTED = "#8a96a3"
GRID = "#e3e8ed"
TEXT = "#33414e"

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


class ChartBox(QWidget):
    """A chart without frame or focus (the lists around it take the keys): a plot area with a value
    axis at the left (and optionally the right) and category labels below."""

    TICKS = 3

    def __init__(self, height: int):
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(height)
        self.setMaximumHeight(height)
        self.setAutoFillBackground(False)
        self._small = QFont(self.font())
        self._small.setPointSizeF(max(6.0, self._small.pointSizeF() * 0.8))
        self.labels: list[str] = []
        self.top = 10.0
        self.right_top: float | None = None
        self.legend: list[tuple[str, str, bool]] = []  # (name, colour, drawn as a line)

    # ---- geometry ---------------------------------------------------------------------------------
    def _plot_rect(self, metrics: QFontMetricsF) -> QRectF:
        left = metrics.horizontalAdvance(f"{int(self.top):,}") + 10
        right = metrics.horizontalAdvance(f"{int(self.right_top):,}") + 10 if self.right_top is not None else 8.0
        top = metrics.height() / 2 + 2
        bottom = metrics.height() + 6 + (metrics.height() + 6 if self.legend else 0)
        return QRectF(left, top, max(10.0, self.width() - left - right), max(10.0, self.height() - top - bottom))

    def _slot(self, plot: QRectF, index: int) -> QRectF:
        width = plot.width() / max(1, len(self.labels))
        return QRectF(plot.left() + index * width, plot.top(), width, plot.height())

    @staticmethod
    def _y(plot: QRectF, value: float, top: float) -> float:
        return plot.bottom() - plot.height() * max(0.0, min(value, top)) / (top or 1.0)

    # ---- painting ---------------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setFont(self._small)
        metrics = QFontMetricsF(self._small)
        plot = self._plot_rect(metrics)
        self._paint_axes(painter, metrics, plot)
        self.paint_series(painter, plot)
        self._paint_legend(painter, metrics)
        painter.end()

    def _paint_axes(self, painter: QPainter, metrics: QFontMetricsF, plot: QRectF) -> None:
        for i in range(self.TICKS):
            value = self.top * i / (self.TICKS - 1)
            y = self._y(plot, value, self.top)
            painter.setPen(QPen(QColor(GRID), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(TEXT))
            text = f"{int(value):,}"
            painter.drawText(QPointF(plot.left() - metrics.horizontalAdvance(text) - 5, y + metrics.ascent() / 3), text)
            if self.right_top is not None:
                right = f"{int(self.right_top * i / (self.TICKS - 1)):,}"
                painter.setPen(QColor(SERIES_COLOURS[2]))
                painter.drawText(QPointF(plot.right() + 5, y + metrics.ascent() / 3), right)
        painter.setPen(QColor(TEXT))
        for i, label in enumerate(self.labels):
            slot = self._slot(plot, i)
            x = slot.center().x() - metrics.horizontalAdvance(label) / 2
            painter.drawText(QPointF(x, plot.bottom() + metrics.ascent() + 4), label)

    def _paint_legend(self, painter: QPainter, metrics: QFontMetricsF) -> None:
        if not self.legend:
            return
        widths = [metrics.horizontalAdvance(name) + 22 for name, _c, _l in self.legend]
        x = max(0.0, (self.width() - sum(widths)) / 2)
        y = self.height() - metrics.height() / 2 - 3
        for (name, colour, is_line), width in zip(self.legend, widths):
            if is_line:
                painter.setPen(QPen(QColor(colour), 2))
                painter.drawLine(QPointF(x, y), QPointF(x + 12, y))
            else:
                painter.fillRect(QRectF(x, y - 5, 12, 10), QColor(colour))
            painter.setPen(QColor(TEXT))
            painter.drawText(QPointF(x + 16, y + metrics.ascent() / 3), name)
            x += width

    def paint_series(self, painter: QPainter, plot: QRectF) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class TrendChart(ChartBox):
    """Yearly values as bars (the plan's reference years greyed) and the target as a dashed line."""

    def __init__(self, height: int = 130):
        super().__init__(height)
        self.values: list[float | None] = []
        self.reference: list[bool] = []
        self.target: float | None = None

    def show_trend(
        self,
        years: Sequence[int],
        values: Sequence[float | None],
        target: float | None,
        *,
        reference_years: Sequence[int] = (),
        percent: bool = False,
    ) -> None:
        self.labels = [short_fiscal_year(y) for y in years]
        self.values = list(values)
        self.reference = [y in reference_years for y in years]
        self.target = target
        known = [float(v) for v in values if v is not None]
        self.top = 100.0 if percent else nice_max(max([*known, float(target or 0)]))
        self.setAccessibleName(_("実績と目標の推移"))
        self.update()

    def paint_series(self, painter: QPainter, plot: QRectF) -> None:
        for i, value in enumerate(self.values):
            if value is None:
                continue
            slot = self._slot(plot, i)
            width = slot.width() * 0.6
            y = self._y(plot, float(value), self.top)
            colour = MUTED if self.reference[i] else SERIES_COLOURS[0]
            painter.fillRect(QRectF(slot.center().x() - width / 2, y, width, plot.bottom() - y), QColor(colour))
        if self.target is not None and self.labels:
            pen = QPen(QColor(TARGET_COLOUR), 1.6)
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            y = self._y(plot, float(self.target), self.top)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))


class MonthlyChart(ChartBox):
    """Consultations and loans per month of the fiscal year as bars; advisor visits (tens, not
    thousands) as a line on their own axis at the right."""

    def __init__(self, height: int = 230):
        super().__init__(height)
        self.series_values: dict[str, tuple[int, ...]] = {}
        self._bars: list[tuple[str, tuple[int, ...]]] = []
        self._line: tuple[str, tuple[int, ...]] | None = None

    def show_months(
        self,
        labels: Sequence[str],
        series: Sequence[tuple[str, Sequence[int]]],
        line: tuple[str, Sequence[int]] | None = None,
    ) -> None:
        self.labels = list(labels)
        self._bars = [(name, tuple(values)) for name, values in series]
        self.series_values = dict(self._bars)
        self.top = nice_max(max([0, *(v for _n, values in self._bars for v in values)]))
        self.legend = [(name, colour, False) for (name, _v), colour in zip(self._bars, SERIES_COLOURS)]
        self._line = None
        self.right_top = None
        if line is not None:
            name, values = line
            self._line = (name, tuple(values))
            self.series_values[name] = tuple(values)
            self.right_top = nice_max(max([0, *values]))
            self.legend.append((_("{name}(右の目盛り)").format(name=name), SERIES_COLOURS[2], True))
        self.setAccessibleName(_("月別の件数"))
        self.update()

    def paint_series(self, painter: QPainter, plot: QRectF) -> None:
        count = max(1, len(self._bars))
        for i in range(len(self.labels)):
            slot = self._slot(plot, i)
            group = slot.width() * 0.8
            width = group / count
            for n, ((_name, values), colour) in enumerate(zip(self._bars, SERIES_COLOURS)):
                if i >= len(values):
                    continue
                y = self._y(plot, float(values[i]), self.top)
                x = slot.center().x() - group / 2 + n * width
                painter.fillRect(QRectF(x, y, max(1.0, width - 1), plot.bottom() - y), QColor(colour))
        if self._line is not None and self.right_top is not None:
            _name, values = self._line
            points = [
                QPointF(self._slot(plot, i).center().x(), self._y(plot, float(v), self.right_top))
                for i, v in enumerate(values[: len(self.labels)])
            ]
            painter.setPen(QPen(QColor(SERIES_COLOURS[2]), 2))
            for a, b in zip(points, points[1:]):
                painter.drawLine(a, b)
            painter.setBrush(QColor(SERIES_COLOURS[2]))
            for p in points:
                painter.drawEllipse(p, 2.5, 2.5)
