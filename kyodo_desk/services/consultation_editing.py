"""Intake and editing of consultations (相談受付): create, update (optimistic version) and delete,
each audited in its own write transaction; the full-text index follows every write."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db import search as search_index
from kyodo_desk.db.consultation_models import Consultation, consultation_category_link
from kyodo_desk.db.models import now
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, StaleEdit, audit, require
from kyodo_desk.services.consultation_records import (
    COLUMNS,
    KIND,
    ConsultationInput,
    ConsultationRecord,
    ServiceBase,
    to_records,
)
from kyodo_desk.services.consultation_references import next_reference
from kyodo_desk.services.consultation_validation import received, validate


def not_found() -> NotFound:
    return NotFound(_("相談記録が見つかりません。削除された可能性があります。"))


def index_consultation(session: Session, row: Consultation) -> None:
    search_index.index_document(
        session,
        KIND,
        row.id,
        title=row.summary,
        subtitle=row.received_at.strftime("%Y-%m-%d"),
        code=row.reference,
        texts=(row.details, row.answer, row.referral_detail, row.referral_outcome_note),
    )


def _set_categories(session: Session, consultation_id: int, category_ids: tuple[int, ...]) -> None:
    session.execute(
        delete(consultation_category_link).where(consultation_category_link.c.consultation_id == consultation_id)
    )
    if category_ids:
        session.execute(
            insert(consultation_category_link),
            [{"consultation_id": consultation_id, "category_id": c} for c in category_ids],
        )


class ConsultationEditing(ServiceBase):
    def create(self, actor: Actor, data: ConsultationInput, *, request_key: str | None = None) -> ConsultationRecord:
        """*request_key* (a UUID4 the form made): a retry after a lost connection whose first try
        was stored returns that consultation instead of a second one."""
        require(actor, Permission.CONSULTATION_EDIT)
        clean = validate(data)
        with self.db.write() as s:
            if request_key:
                done = s.scalar(select(Consultation).where(Consultation.request_key == request_key))
                if done is not None:
                    return to_records(s, [done])[0]
            fy = fiscal_year_of(received(clean).date())
            row = Consultation(
                **{n: getattr(clean, n) for n in COLUMNS},
                reference=next_reference(s, fy),
                fiscal_year=fy,
                staff_id=actor.staff_id,
                request_key=request_key or None,
            )
            if row.followup_done:
                row.followup_done_at = now()
            s.add(row)
            s.flush()
            _set_categories(s, row.id, clean.category_ids)
            index_consultation(s, row)
            audit(s, actor, AuditAction.CREATE, KIND, row.id)
            s.flush()
            return to_records(s, [row])[0]

    def update(
        self, actor: Actor, consultation_id: int, expected_version: int, data: ConsultationInput
    ) -> ConsultationRecord:
        require(actor, Permission.CONSULTATION_EDIT)
        clean = validate(data)
        try:
            with self.db.write() as s:
                row = s.get(Consultation, consultation_id)
                if row is None:
                    raise not_found()
                if row.version != expected_version:
                    raise StaleEdit(_("相談記録"))
                old_cats = set(
                    s.scalars(
                        select(consultation_category_link.c.category_id).where(
                            consultation_category_link.c.consultation_id == row.id
                        )
                    )
                )
                changed = [n for n in COLUMNS if getattr(row, n) != getattr(clean, n)]
                if old_cats != set(clean.category_ids):
                    changed.append("category_ids")
                for n in COLUMNS:
                    setattr(row, n, getattr(clean, n))
                row.fiscal_year = fiscal_year_of(received(clean).date())
                if "followup_done" in changed:
                    row.followup_done_at = now() if clean.followup_done else None
                row.updated_at = now()
                s.flush()
                _set_categories(s, row.id, clean.category_ids)
                index_consultation(s, row)
                audit(s, actor, AuditAction.UPDATE, KIND, row.id, "fields=" + ",".join(changed))
                s.flush()
                return to_records(s, [row])[0]
        except StaleDataError as exc:
            raise StaleEdit(_("相談記録")) from exc

    def delete(self, actor: Actor, consultation_id: int) -> None:
        """Admins only; the UI asks for confirmation first."""
        require(actor, Permission.CONSULTATION_DELETE)
        with self.db.write() as s:
            row = s.get(Consultation, consultation_id)
            if row is None:
                raise not_found()
            search_index.remove_document(s, KIND, row.id)
            audit(s, actor, AuditAction.DELETE, KIND, row.id, f"reference={row.reference}")
            s.delete(row)
