"""The plan's targets on the home page: one card per item of the plan period in force (current
value, target, progress and the trend over the fiscal years), under a line naming the period —
or saying that it has ended and the next plan is being drafted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QVBoxLayout, QWidget

from kyodo_desk.i18n import _, format_number, wareki_fiscal_year
from kyodo_desk.ui.dashboard.charts import TrendChart
from kyodo_desk.ui.widgets.page import Card, plain_label, scaled_font

if TYPE_CHECKING:  # pragma: no cover
    from kyodo_desk.services.plan import Kpi, PlanKpis

PROGRESS_STEPS = 1000


def era_range(first: int, last: int) -> str:
    """令和3〜7年度 (one era) or 平成30〜令和4年度."""
    a, b = wareki_fiscal_year(first), wareki_fiscal_year(last)
    era_a, era_b = a[:2], b[:2]
    return f"{a[:-2]}〜{b[2:]}" if era_a == era_b else f"{a[:-2]}〜{b}"


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value:.1f}%"
    number = format_number(int(round(value))) if float(value).is_integer() else f"{value:.1f}"
    return f"{number}{unit}"


def period_line(plan: PlanKpis) -> str:
    span = era_range(plan.first_fiscal_year, plan.last_fiscal_year)
    if plan.ended:
        return _("{name}:計画期間終了({span})・次期計画は策定中").format(name=plan.period_name, span=span)
    return _("{name}({span})").format(name=plan.period_name, span=span)


def status_text(kpi: Kpi) -> str:
    if kpi.current_value is None:
        return _("まだ記録がありません。")
    gap = kpi.target_value - kpi.current_value
    if gap <= 0 if kpi.target_is_minimum else abs(gap) < 1e-9:
        return _("目標を達成しています。")
    if gap > 0:
        return _("目標まであと {n} です。").format(n=value_text(gap, kpi.unit))
    return _("目標を {n} 上回っています。").format(n=value_text(-gap, kpi.unit))


class KpiCard(Card):
    def __init__(self, kpi: Kpi, *, period_ended: bool, first_fiscal_year: int):
        super().__init__(kpi.name)
        self.kpi = kpi
        heading = self.findChild(QLabel, "cardTitle")
        if heading is not None:  # long item names wrap instead of widening the row
            heading.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        number_row = QHBoxLayout()
        self.value_label = plain_label(value_text(kpi.current_value, kpi.unit))
        self.value_label.setObjectName("bigNumber")
        self.value_label.setFont(scaled_font(self.value_label, 2.0, bold=True))
        number_row.addWidget(self.value_label)
        when = (
            _("({fy}の値)").format(fy=wareki_fiscal_year(kpi.current_fiscal_year))
            if kpi.current_fiscal_year is not None and kpi.current_value is not None
            else ""
        )
        self.when_label = plain_label(when)
        self.when_label.setObjectName("hint")
        number_row.addWidget(self.when_label)
        number_row.addStretch(1)
        self.body.addLayout(number_row)
        at_least = _("以上") if kpi.target_is_minimum else ""
        self.target_label = plain_label(
            _("目標 {value}{at_least}({fy})").format(
                value=value_text(kpi.target_value, kpi.unit), at_least=at_least, fy=wareki_fiscal_year(kpi.target_year)
            )
        )
        self.body.addWidget(self.target_label)
        if kpi.reference_value is not None and kpi.reference_year is not None:
            reference = plain_label(
                _("計画策定時 {value}({year}年度)").format(
                    value=value_text(kpi.reference_value, kpi.unit), year=kpi.reference_year
                )
            )
            reference.setObjectName("hint")
            self.body.addWidget(reference)
        self.bar = QProgressBar()
        self.bar.setRange(0, PROGRESS_STEPS)
        self.bar.setValue(int(PROGRESS_STEPS * min(1.0, max(0.0, kpi.progress or 0.0))))
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(10)
        self.bar.setAccessibleName(_("目標への進み具合"))
        self.body.addWidget(self.bar)
        status = status_text(kpi)
        if kpi.progress is not None and kpi.current_value is not None:
            if kpi.progress < 0:
                status = _("計画策定時の値を下回っています ・ {status}").format(status=status)
            elif kpi.progress < 1:  # reached: 「目標を達成しています」 says it (not 「進み具合 4371%」)
                status = _("進み具合 {p}% ・ {status}").format(p=round(100 * kpi.progress), status=status)
        if period_ended:
            status += _("(計画期間は終了)")
        self.status_label = plain_label(status)
        self.status_label.setObjectName("hint")
        self.status_label.setWordWrap(True)
        self.body.addWidget(self.status_label)
        self.chart = TrendChart()
        years = [p.fiscal_year for p in kpi.trend]
        values = [p.value for p in kpi.trend]
        references = [y for y in years if y < first_fiscal_year]  # the plan's 参考値・現状値 years
        self.chart.show_trend(years, values, kpi.target_value, reference_years=references, percent=kpi.unit == "%")
        self.chart.setToolTip(
            "\n".join(
                f"{wareki_fiscal_year(p.fiscal_year)}: {value_text(p.value, kpi.unit)}"
                for p in kpi.trend
                if p.value is not None
            )
        )
        self.body.addWidget(self.chart)


class PlanTargets(QWidget):
    """The line naming the period and a row of KPI cards (rebuilt when the figures arrive)."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.period_label = plain_label("…")
        self.period_label.setFont(scaled_font(self.period_label, 1.1, bold=True))
        self.period_label.setWordWrap(True)
        layout.addWidget(self.period_label)
        self.row = QHBoxLayout()
        self.row.setSpacing(16)
        layout.addLayout(self.row)
        self.cards: list[KpiCard] = []
        self.plan: PlanKpis | None = None

    def show_plan(self, plan: PlanKpis | None) -> None:
        if self.cards and plan == self.plan:
            return  # the same figures as shown: keep the cards (building them is most of the page's GUI time)
        self.plan = plan
        for card in self.cards:
            self.row.removeWidget(card)
            card.deleteLater()
        self.cards = []
        if plan is None:
            self.period_label.setText(_("計画の目標はまだ登録されていません(「設定」で計画期間と目標を登録できます)。"))
            self.period_label.setObjectName("hint")
            return
        self.period_label.setText(period_line(plan))
        self.period_label.setObjectName("banner" if plan.ended else "")
        self.period_label.style().unpolish(self.period_label)
        self.period_label.style().polish(self.period_label)
        for kpi in plan.kpis:
            card = KpiCard(kpi, period_ended=plan.ended, first_fiscal_year=plan.first_fiscal_year)
            self.row.addWidget(card, 1)
            self.cards.append(card)
