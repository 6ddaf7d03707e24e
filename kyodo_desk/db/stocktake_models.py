"""棚卸 (stock-take) tables: a session and one line per code of its result.

``stocktake``: at most one is open at a time (a partial unique index on ``state = 'open'``), so two
desks scanning shelves at once add to the same session.  ``stocktake_line``: a scanned code (found,
on loan or unknown) or, written when the session is finished, a device that was expected and not
seen, or out on loan and not seen.  One line per code and session (``uq_stocktake_line_code``):
scanning the same label twice changes nothing.  ``device.last_seen_on`` (db/lending_models.py) is
the date of the last finished stock-take that saw the device.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from kyodo_desk.db.models import Base, now


class Stocktake(Base):
    __tablename__ = "stocktake"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)  # open / finished / cancelled
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    finished_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    note: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index(
            "uq_stocktake_open",
            "state",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
    )


class StocktakeLine(Base):
    __tablename__ = "stocktake_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktake.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"), default=None, index=True)
    code: Mapped[str] = mapped_column(String(100))  # as scanned, normalized (NFKC, upper case)
    result: Mapped[str] = mapped_column(String(12))  # found / missing / on_loan / unknown
    seen: Mapped[bool] = mapped_column(Boolean, default=True)
    device_state: Mapped[str] = mapped_column(String(20), default="")  # the records' state then
    scanned_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    unseen_twice: Mapped[bool] = mapped_column(Boolean, default=False)
    loan_reference: Mapped[str] = mapped_column(String(20), default="")  # an on-loan line: the loan then
    due_on: Mapped[dt.date | None] = mapped_column(Date, default=None)

    __table_args__ = (UniqueConstraint("stocktake_id", "code", name="uq_stocktake_line_code"),)
