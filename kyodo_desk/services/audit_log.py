"""Reading the audit trail (admins only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import AuditLog, Staff
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.services.base import Actor, require


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    staff_name: str
    action: str
    entity: str
    entity_id: int | None
    detail: str


class AuditService:
    def __init__(self, db: Database):
        self.db = db

    def recent(
        self, actor: Actor, *, entity: str | None = None, entity_id: int | None = None, limit: int = 200
    ) -> list[AuditEntry]:
        require(actor, Permission.AUDIT_VIEW)
        stmt = (
            select(AuditLog, Staff.display_name)
            .outerjoin(Staff, Staff.id == AuditLog.staff_id)
            .order_by(AuditLog.id.desc())
            .limit(limit)
        )
        if entity:
            stmt = stmt.where(AuditLog.entity == entity)
        if entity_id is not None:
            stmt = stmt.where(AuditLog.entity_id == entity_id)
        with self.db.read() as s:
            return [
                AuditEntry(a.id, a.at, name or "system", a.action, a.entity, a.entity_id, a.detail)
                for a, name in s.execute(stmt)
            ]
