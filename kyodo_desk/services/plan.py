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
