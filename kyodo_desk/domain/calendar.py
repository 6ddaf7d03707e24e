"""Closed days: Japanese public holidays, 年末年始 (12/29–1/3), weekly closing days and the
center's own closed days.  One calendar is used by lending due dates and dispatch scheduling."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from kyodo_desk.domain.enums import ClosedDayKind


@dataclass(frozen=True)
class ClosedDay:
    day: dt.date
    kind: ClosedDayKind
    reason: str


@lru_cache(maxsize=64)
def _japan_holidays(year: int) -> dict[dt.date, str]:
    from kyodo_desk.domain.japan_holidays import japan_holidays  # Japan only: not the 250-country package

    return japan_holidays(year)


def public_holiday(day: dt.date) -> str | None:
    """Name of the national holiday on *day* (振替休日 and 国民の休日 included), or None."""
    return _japan_holidays(day.year).get(day)


def is_year_end(day: dt.date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


@dataclass(frozen=True)
class ClosedCalendar:
    """Rules plus the center's own dates; build it from settings + the closed_day table."""

    center_days: frozenset[dt.date] = frozenset()
    center_reasons: tuple[tuple[dt.date, str], ...] = ()
    weekly_closed: frozenset[int] = frozenset()  # 0=Mon .. 6=Sun
    observe_public_holidays: bool = True
    observe_year_end: bool = True

    def reason(self, day: dt.date) -> ClosedDay | None:
        if day in self.center_days:
            text = dict(self.center_reasons).get(day, "")
            return ClosedDay(day, ClosedDayKind.CENTER, text)
        if self.observe_year_end and is_year_end(day):
            return ClosedDay(day, ClosedDayKind.YEAR_END, "年末年始")
        if self.observe_public_holidays:
            name = public_holiday(day)
            if name:
                return ClosedDay(day, ClosedDayKind.PUBLIC_HOLIDAY, name)
        if day.weekday() in self.weekly_closed:
            return ClosedDay(day, ClosedDayKind.WEEKLY, "定休日")
        return None

    def is_closed(self, day: dt.date) -> bool:
        return self.reason(day) is not None

    def next_open_day(self, day: dt.date, *, max_days: int = 60) -> dt.date:
        """*day* itself if open, else the first open day after it (due dates move forward)."""
        probe = day
        for _ in range(max_days):
            if not self.is_closed(probe):
                return probe
            probe += dt.timedelta(days=1)
        raise ValueError(f"no open day within {max_days} days of {day.isoformat()}")

    def closed_between(self, start: dt.date, end: dt.date) -> list[ClosedDay]:
        out = []
        day = start
        while day <= end:
            r = self.reason(day)
            if r:
                out.append(r)
            day += dt.timedelta(days=1)
        return out
