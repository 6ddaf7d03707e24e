"""The handbook's plan (title.toml ``[plan]``) as the plan periods table has it, and the plan after it.

The 計画と目標 screen is where the plan's years are kept; the handbook prints the period from
there, so a corrected or extended period needs no edit of the handbook source."""

from __future__ import annotations

from sqlalchemy import select

from kyodo_desk.db.engine import Database
from kyodo_desk.db.plan_models import PlanPeriod
from kyodo_desk.documents.handbook.plan_text import PlanPeriodText


def handbook_plan(db: Database, fallback: PlanPeriodText | None) -> PlanPeriodText | None:
    """*fallback* (from title.toml) with its years from the table, and the next period if entered."""
    if fallback is None:
        return None
    with db.read() as s:
        periods = s.scalars(select(PlanPeriod).order_by(PlanPeriod.first_fiscal_year)).all()
        own = next((p for p in periods if p.name == fallback.name), None)
        first = own.first_fiscal_year if own else fallback.first_fiscal_year
        last = own.last_fiscal_year if own else fallback.last_fiscal_year
        nxt = next((p for p in periods if p.first_fiscal_year > last), None)
        return PlanPeriodText(
            fallback.name,
            first,
            last,
            next_name=nxt.name if nxt else "",
            next_first_fiscal_year=nxt.first_fiscal_year if nxt else None,
            next_last_fiscal_year=nxt.last_fiscal_year if nxt else None,
        )
