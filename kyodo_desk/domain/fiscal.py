"""The fiscal year (年度) runs April–March: 令和7年度 = 2025-04-01 .. 2026-03-31."""

from __future__ import annotations

import datetime as dt


def fiscal_year_of(day: dt.date) -> int:
    """Fiscal year (by its starting calendar year) that contains *day*."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_range(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of *fiscal_year*."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def fiscal_months(fiscal_year: int) -> list[tuple[int, int]]:
    """(year, month) pairs April..March of *fiscal_year*."""
    return [(fiscal_year if m >= 4 else fiscal_year + 1, m) for m in (*range(4, 13), 1, 2, 3)]
