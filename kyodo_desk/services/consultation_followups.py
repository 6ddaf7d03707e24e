"""Follow-ups (次の対応): the open ones due by a day (the home page card) and marking one done."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.models import now
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.services.base import Actor, audit, audit_shown, require
from kyodo_desk.services.consultation_editing import not_found
from kyodo_desk.services.consultation_records import KIND, ConsultationRecord, ServiceBase, to_records


class ConsultationFollowUps(ServiceBase):
    def set_followup_done(self, actor: Actor, consultation_id: int, done: bool = True) -> None:
        require(actor, Permission.CONSULTATION_EDIT)
        with self.db.write() as s:
            row = s.get(Consultation, consultation_id)
            if row is None:
                raise not_found()
            row.followup_done = done
            row.followup_done_at = now() if done else None
            audit(s, actor, AuditAction.UPDATE, KIND, row.id, "fields=followup_done")

    def followups_due(self, actor: Actor, today: dt.date) -> list[ConsultationRecord]:
        """Open follow-ups due today or overdue (the home page list), oldest first."""
        require(actor, Permission.CONSULTATION_VIEW)
        with self.db.read() as s:
            rows = s.scalars(
                select(Consultation)
                .where(
                    Consultation.followup_action.is_not(None),
                    Consultation.followup_done.is_(False),
                    Consultation.followup_due <= today,
                )
                .order_by(Consultation.followup_due, Consultation.id)
                .limit(500)
            ).all()
            records = to_records(s, list(rows))
        audit_shown(self.db, actor, AuditAction.LIST, KIND, [r.id for r in records], "followups_due")
        return records
