"""The plan the handbook is based on, told in the right tense for the day it is printed.

The handbook explains one city plan (title.toml ``plan``: 金沢市協働推進計画2021, 令和3〜7年度).
Whether that plan is still in force is decided from its period (the plan periods table, else
title.toml) and the print date — never written into the text — so the same source prints
correctly in later years.  The source says what changes with two devices:

* placeholders ``{{plan_name}}``, ``{{plan_years}}`` (令和3〜7年度), ``{{plan_period}}``
  (令和3(2021)年度から令和7(2025)年度までの5年間), ``{{plan_last_year}}`` (2025),
  ``{{plan_last_year_wareki}}`` (令和7年度), ``{{next_plan_name}}``, ``{{next_plan_years}}``;
* blocks kept or dropped by the plan's state, anywhere (inside a sentence too)::

      <!-- 計画期間中 -->…です<!-- /計画期間中 --><!-- 計画終了後 -->…でした<!-- /計画終了後 -->

  Conditions: 計画期間中, 計画終了後, 次の計画あり (ended, next plan in the table),
  次の計画準備中 (ended, no next plan yet).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.i18n import wareki_fiscal_year

CONDITIONS = ("計画期間中", "計画終了後", "次の計画あり", "次の計画準備中")
_BLOCK = re.compile(r"<!--\s*(" + "|".join(CONDITIONS) + r")\s*-->(.*?)<!--\s*/\s*\1\s*-->", re.DOTALL)


@dataclass(frozen=True)
class PlanPeriodText:
    """The handbook's plan and (if entered) the plan that follows it, by fiscal years."""

    name: str
    first_fiscal_year: int
    last_fiscal_year: int
    next_name: str = ""
    next_first_fiscal_year: int | None = None
    next_last_fiscal_year: int | None = None

    def ended(self, on: dt.date) -> bool:
        return fiscal_year_of(on) > self.last_fiscal_year

    def conditions(self, on: dt.date) -> dict[str, bool]:
        ended = self.ended(on)
        has_next = bool(self.next_name)
        return {
            "計画期間中": not ended,
            "計画終了後": ended,
            "次の計画あり": ended and has_next,
            "次の計画準備中": ended and not has_next,
        }

    def values(self) -> dict[str, str]:
        out = {
            "plan_name": self.name,
            "plan_years": years_text(self.first_fiscal_year, self.last_fiscal_year),
            "plan_period": period_text(self.first_fiscal_year, self.last_fiscal_year),
            "plan_last_year": str(self.last_fiscal_year),
            "plan_last_year_wareki": wareki_fiscal_year(self.last_fiscal_year),
            "next_plan_name": self.next_name,
            "next_plan_years": "",
        }
        if self.next_first_fiscal_year and self.next_last_fiscal_year:
            out["next_plan_years"] = years_text(self.next_first_fiscal_year, self.next_last_fiscal_year)
        return out


def years_text(first: int, last: int) -> str:
    """2021, 2025 → 「令和3〜7年度」 (one era), else 「平成30〜令和4年度」."""
    a, b = wareki_fiscal_year(first), wareki_fiscal_year(last)
    era_a, era_b = a.rstrip("年度").rstrip("0123456789元"), b.rstrip("年度").rstrip("0123456789元")
    return f"{a[:-2]}〜{b[len(era_b) :] if era_a == era_b else b}"


def period_text(first: int, last: int) -> str:
    """2021, 2025 → 「令和3(2021)年度から令和7(2025)年度までの5年間」."""

    def one(year: int) -> str:
        return wareki_fiscal_year(year)[:-2] + f"({year})年度"

    return f"{one(first)}から{one(last)}までの{last - first + 1}年間"


def apply_conditions(text: str, conditions: dict[str, bool]) -> str:
    """Keep the inside of each block whose condition holds, drop the others (markers and all)."""
    while True:  # blocks may nest (次の計画あり inside 計画終了後): one level per pass
        new = _BLOCK.sub(lambda m: m.group(2) if conditions.get(m.group(1)) else "", text)
        if new == text:
            return new
        text = new
