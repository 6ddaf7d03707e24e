"""Models of device lending: device models and devices, loans, reservations, notes, label templates.

"One device, one open loan" is a database guarantee: a partial unique index on
``loan_item(device_id) WHERE returned_at IS NULL`` (SQLite and PostgreSQL both support it), so
two desks scanning the same device at the same moment cannot both check it out.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from kyodo_desk.db.models import Base, now


class DeviceModel(Base):
    """A make/model with its accessory checklist (JSON list of {"name": ..., "count": n})."""

    __tablename__ = "device_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    maker: Mapped[str] = mapped_column(String(100), default="")
    model_name: Mapped[str] = mapped_column(String(100))
    accessories: Mapped[str] = mapped_column(Text, default="[]")
    loan_days: Mapped[int | None] = mapped_column(Integer, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see migration 0016

    __table_args__ = (UniqueConstraint("maker", "model_name", name="uq_device_model_maker_model"),)
    __mapper_args__ = {"version_id_col": version}


class Device(Base):
    __tablename__ = "device"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_tag: Mapped[str] = mapped_column(String(20), unique=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("device_model.id"), index=True)
    serial: Mapped[str] = mapped_column(String(100), default="")
    purchase_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    storage_place: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="available", index=True)
    # the date of the last finished 棚卸 that saw it (services/stocktake.py; written without a version bump)
    last_seen_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, onupdate=now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DeviceStateChange(Base):
    __tablename__ = "device_state_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    from_state: Mapped[str | None] = mapped_column(String(20), default=None)
    to_state: Mapped[str] = mapped_column(String(20))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    reason: Mapped[str] = mapped_column(String(300), default="")


class Loan(Base):
    __tablename__ = "loan"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # L2025-00001
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    responsible_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(String(300), default="")
    out_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open / closed
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservation.id", ondelete="SET NULL"), default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    # made by the desk (UUID4): a checkout retried after a lost connection returns the loan it already made
    request_key: Mapped[str | None] = mapped_column(String(36), unique=True, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class LoanItem(Base):
    __tablename__ = "loan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), index=True)
    accessories_out: Mapped[str] = mapped_column(Text, default="[]")  # names ticked at checkout
    returned_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    return_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    accessories_back: Mapped[str] = mapped_column(Text, default="{}")  # name → returned/missing/damaged
    condition: Mapped[str | None] = mapped_column(String(20), default=None)
    wiped: Mapped[bool] = mapped_column(Boolean, default=False)
    result_state: Mapped[str | None] = mapped_column(String(20), default=None)
    note: Mapped[str] = mapped_column(String(300), default="")

    __table_args__ = (
        Index(
            "uq_loan_item_open_device",
            "device_id",
            unique=True,
            sqlite_where=text("returned_at IS NULL"),
            postgresql_where=text("returned_at IS NULL"),
        ),
    )


class Reservation(Base):
    __tablename__ = "reservation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    start_on: Mapped[dt.date] = mapped_column(Date, index=True)
    end_on: Mapped[dt.date] = mapped_column(Date, index=True)
    purpose: Mapped[str] = mapped_column(String(300), default="")
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    status: Mapped[str] = mapped_column(String(12), default="active", index=True)  # active / picked_up / cancelled
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    version: Mapped[int] = mapped_column(Integer, default=1)
    request_key: Mapped[str | None] = mapped_column(String(36), unique=True, default=None)  # see migration 0015

    __mapper_args__ = {"version_id_col": version}


class ReservationItem(Base):
    __tablename__ = "reservation_item"

    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservation.id", ondelete="CASCADE"), primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id"), primary_key=True, index=True)


class LoanNote(Base):
    """A logged reminder call or note on a loan (督促の記録)."""

    __tablename__ = "loan_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    note: Mapped[str] = mapped_column(String(500))


class LabelTemplateRow(Base):
    """User-defined label sheets (the built-in ones are shipped as data in resources/labels/)."""

    __tablename__ = "label_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    definition: Mapped[str] = mapped_column(Text)  # JSON, mm
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see migration 0016

    __mapper_args__ = {"version_id_col": version}
