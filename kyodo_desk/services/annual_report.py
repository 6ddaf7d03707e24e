"""The fiscal-year report (年次報告) for 市民協働推進課: the plan's targets, the desk's activity month
by month, registered 「協働をすすめる市民団体」 and partnership projects per fiscal year, and the
consultation, lending and dispatch statistics — the figures the statistics screens show, gathered
into one plain dataclass that documents/annual_report.py (PDF) and documents/xlsx.py (.xlsx) print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kyodo_desk.domain.fiscal import fiscal_year_of, fiscal_year_range
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, month_short, wareki_fiscal_year
from kyodo_desk.services.activity import MonthlyActivity
from kyodo_desk.services.base import Actor, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.consultation_stats import ConsultationStats, stats_values
from kyodo_desk.services.lending_stats import LendingStats
from kyodo_desk.services.plan import PlanKpis

YEARS_SHOWN = 5  # registered groups and projects: this many fiscal years up to the report's


@dataclass(frozen=True)
class YearCounts:
    fiscal_year: int
    registered_groups: int  # at 31 March closing the year (or today, for the year under way)
    projects: int


@dataclass(frozen=True)
class ReportTable:
    """One table of the report: a sheet in the .xlsx, a table in the PDF.  Cells are numbers
    where they are figures (int / float), text otherwise; None is an empty cell."""

    name: str  # short: the sheet's name (≤ 31 characters)
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int | float | None, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class AnnualReport:
    fiscal_year: int
    title: str
    as_of: dt.date  # the figures are those of this day (the year's last day, or today)
    center_name: str
    plan: PlanKpis | None
    activity: MonthlyActivity
    years: tuple[YearCounts, ...]
    consultations: ConsultationStats
    lending: LendingStats
    dispatch: LendingStats

    @property
    def month_labels(self) -> tuple[str, ...]:
        return tuple(month_short(y, m) for y, m in self.activity.months)

    def tables(self) -> list[ReportTable]:
        return [
            self.targets_table(),
            self.monthly_table(),
            self.years_table(),
            _stats_table(_("相談受付"), self.consultations),
            _stats_table(_("機器貸出"), self.lending),
            _stats_table(_("アドバイザー派遣"), self.dispatch),
        ]

    def targets_table(self) -> ReportTable:
        columns = (
            _("項目"),
            _("単位"),
            _("計画策定時の年度"),
            _("計画策定時の値"),
            _("目標年度"),
            _("目標値"),
            _("以上"),
            _("最新値"),
            _("最新値の年度"),
            _("進み具合(%)"),
        )
        rows: list[tuple[str | int | float | None, ...]] = []
        note = ""
        if self.plan is not None:
            for k in self.plan.kpis:
                rows.append(
                    (
                        k.name,
                        k.unit,
                        k.reference_year,
                        _number(k.reference_value),
                        k.target_year,
                        _number(k.target_value),
                        _("以上") if k.target_is_minimum else "",
                        _number(k.current_value),
                        k.current_fiscal_year,
                        round(100 * k.progress, 1) if k.progress is not None else None,
                    )
                )
            note = self.plan.period_name
        else:
            note = _("計画の目標は登録されていません。")
        return ReportTable(_("計画の目標"), _("計画の目標と達成状況"), columns, tuple(rows), note)

    def monthly_table(self) -> ReportTable:
        a = self.activity
        rows: list[tuple[str | int | float | None, ...]] = [
            (label, c, loan, d) for label, c, loan, d in zip(self.month_labels, a.consultations, a.loans, a.dispatches)
        ]
        rows.append((_("合計"), *a.totals))
        return ReportTable(
            _("月別の活動"),
            _("月別の活動(相談・貸出・派遣)"),
            (_("月"), _("相談件数"), _("貸出件数"), _("派遣回数")),
            tuple(rows),
        )

    def years_table(self) -> ReportTable:
        rows = tuple((wareki_fiscal_year(y.fiscal_year), y.registered_groups, y.projects) for y in self.years)
        return ReportTable(
            _("登録団体・事業"),
            _("登録団体数とパートナーシップ事業数(年度別)"),
            (_("年度"), _("協働をすすめる市民団体(年度末)"), _("パートナーシップ事業数")),
            rows,
            _("登録団体数は各年度の3月31日現在。")
            if self.as_of >= fiscal_year_range(self.fiscal_year)[1]
            else _("登録団体数は各年度の3月31日現在(今年度は{day}現在)。").format(day=f"{self.as_of:%Y/%m/%d}"),
        )


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 1)


def _stats_table(name: str, stats) -> ReportTable:
    header, *body = stats_values(stats)
    return ReportTable(name, stats.title, tuple(str(c) for c in header), tuple(tuple(r) for r in body))


@conflict_retrying
class AnnualReportService:
    def __init__(
        self, db, settings, activity, consultation_stats, lending_stats, dispatch_stats, registration, projects, plan
    ):
        self.db, self.settings = db, settings
        self.activity, self.plan = activity, plan
        self.consultation_stats, self.lending_stats, self.dispatch_stats = (
            consultation_stats,
            lending_stats,
            dispatch_stats,
        )
        self.registration, self.projects = registration, projects

    def build(self, actor: Actor, fiscal_year: int, *, today: dt.date | None = None, progress=None) -> AnnualReport:
        """Everything the report prints for *fiscal_year*; ``progress(done, total, text)`` per part."""
        require(actor, Permission.REPORT)
        today = today or dt.date.today()
        last_day = fiscal_year_range(fiscal_year)[1]
        as_of = min(today, last_day)
        steps = 6

        def step(n: int, text: str) -> None:
            if progress is not None:
                progress(n, steps, text)

        step(0, _("計画の目標"))
        plan = self.plan.kpis(actor, as_of)
        step(1, _("月別の活動"))
        activity = self.activity.monthly(actor, fiscal_year)
        step(2, _("登録団体数と事業数"))
        fys = list(range(fiscal_year - YEARS_SHOWN + 1, fiscal_year + 1))
        if plan is not None:
            fys = sorted(
                set(fys) | {y for y in range(plan.first_fiscal_year, plan.last_fiscal_year + 1) if y <= fiscal_year}
            )
        registered = self.registration.registered_counts_by_fiscal_year(fys)
        if fiscal_year_of(as_of) == fiscal_year and as_of < last_day:  # the year under way: as of today
            registered[fiscal_year] = self.registration.registered_count_at(as_of)
        projects = self.projects.count_by_fiscal_year(fys)
        years = tuple(YearCounts(y, int(registered.get(y, 0)), int(projects.get(y, 0))) for y in fys)
        step(3, _("相談受付統計"))
        consultations = self.consultation_stats.statistics(actor, fiscal_year, today=as_of)
        step(4, _("機器貸出統計"))
        lending = self.lending_stats.statistics(actor, fiscal_year, today=as_of)
        step(5, _("アドバイザー派遣統計"))
        dispatch = self.dispatch_stats.statistics(actor, fiscal_year)
        step(6, _("集計が終わりました"))
        center = self.settings.get().center_name
        title = _("{fy} 年次報告").format(fy=wareki_fiscal_year(fiscal_year))
        return AnnualReport(fiscal_year, title, as_of, center, plan, activity, years, consultations, lending, dispatch)
