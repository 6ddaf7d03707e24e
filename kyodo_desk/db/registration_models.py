"""Models of the 「協働をすすめる市民団体」 registration: one row per organization (where it stands now,
its number, the details it registered and what it agreed to publish) and the steps that led there.

``organization.registration_status`` / ``registered_on`` / ``registration_renewed_on`` are kept in
step by services/registration.py as a cached copy of the current state (lists, dispatch checks),
without bumping the organization's edit version.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kyodo_desk.db.models import Base, now


class Registration(Base):
    __tablename__ = "registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="none", index=True)
    number: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    applied_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    registered_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    renewed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # When the next renewal is due (registered_on / renewed_on + the renewal period).
    expires_on: Mapped[dt.date | None] = mapped_column(Date, default=None, index=True)
    ended_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # What the 登録申請書 asks beyond the organization record (changed by a 変更届).
    activity: Mapped[str] = mapped_column(Text, default="")
    activity_area: Mapped[str] = mapped_column(String(300), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    # The fields the group agreed to publish: ",name,phone,activity," (codes of domain.registration.PUBLISH_FIELDS).
    publish_fields: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, onupdate=now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class RegistrationStep(Base):
    """One step of the history: 申請受付, 審査, 登録, 更新, 変更届, 失効, 取下げ, 登録取消 ..."""

    __tablename__ = "registration_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(20))
    on_date: Mapped[dt.date] = mapped_column(Date)
    status_after: Mapped[str] = mapped_column(String(20))
    number: Mapped[str | None] = mapped_column(String(40), default=None)
    # Until when the registration holds after this step (register / renew), for counts at a date.
    valid_until: Mapped[dt.date | None] = mapped_column(Date, default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    # Application: the documents checked, as ",規約,名簿," (the administrator's checklist of that day).
    documents: Mapped[str] = mapped_column(String(500), default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    actor: Mapped[str] = mapped_column(String(80), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)

    __table_args__ = (Index("ix_registration_step_on_date", "on_date"),)
