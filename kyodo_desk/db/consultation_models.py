"""Models of the consultation desk (相談受付): consultations, their categories and cases (案件)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kyodo_desk.db.models import Base, now

consultation_category_link = Table(
    "consultation_category_link",
    Base.metadata,
    Column("consultation_id", ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("consultation_category.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class ConsultationCategory(Base):
    """Two-level category list, kept per fiscal year so statistics of past years stay as they were."""

    __tablename__ = "consultation_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_category.id", ondelete="CASCADE"), default=None
    )
    name: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see migration 0016

    __table_args__ = (UniqueConstraint("fiscal_year", "parent_id", "name", name="uq_consultation_category_name"),)
    __mapper_args__ = {"version_id_col": version}


class ConsultationCase(Base):
    """Several consultations on one matter (e.g. NPO incorporation over months)."""

    __tablename__ = "consultation_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), default=None, index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="open")
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Consultation(Base):
    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # 受付番号 e.g. S2025-00012
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    requester_type: Mapped[str] = mapped_column(String(20), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), default=None, index=True
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), default=None, index=True
    )
    people_count: Mapped[int] = mapped_column(Integer, default=1)
    summary: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    minutes_spent: Mapped[int] = mapped_column(Integer, default=0)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None, index=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_case.id", ondelete="SET NULL"), default=None, index=True
    )
    # follow-up
    followup_action: Mapped[str | None] = mapped_column(String(20), default=None)
    followup_due: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    followup_assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    followup_done: Mapped[bool] = mapped_column(Boolean, default=False)
    followup_done_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    # referral
    referral_to: Mapped[str | None] = mapped_column(String(20), default=None)
    referral_detail: Mapped[str] = mapped_column(String(200), default="")
    referral_reason: Mapped[str] = mapped_column(String(500), default="")
    referral_outcome: Mapped[str | None] = mapped_column(String(20), default=None)  # ReferralOutcome
    referral_outcome_note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # APPI: personal text is erased after the retention period; the statistics fields stay.
    anonymized_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, onupdate=now)
    # made by the form (UUID4): a create retried after a lost connection returns the row it already made
    request_key: Mapped[str | None] = mapped_column(String(36), unique=True, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_consultation_followup_open", "followup_done", "followup_due"),)


class ReferenceCounter(Base):
    """Per-prefix, per-fiscal-year counters for human reference numbers (受付番号)."""

    __tablename__ = "reference_counter"

    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)
