"""The closed-days calendar: rules (holidays, 年末年始, weekly days) plus the center's own dates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import ClosedDayRow
from kyodo_desk.domain.calendar import ClosedCalendar, ClosedDay
from kyodo_desk.domain.enums import AuditAction, ClosedDayKind
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, audit, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.settings import SettingsService


@conflict_retrying
class CalendarService:
    def __init__(self, db: Database, settings: SettingsService):
        self.db = db
        self.settings = settings

    def calendar(self) -> ClosedCalendar:
        cfg = self.settings.get()
        with self.db.read() as s:
            rows = s.execute(select(ClosedDayRow.day, ClosedDayRow.reason)).all()
        return ClosedCalendar(
            center_days=frozenset(r.day for r in rows),
            center_reasons=tuple((r.day, r.reason) for r in rows),
            weekly_closed=frozenset(cfg.weekly_closed_days),
            observe_public_holidays=cfg.observe_public_holidays,
            observe_year_end=cfg.observe_year_end,
        )

    def closed_days(self, start: dt.date, end: dt.date) -> list[ClosedDay]:
        return self.calendar().closed_between(start, end)

    def center_days(self) -> list[ClosedDay]:
        with self.db.read() as s:
            rows = s.execute(select(ClosedDayRow.day, ClosedDayRow.reason).order_by(ClosedDayRow.day)).all()
        return [ClosedDay(r.day, ClosedDayKind.CENTER, r.reason) for r in rows]

    def add_center_day(self, actor: Actor, day: dt.date, reason: str) -> None:
        require(actor, Permission.CALENDAR_EDIT)
        with self.db.write() as s:
            if s.scalar(select(ClosedDayRow.id).where(ClosedDayRow.day == day)) is not None:
                raise ValidationError(
                    {"day": _("{day} はすでに休館日に登録されています。").format(day=day.isoformat())}
                )
            row = ClosedDayRow(day=day, reason=reason.strip()[:200], created_by=actor.staff_id)
            s.add(row)
            s.flush()
            audit(s, actor, AuditAction.CREATE, "closed_day", row.id)

    def remove_center_day(self, actor: Actor, day: dt.date) -> None:
        require(actor, Permission.CALENDAR_EDIT)
        with self.db.write() as s:
            row = s.scalar(select(ClosedDayRow).where(ClosedDayRow.day == day))
            if row is not None:
                audit(s, actor, AuditAction.DELETE, "closed_day", row.id)
                s.delete(row)
