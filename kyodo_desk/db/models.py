"""SQLAlchemy 2 typed models of the core records every feature uses.

Rows that two desks can edit carry a ``version`` column (SQLAlchemy's version_id_col): an UPDATE
only succeeds when the version is the one that was loaded, so a stale save cannot silently
overwrite another desk's change.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def now() -> dt.datetime:
    """Local wall-clock time without tz (all desks are in Japan), to the second."""
    return dt.datetime.now().replace(microsecond=0)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    login_name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    display_kana: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Sign-in (services/staff.py, domain/passwords.py): a self-describing scrypt hash.  None = no
    # password yet: the person sets one at their next sign-in.  password_temporary: issued by an
    # administrator, must be changed at first use.  pin_hash: optional quick-交代 PIN.
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    password_temporary: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    pin_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    version: Mapped[int] = mapped_column(Integer, default=1)
    request_key: Mapped[str | None] = mapped_column(String(36), unique=True, default=None)  # see migration 0015

    __mapper_args__ = {"version_id_col": version}


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_kana: Mapped[str] = mapped_column(String(200), default="", index=True)
    representative_name: Mapped[str] = mapped_column(String(100), default="")
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    registration_status: Mapped[str] = mapped_column(String(20), default="none", index=True)
    registered_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    registration_renewed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, onupdate=now)
    # made by the form (UUID4): a create retried after a lost connection returns the row it already made
    request_key: Mapped[str | None] = mapped_column(String(36), unique=True, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Person(Base):
    """A private person, only when needed (a consultation may be anonymous)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_kana: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), default=None, index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, onupdate=now)
    version: Mapped[int] = mapped_column(Integer, default=1)
    request_key: Mapped[str | None] = mapped_column(String(36), unique=True, default=None)  # see migration 0015

    __mapper_args__ = {"version_id_col": version}


class AuditLog(Base):
    """Who did what to which record and when — never the personal values themselves."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None, index=True)
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer, default=None)
    detail: Mapped[str] = mapped_column(String(500), default="")
    # A batch command's named system actor (staff_id is None then), e.g. 「バッチ処理(kyodo-desk retention)」.
    actor: Mapped[str] = mapped_column(String(80), default="", server_default="")
    # The records a list page, search, print or export showed: ",12,15,16," (bounded; ids only, never values).
    record_ids: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


class Setting(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, onupdate=now)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)


class ClosedDayRow(Base):
    """The center's own closed days (holidays and 年末年始 are rules, not rows)."""

    __tablename__ = "closed_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)


class SearchDocument(Base):
    """One row per searchable record.  ``text`` holds the folded (normalised) words; on SQLite an
    FTS5 trigram table mirrors it through triggers, on PostgreSQL a pg_trgm GIN index covers it."""

    __tablename__ = "search_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    ref_id: Mapped[int] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    title: Mapped[str] = mapped_column(String(300))
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (UniqueConstraint("kind", "ref_id", name="uq_search_document_kind_ref"),)


# Area model modules register their tables on Base.metadata when imported; importing them here
# means "import models" always sees the whole schema (Alembic, tests, create_all).
from kyodo_desk.db import (  # noqa: E402
    consultation_models,  # noqa: E402,F401
    dispatch_models,  # noqa: E402,F401
    lending_models,  # noqa: E402,F401
    plan_models,  # noqa: E402,F401
    registration_models,  # noqa: E402,F401
    stocktake_models,  # noqa: E402,F401
)
