"""What the plan service speaks in besides the KPIs: periods, items, surveys and typed values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kyodo_desk.db.plan_models import PlanItem, PlanPeriod, PlanSurvey
from kyodo_desk.domain.projects import ValueSource, survey_percent


@dataclass(frozen=True)
class PlanItemInput:
    name: str = ""
    unit: str = ""
    source: str = ValueSource.MANUAL.value
    reference_year: int | None = None
    reference_value: float | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    target_year: int | None = None
    target_value: float | None = None
    target_is_minimum: bool = False
    note: str = ""


@dataclass(frozen=True)
class PlanItemRecord(PlanItemInput):
    id: int = 0
    period_id: int = 0
    key: str = ""
    sort_order: int = 0
    version: int = 0

    @property
    def source_label(self) -> str:
        return ValueSource(self.source).label()


@dataclass(frozen=True)
class PeriodInput:
    name: str = ""
    first_fiscal_year: int = 0
    last_fiscal_year: int = 0
    notes: str = ""


@dataclass(frozen=True)
class PeriodRecord(PeriodInput):
    id: int = 0
    version: int = 0
    items: tuple[PlanItemRecord, ...] = ()


@dataclass(frozen=True)
class SurveyInput:
    name: str = ""
    conducted_on: dt.date | None = None
    respondents: int | None = None
    satisfied: int | None = None


@dataclass(frozen=True)
class SurveyRecord:
    id: int
    item_key: str
    name: str
    conducted_on: dt.date
    fiscal_year: int
    respondents: int
    satisfied: int
    version: int

    @property
    def percent(self) -> float:
        return survey_percent(self.respondents, self.satisfied)


@dataclass(frozen=True)
class YearValue:
    item_key: str
    fiscal_year: int
    value: float
    note: str = ""


@dataclass(frozen=True)
class ShownValue:
    """The value a desk showed for a fiscal year before the user typed over it (None: empty).
    A year's value has no form of its own, so the desk says what it saw instead of a version."""

    value: float | None


def item_record(row: PlanItem) -> PlanItemRecord:
    return PlanItemRecord(
        id=row.id,
        period_id=row.period_id,
        key=row.key,
        sort_order=row.sort_order,
        version=row.version,
        name=row.name,
        unit=row.unit,
        source=row.source,
        reference_year=row.reference_year,
        reference_value=row.reference_value,
        baseline_year=row.baseline_year,
        baseline_value=row.baseline_value,
        target_year=row.target_year,
        target_value=row.target_value,
        target_is_minimum=row.target_is_minimum,
        note=row.note,
    )


def period_record(s: Session, row: PlanPeriod) -> PeriodRecord:
    items = s.scalars(select(PlanItem).where(PlanItem.period_id == row.id).order_by(PlanItem.sort_order, PlanItem.id))
    return PeriodRecord(
        id=row.id,
        version=row.version,
        name=row.name,
        first_fiscal_year=row.first_fiscal_year,
        last_fiscal_year=row.last_fiscal_year,
        notes=row.notes,
        items=tuple(item_record(i) for i in items),
    )


def survey_record(row: PlanSurvey) -> SurveyRecord:
    return SurveyRecord(
        row.id, row.item_key, row.name, row.conducted_on, row.fiscal_year, row.respondents, row.satisfied, row.version
    )
