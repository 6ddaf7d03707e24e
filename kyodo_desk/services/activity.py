"""The desk's activity month by month over a fiscal year (April–March): consultations received,
loans handed out, advisor visits held or booked — for the home page charts and the annual report.

Counted as the statistics count them (consultation_stats, lending_stats, dispatch_stats):
* a consultation in the month it was received;
* a loan in the month it went out;
* a visit in the month it took (or is to take) place, leaving out cancelled visits, no-shows and
  visits of withdrawn or rejected applications.

One GROUP BY query per series, whatever the number of records (SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import extract, func, select

from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.dispatch_models import DispatchApplication, DispatchSession
from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Loan
from kyodo_desk.domain.dispatch import CANCELLED, SessionStatus
from kyodo_desk.domain.fiscal import fiscal_months
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.services.base import Actor, require
from kyodo_desk.services.conflict_retry import conflict_retrying


@dataclass(frozen=True)
class MonthlyActivity:
    fiscal_year: int
    months: tuple[tuple[int, int], ...]  # (year, month) April..March
    consultations: tuple[int, ...]  # one per month
    loans: tuple[int, ...]
    dispatches: tuple[int, ...]

    @property
    def totals(self) -> tuple[int, int, int]:
        return sum(self.consultations), sum(self.loans), sum(self.dispatches)

    @property
    def empty(self) -> bool:
        return not any(self.totals)


def _bounds(fiscal_year: int) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime(fiscal_year, 4, 1), dt.datetime(fiscal_year + 1, 4, 1)


@conflict_retrying
class ActivityService:
    def __init__(self, db: Database):
        self.db = db

    def monthly(self, actor: Actor, fiscal_year: int) -> MonthlyActivity:
        """Counts per month of *fiscal_year* (counts only: no personal data, nothing to audit)."""
        require(actor, Permission.REPORT)
        months = tuple(fiscal_months(fiscal_year))
        start, end = _bounds(fiscal_year)
        with self.db.read() as s:
            consultations = self._per_month(
                s, Consultation.received_at, (Consultation.received_at >= start, Consultation.received_at < end)
            )
            loans = self._per_month(s, Loan.out_at, (Loan.out_at >= start, Loan.out_at < end))
            dispatches = self._per_month(
                s,
                DispatchSession.start_at,
                (
                    DispatchSession.start_at >= start,
                    DispatchSession.start_at < end,
                    DispatchSession.status.not_in((SessionStatus.CANCELLED.value, SessionStatus.NO_SHOW.value)),
                    DispatchApplication.status.not_in(CANCELLED),
                ),
                join=(DispatchApplication, DispatchApplication.id == DispatchSession.application_id),
            )

        def series(counts: dict[tuple[int, int], int]) -> tuple[int, ...]:
            return tuple(counts.get(ym, 0) for ym in months)

        return MonthlyActivity(fiscal_year, months, series(consultations), series(loans), series(dispatches))

    @staticmethod
    def _per_month(s, column, where, *, join=None) -> dict[tuple[int, int], int]:
        year, month = extract("year", column), extract("month", column)
        stmt = select(year, month, func.count()).select_from(column.class_)
        if join is not None:
            stmt = stmt.join(*join)
        stmt = stmt.where(*where).group_by(year, month)
        return {(int(y), int(m)): int(n) for y, m, n in s.execute(stmt)}
