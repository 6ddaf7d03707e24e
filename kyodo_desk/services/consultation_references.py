"""Human references (受付番号 ``S2025-00012``, ``L2025-00003`` ...) and fiscal-year bounds.

Shared by consultations, loans, dispatch and projects: each allocates its next number per fiscal
year from one counter row inside the caller's write transaction.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from kyodo_desk.db.consultation_models import ReferenceCounter
from kyodo_desk.domain.fiscal import fiscal_year_of, fiscal_year_range

PREFIX = "S"
REFERENCE_PATTERN = re.compile(r"S\d{4}-\d{5}")  # 受付番号 S2025-00012


def make_reference(fiscal_year: int, number: int) -> str:
    return f"{PREFIX}{fiscal_year}-{number:05d}"


def next_reference_for(session: Session, prefix: str, day: dt.date) -> str:
    """Allocate the next human reference (``S2025-00012``, ``L2025-00003`` ...) of *day*'s fiscal
    year inside the caller's write transaction (row-locked on PostgreSQL; SQLite's write
    transaction is already exclusive)."""
    fiscal_year = fiscal_year_of(day)
    stmt = select(ReferenceCounter).where(
        ReferenceCounter.prefix == prefix, ReferenceCounter.fiscal_year == fiscal_year
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    counter = session.scalar(stmt)
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, fiscal_year=fiscal_year, last_value=0)
        session.add(counter)
    counter.last_value += 1
    session.flush()
    return f"{prefix}{fiscal_year}-{counter.last_value:05d}"


def next_reference(session: Session, fiscal_year: int) -> str:
    return next_reference_for(session, PREFIX, dt.date(fiscal_year, 4, 1))


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.datetime, dt.datetime]:
    start, end = fiscal_year_range(fiscal_year)
    return dt.datetime.combine(start, dt.time()), dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
