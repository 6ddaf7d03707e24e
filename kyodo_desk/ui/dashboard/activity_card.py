"""The home page card 「{年度}の活動(月別)」: consultations, loans and advisor visits per month of
the fiscal year as a bar chart, with the year's totals so far."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, format_number, wareki_fiscal_year
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dashboard.charts import MonthlyChart
from kyodo_desk.ui.widgets.page import Card, plain_label

if TYPE_CHECKING:  # pragma: no cover - the service module is imported by the worker that asks it
    from kyodo_desk.services.activity import MonthlyActivity

REFRESH_KINDS = ("consultation", "loan", "dispatch")


class ActivityCard(Card):
    loaded = Signal()

    def __init__(self, ctx: AppContext, fiscal_year: int, today: dt.date | None = None):
        super().__init__(_("{fy}の活動(月別)").format(fy=wareki_fiscal_year(fiscal_year)))
        self.ctx, self.fiscal_year = ctx, fiscal_year
        self.today = today or dt.date.today()
        self.activity: MonthlyActivity | None = None
        self._gen = 0
        self.totals = plain_label("…")
        self.totals.setWordWrap(True)
        self.body.addWidget(self.totals)
        self.chart = MonthlyChart()
        self.chart.hide()
        self.body.addWidget(self.chart)
        self.body.addStretch(1)  # with no chart (an empty year) the sentence stays under the heading
        self.annual_report = None
        if ctx.require_actor().can(Permission.REPORT):
            from kyodo_desk.ui.dashboard.annual_report_row import AnnualReportRow

            self.annual_report = AnnualReportRow(ctx, self.today)
            self.body.addWidget(self.annual_report)
        ctx.events.data_changed.connect(lambda kind, _ids: self.refresh() if kind in REFRESH_KINDS else None)

    def refresh(self) -> None:
        actor = self.ctx.require_actor()
        if not actor.can(Permission.REPORT):
            self.totals.setText(_("活動の集計を見る権限がありません。"))
            self.chart.hide()
            self.loaded.emit()
            return
        self._gen += 1
        gen, services, fy = self._gen, self.ctx.services, self.fiscal_year
        self.ctx.tasks.run(
            lambda _p: services.activity.monthly(actor, fy), on_done=lambda a: self._show(gen, a), owner=self
        )

    def _months_so_far(self) -> int:
        """12 for a past year; for the year under way the months up to this one (no line into the future)."""
        today = self.today
        if fiscal_year_of(today) != self.fiscal_year:
            return 12
        return (today.month - 4) % 12 + 1

    def _show(self, gen: int, activity: MonthlyActivity) -> None:
        if gen != self._gen:
            return
        if activity == self.activity:
            self.loaded.emit()
            return  # nothing new since the chart was drawn
        self.activity = activity
        if activity.empty:
            self.totals.setText(_("今年度の相談・貸出・派遣はまだ記録がありません。"))
            self.chart.hide()
        else:
            consultations, loans, visits = activity.totals
            self.totals.setText(
                _("今年度の合計: 相談 {c} 件 ・ 貸出 {l} 件 ・ 派遣 {d} 回").format(
                    c=format_number(consultations), l=format_number(loans), d=format_number(visits)
                )
            )
            self.chart.show_months(
                [_("{m}月").format(m=m) for _y, m in activity.months],
                [(_("相談"), activity.consultations), (_("貸出"), activity.loans)],
                line=(_("派遣"), activity.dispatches[: self._months_so_far()]),
            )
            self.chart.show()
        self.loaded.emit()
