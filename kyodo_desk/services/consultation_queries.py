"""Reading consultations: one record, filtered counts and pages (newest first), the organization's
相談カルテ.  Every read of personal text is audited (APPI) with the ids shown, never the text."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, func, or_, select

from kyodo_desk.db import search as search_index
from kyodo_desk.db.consultation_models import Consultation, ConsultationCategory, consultation_category_link
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.text import fold
from kyodo_desk.services.base import Actor, audit_shown, require
from kyodo_desk.services.consultation_editing import not_found
from kyodo_desk.services.consultation_records import (
    KIND,
    ConsultationFilter,
    ConsultationRecord,
    ServiceBase,
    to_records,
)
from kyodo_desk.services.consultation_references import REFERENCE_PATTERN


class ConsultationQueries(ServiceBase):
    def get(self, actor: Actor, consultation_id: int) -> ConsultationRecord:
        require(actor, Permission.CONSULTATION_VIEW)
        with self.db.read() as s:
            row = s.get(Consultation, consultation_id)
            if row is None:
                raise not_found()
            record = to_records(s, [row])[0]
        # opening a consultation is audited (APPI): a short write of its own after the read
        audit_shown(self.db, actor, AuditAction.VIEW, KIND, [], entity_id=record.id)
        return record

    def _filtered(self, flt: ConsultationFilter) -> Select:
        c = Consultation
        stmt = select(c)
        if flt.date_from:
            stmt = stmt.where(c.received_at >= dt.datetime.combine(flt.date_from, dt.time()))
        if flt.date_to:
            stmt = stmt.where(c.received_at < dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time()))
        if flt.fiscal_year is not None:
            stmt = stmt.where(c.fiscal_year == flt.fiscal_year)
        for col, value in (
            (c.channel, flt.channel),
            (c.requester_type, flt.requester_type),
            (c.staff_id, flt.staff_id),
            (c.organization_id, flt.organization_id),
        ):
            if value is not None and value != "":
                stmt = stmt.where(col == value)
        if flt.category_id is not None:
            sub = select(ConsultationCategory.id).where(
                or_(ConsultationCategory.id == flt.category_id, ConsultationCategory.parent_id == flt.category_id)
            )
            stmt = stmt.where(
                c.id.in_(
                    select(consultation_category_link.c.consultation_id).where(
                        consultation_category_link.c.category_id.in_(sub)
                    )
                )
            )
        if flt.followup_pending:
            stmt = stmt.where(c.followup_action.is_not(None), c.followup_done.is_(False))
        code = fold(flt.text.strip()).upper()
        if REFERENCE_PATTERN.fullmatch(code):  # a 受付番号 typed or pasted: that consultation
            return stmt.where(c.reference == code)
        if flt.text.strip():
            ids = search_index.matching_refs(self.db.engine.dialect.name, KIND, flt.text)  # full-text index
            # ``id + 0``: SQLite then walks the newest-first index and stops at the page's 200 rows
            # instead of sorting every match (「町会」: 13,740 of them, 80 → 30 ms)
            stmt = stmt.where((c.id + 0).in_(ids))
        return stmt

    def count(self, actor: Actor, flt: ConsultationFilter = ConsultationFilter()) -> int:
        require(actor, Permission.CONSULTATION_VIEW)
        with self.db.read() as s:
            return s.scalar(select(func.count()).select_from(self._filtered(flt).subquery())) or 0

    def page(
        self,
        actor: Actor,
        flt: ConsultationFilter = ConsultationFilter(),
        *,
        offset: int = 0,
        limit: int = 200,
        descending: bool = True,
    ) -> list[ConsultationRecord]:
        """Newest first by default; the list screen pages through it lazily.  Each page shown is
        one audit row with its consultations' ids (the filter's text is not recorded)."""
        require(actor, Permission.CONSULTATION_VIEW)
        records = self._load_page(flt, offset, limit, descending)
        audit_shown(self.db, actor, AuditAction.LIST, KIND, [r.id for r in records], f"list offset={int(offset)}")
        return records

    def _load_page(
        self, flt: ConsultationFilter, offset: int, limit: int, descending: bool
    ) -> list[ConsultationRecord]:
        order = (
            (Consultation.received_at.desc(), Consultation.id.desc())
            if descending
            else (Consultation.received_at, Consultation.id)
        )
        with self.db.read() as s:
            rows = s.scalars(self._filtered(flt).order_by(*order).offset(offset).limit(limit)).all()
            return to_records(s, list(rows))

    def organization_timeline(self, actor: Actor, organization_id: int) -> list[ConsultationRecord]:
        """相談カルテ: every consultation of one organization, newest first (audited as one row)."""
        require(actor, Permission.CONSULTATION_VIEW)
        records = self._load_page(ConsultationFilter(organization_id=organization_id), 0, 1000, True)
        audit_shown(
            self.db,
            actor,
            AuditAction.LIST,
            KIND,
            [r.id for r in records],
            f"karte organization={int(organization_id)}",
        )
        return records
