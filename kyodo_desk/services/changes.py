"""A cheap marker of "something changed in the database", so a desk notices other desks' writes.

Every write appends an audit row, so the newest audit id moves whenever any desk changes data.
Reads are audited too (opening, listing, searching, printing); those rows are not changes.
The UI polls :meth:`ChangeService.marker` every few seconds and refreshes when it moves.
"""

from __future__ import annotations

from sqlalchemy import func, select

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import AuditLog
from kyodo_desk.domain.enums import READ_ACTIONS


class ChangeService:
    def __init__(self, db: Database):
        self.db = db

    def marker(self) -> int:
        with self.db.read() as s:
            return s.scalar(select(func.max(AuditLog.id))) or 0

    def changed_entities_since(self, marker: int) -> list[tuple[str, int | None]]:
        with self.db.read() as s:
            rows = s.execute(
                select(AuditLog.entity, AuditLog.entity_id)
                .where(AuditLog.id > marker, AuditLog.action.not_in([str(a) for a in READ_ACTIONS]))
                .limit(500)
            ).all()
            return [(r.entity, r.entity_id) for r in rows]
