"""Models of partnership projects (パートナーシップ事業) and of the city plan's periods and targets.

Programmes and their 部門, plan periods, their items and targets are data the administrator edits.
Survey figures and typed yearly values hang on an item's *key* (not its id), so the next period's
item with the same key keeps the history of the previous one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kyodo_desk.db.models import Base, now


class ProjectProgramme(Base):
    """A programme projects belong to (協働のまちづくりチャレンジ事業, その他の協働事業 ...)."""

    __tablename__ = "project_programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ProjectDivision(Base):
    """A 部門 of a programme (スタート, 一般, 団体連携, 学生・高校生)."""

    __tablename__ = "project_division"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("project_programme.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (UniqueConstraint("programme_id", "name", name="uq_project_division_name"),)


project_partner = Table(
    "project_partner",
    Base.metadata,
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True, index=True),
)

project_consultation = Table(
    "project_consultation",
    Base.metadata,
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
    Column("consultation_id", ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True, index=True),
)

project_dispatch = Table(
    "project_dispatch",
    Base.metadata,
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
    Column("dispatch_id", ForeignKey("dispatch_application.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Project(Base):
    """One partnership project of one fiscal year."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # P2025-00001
    name: Mapped[str] = mapped_column(String(200))
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_programme.id", ondelete="SET NULL"), default=None, index=True
    )
    division_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_division.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    amount: Mapped[int | None] = mapped_column(Integer, default=None)  # 補助額 (yen)
    starts_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    city_departments: Mapped[str] = mapped_column(Text, default="")  # one department per line
    summary: Mapped[str] = mapped_column(Text, default="")  # 事業の概要
    # 成果検証 (outcome review)
    review_done: Mapped[str] = mapped_column(Text, default="")  # what was done
    review_participants: Mapped[int | None] = mapped_column(Integer, default=None)
    review_evaluation: Mapped[str] = mapped_column(Text, default="")  # the partners' evaluation
    reviewed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, onupdate=now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class PlanPeriod(Base):
    """A plan and its years (金沢市協働推進計画2021: 2021–2025 fiscal years)."""

    __tablename__ = "plan_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    first_fiscal_year: Mapped[int] = mapped_column(Integer)
    last_fiscal_year: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class PlanItem(Base):
    """One target of a period: its name, the plan's stated figures and where current values come from."""

    __tablename__ = "plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("plan_period.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))  # "satisfaction", "registrations", "projects"
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(10))  # "%", "団体", "件"
    source: Mapped[str] = mapped_column(String(20))  # domain.projects.ValueSource
    reference_year: Mapped[int | None] = mapped_column(Integer, default=None)  # 参考値 (2016)
    reference_value: Mapped[float | None] = mapped_column(Float, default=None)
    baseline_year: Mapped[int | None] = mapped_column(Integer, default=None)  # 現状値 (2020)
    baseline_value: Mapped[float | None] = mapped_column(Float, default=None)
    target_year: Mapped[int] = mapped_column(Integer)
    target_value: Mapped[float] = mapped_column(Float)
    target_is_minimum: Mapped[bool] = mapped_column(Boolean, default=False)  # 以上
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("period_id", "key", name="uq_plan_item_key"),)


class PlanSurvey(Base):
    """A survey's answer to the satisfaction question: respondents and satisfied answers (never a %)."""

    __tablename__ = "plan_survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_key: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200))
    conducted_on: Mapped[dt.date] = mapped_column(Date, index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer, index=True)
    respondents: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class PlanValue(Base):
    """A yearly value typed by the administrator for an item whose source is "manual"."""

    __tablename__ = "plan_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_key: Mapped[str] = mapped_column(String(40))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("item_key", "fiscal_year", name="uq_plan_value_year"),)
