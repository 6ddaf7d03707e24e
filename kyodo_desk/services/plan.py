"""The city plan's targets (金沢市協働推進計画): periods, items, surveys and the KPIs the home page shows.

A period's items say where their yearly values come from (domain.projects.ValueSource): the
registered groups and the partnership projects are counted from the desk's own records, the
satisfaction figure from the surveys entered (respondents and satisfied answers), anything else
from values typed per fiscal year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select

from kyodo_desk.db.engine import Database
from kyodo_desk.db.plan_models import PlanPeriod, PlanSurvey, PlanValue
from kyodo_desk.domain.fiscal import fiscal_year_of, fiscal_year_range
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.projects import ValueSource, progress, survey_percent
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, no_permission_needed, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.plan_editing import PlanEditingMixin
from kyodo_desk.services.plan_records import (
    PeriodRecord,
    PlanItemRecord,
    SurveyRecord,
    YearValue,
    period_record,
    survey_record,
)


@dataclass(frozen=True)
class KpiPoint:
    fiscal_year: int
    value: float | None


@dataclass(frozen=True)
class Kpi:
    """One target of the period in force, with its figures.

    ``reference_*`` is the plan's starting figure that progress is measured from: the 現状値 the
    plan states (2020 in the 2021 plan), or its 参考値 when it states no 現状値.  ``trend`` has one
    point per fiscal year of the period plus the plan's reference years (2016, 2020), oldest first;
    a future year's value is None.  ``source``: "registrations", "projects", "survey" or "manual".
    """

    key: str
    name: str
    unit: str  # "%", "団体", "件"
    reference_year: int | None
    reference_value: float | None
    target_year: int
    target_value: float
    target_is_minimum: bool  # 以上
    current_value: float | None
    current_fiscal_year: int | None
    progress: float | None  # share of the way from reference to target; may exceed 1
    trend: tuple[KpiPoint, ...]
    source: str


@dataclass(frozen=True)
class PlanKpis:
    period_name: str
    first_fiscal_year: int
    last_fiscal_year: int
    ended: bool  # no period is in force on the date asked: this is the latest one that ended
    kpis: tuple[Kpi, ...]


class RegistrationCounts(Protocol):
    """What the plan needs of services.registration (registered 協働をすすめる市民団体)."""

    def registered_count_at(self, on: dt.date) -> int: ...

    def registered_counts_by_fiscal_year(self, fiscal_years) -> dict[int, int]: ...


class ProjectCounts(Protocol):
    def count_by_fiscal_year(self, fiscal_years) -> dict[int, int]: ...


@conflict_retrying
class PlanService(PlanEditingMixin):
    def __init__(self, db: Database, registration: RegistrationCounts, projects: ProjectCounts):
        self.db = db
        self.registration = registration
        self.projects = projects

    # ---- the KPIs of the home page and the annual report --------------------------------
    @no_permission_needed("the city plan's published targets and counts per fiscal year (no personal data)")
    def kpis(self, actor: Actor, on: dt.date) -> PlanKpis | None:
        """The period in force *on* that date; else the latest one that has ended (``ended``)."""
        fy = fiscal_year_of(on)
        with self.db.read() as s:
            periods = s.scalars(select(PlanPeriod).order_by(PlanPeriod.first_fiscal_year)).all()
            current = next((p for p in periods if p.first_fiscal_year <= fy <= p.last_fiscal_year), None)
            ended = current is None
            if current is None:
                past = [p for p in periods if p.last_fiscal_year < fy]
                if not past:
                    return None
                current = past[-1]
            period = period_record(s, current)
        return self._period_kpis(period, on, ended)

    def period_kpis(self, actor: Actor, period_id: int, on: dt.date) -> PlanKpis:
        """The KPIs of one period as of *on* (the 計画と目標 screen shows any period)."""
        require(actor, Permission.PROJECT_VIEW)
        with self.db.read() as s:
            row = s.get(PlanPeriod, period_id)
            if row is None:
                raise NotFound(_("計画期間が見つかりません。"))
            period = period_record(s, row)
        return self._period_kpis(period, on, fiscal_year_of(on) > period.last_fiscal_year)

    def _period_kpis(self, period: PeriodRecord, on: dt.date, ended: bool) -> PlanKpis:
        as_of = min(on, fiscal_year_range(period.last_fiscal_year)[1])
        kpis = tuple(self._kpi(period, item, as_of) for item in period.items)
        return PlanKpis(period.name, period.first_fiscal_year, period.last_fiscal_year, ended, kpis)

    def _kpi(self, period: PeriodRecord, item: PlanItemRecord, as_of: dt.date) -> Kpi:
        as_of_fy = fiscal_year_of(as_of)
        stated: dict[int | None, float | None] = {item.reference_year: item.reference_value}
        stated[item.baseline_year] = item.baseline_value
        years = sorted(
            {y for y in stated if y is not None and y < period.first_fiscal_year}
            | set(range(period.first_fiscal_year, period.last_fiscal_year + 1))
        )
        past = [y for y in years if y <= as_of_fy]
        computed = self._values(item, [y for y in past if y >= period.first_fiscal_year], as_of)
        values: dict[int, float | None] = {}
        for y in years:
            if y > as_of_fy:
                values[y] = None
            elif y < period.first_fiscal_year:
                values[y] = stated.get(y)
            else:
                values[y] = computed.get(y)
        current_year: int | None = None
        for y in reversed(past):
            v = values[y]
            if v is None or (item.source == ValueSource.PROJECTS and v == 0 and y == as_of_fy):
                continue
            current_year = y
            break
        current = values[current_year] if current_year is not None else None
        start_year, start = (
            (item.baseline_year, item.baseline_value)
            if item.baseline_value is not None
            else (item.reference_year, item.reference_value)
        )
        target = float(item.target_value or 0)
        return Kpi(
            key=item.key,
            name=item.name,
            unit=item.unit,
            reference_year=start_year,
            reference_value=start,
            target_year=int(item.target_year or period.last_fiscal_year),
            target_value=target,
            target_is_minimum=item.target_is_minimum,
            current_value=current,
            current_fiscal_year=current_year,
            progress=progress(start, target, current),
            trend=tuple(KpiPoint(y, values[y]) for y in years),
            source=item.source,
        )

    def _values(self, item: PlanItemRecord, years: list[int], as_of: dt.date) -> dict[int, float | None]:
        """Computed or entered values of *item* for fiscal *years* (all ≤ the fiscal year of *as_of*)."""
        if not years:
            return {}
        as_of_fy = fiscal_year_of(as_of)
        if item.source == ValueSource.REGISTRATIONS:
            counts = self.registration.registered_counts_by_fiscal_year(years)
            out: dict[int, float | None] = {y: float(counts.get(y, 0)) for y in years}
            if as_of_fy in out and as_of < fiscal_year_range(as_of_fy)[1]:
                out[as_of_fy] = float(self.registration.registered_count_at(as_of))  # the year is not over
            return out
        if item.source == ValueSource.PROJECTS:
            return {y: float(n) for y, n in self.projects.count_by_fiscal_year(years).items()}
        with self.db.read() as s:
            if item.source == ValueSource.SURVEY:
                rows = s.scalars(
                    select(PlanSurvey)
                    .where(
                        PlanSurvey.item_key == item.key,
                        PlanSurvey.fiscal_year.in_(years),
                        PlanSurvey.conducted_on <= as_of,
                    )
                    .order_by(PlanSurvey.conducted_on, PlanSurvey.id)
                ).all()
                return {r.fiscal_year: survey_percent(r.respondents, r.satisfied) for r in rows}  # latest wins
            rows2 = s.execute(
                select(PlanValue.fiscal_year, PlanValue.value).where(
                    PlanValue.item_key == item.key, PlanValue.fiscal_year.in_(years)
                )
            ).all()
            return {int(y): float(v) for y, v in rows2}

    # ---- reading the plan ---------------------------------------------------------------
    def periods(self, actor: Actor) -> list[PeriodRecord]:
        """Every period with its items, newest first."""
        require(actor, Permission.PROJECT_VIEW)
        with self.db.read() as s:
            rows = s.scalars(select(PlanPeriod).order_by(PlanPeriod.first_fiscal_year.desc())).all()
            return [period_record(s, r) for r in rows]

    def surveys(self, actor: Actor, item_key: str) -> list[SurveyRecord]:
        require(actor, Permission.PROJECT_VIEW)
        with self.db.read() as s:
            rows = s.scalars(
                select(PlanSurvey).where(PlanSurvey.item_key == item_key).order_by(PlanSurvey.conducted_on.desc())
            ).all()
            return [survey_record(r) for r in rows]

    def year_values(self, actor: Actor, item_key: str) -> list[YearValue]:
        require(actor, Permission.PROJECT_VIEW)
        with self.db.read() as s:
            rows = s.scalars(
                select(PlanValue).where(PlanValue.item_key == item_key).order_by(PlanValue.fiscal_year)
            ).all()
            return [YearValue(r.item_key, r.fiscal_year, r.value, r.note) for r in rows]
