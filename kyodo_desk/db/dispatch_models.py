"""Models of advisor dispatch: the roster, availability, applications, sessions and status history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, Time, false
from sqlalchemy.orm import Mapped, mapped_column

from kyodo_desk.db.models import Base, now


class Advisor(Base):
    __tablename__ = "advisor"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_kana: Mapped[str] = mapped_column(String(100), default="")
    fields: Mapped[str] = mapped_column(String(200), default="")  # comma-separated Field codes
    dispatch_types: Mapped[str] = mapped_column(String(100), default="advisor")  # comma-separated
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    fee: Mapped[int] = mapped_column(Integer, default=0)  # yen per dispatch
    travel_cost: Mapped[int] = mapped_column(Integer, default=0)  # yen per dispatch
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class AdvisorAvailability(Base):
    """Weekly windows (weekday 0=Mon), e.g. Tue 18:00–21:00, Sat 13:00–17:00."""

    __tablename__ = "advisor_availability"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)


class AdvisorException(Base):
    """A single date: unavailable all day, or available in an extra window."""

    __tablename__ = "advisor_exception"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisor.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    available: Mapped[bool] = mapped_column(Boolean, default=False)
    start_time: Mapped[dt.time | None] = mapped_column(Time, default=None)
    end_time: Mapped[dt.time | None] = mapped_column(Time, default=None)
    reason: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see migration 0016
    # a removed exception keeps its row (reason and times cleared), so its version keeps counting
    removed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __mapper_args__ = {"version_id_col": version}


class DispatchApplication(Base):
    __tablename__ = "dispatch_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # D2025-00001
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    dispatch_type: Mapped[str] = mapped_column(String(20), index=True)
    field: Mapped[str] = mapped_column(String(20), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    preferred: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of [start, end] ISO datetimes (≤3)
    venue: Mapped[str] = mapped_column(String(200), default="")
    expected_participants: Mapped[int] = mapped_column(Integer, default=0)
    support: Mapped[str] = mapped_column(String(100), default="")  # comma-separated Support codes
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    received_on: Mapped[dt.date] = mapped_column(Date)
    quota_override_reason: Mapped[str] = mapped_column(String(300), default="")
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL"), default=None
    )
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, onupdate=now)
    # made by the form (UUID4): a create retried after a lost connection returns the row it already made
    request_key: Mapped[str | None] = mapped_column(String(36), unique=True, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DispatchSession(Base):
    """One visit.  A series for one matter is one application with several sessions."""

    __tablename__ = "dispatch_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("dispatch_application.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("advisor.id"), default=None, index=True)
    start_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None, index=True)
    end_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    override_reason: Mapped[str] = mapped_column(String(300), default="")
    attendance: Mapped[int | None] = mapped_column(Integer, default=None)
    report_summary: Mapped[str] = mapped_column(Text, default="")
    fee: Mapped[int] = mapped_column(Integer, default=0)
    travel_cost: Mapped[int] = mapped_column(Integer, default=0)
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DispatchStatusChange(Base):
    __tablename__ = "dispatch_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("dispatch_application.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    from_status: Mapped[str | None] = mapped_column(String(20), default=None)
    to_status: Mapped[str] = mapped_column(String(20))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    note: Mapped[str] = mapped_column(String(300), default="")
