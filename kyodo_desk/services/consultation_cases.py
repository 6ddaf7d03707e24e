"""Cases (案件): a matter that spans several consultations, open until closed, with its timeline."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db.consultation_models import Consultation, ConsultationCase
from kyodo_desk.db.models import Organization
from kyodo_desk.domain.consultation import CaseStatus
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import Validator
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, StaleEdit, audit, audit_shown, require
from kyodo_desk.services.consultation_records import CaseRecord, ConsultationRecord, ServiceBase, to_records

CASE_KIND = "consultation_case"


def _case_record(s: Session, row: ConsultationCase, *, with_timeline: bool) -> CaseRecord:
    org = s.get(Organization, row.organization_id) if row.organization_id else None
    timeline: tuple[ConsultationRecord, ...] = ()
    if with_timeline:
        rows = s.scalars(
            select(Consultation)
            .where(Consultation.case_id == row.id)
            .order_by(Consultation.received_at, Consultation.id)
        ).all()
        timeline = tuple(to_records(s, list(rows)))
    return CaseRecord(
        row.id,
        row.title,
        row.organization_id,
        org.name if org else "",
        row.status,
        row.opened_on,
        row.closed_on,
        row.version,
        timeline,
    )


class ConsultationCases(ServiceBase):
    def create_case(
        self, actor: Actor, title: str, organization_id: int | None = None, opened_on: dt.date | None = None
    ) -> CaseRecord:
        require(actor, Permission.CONSULTATION_EDIT)
        v = Validator()
        v.required("title", _("案件名"), title)
        v.max_length("title", _("案件名"), title.strip(), 200)
        v.raise_if_any()
        with self.db.write() as s:
            row = ConsultationCase(
                title=title.strip(),
                organization_id=organization_id,
                status=CaseStatus.OPEN.value,
                opened_on=opened_on or dt.date.today(),
                created_by=actor.staff_id,
            )
            s.add(row)
            s.flush()
            audit(s, actor, AuditAction.CREATE, CASE_KIND, row.id)
            return _case_record(s, row, with_timeline=False)

    def set_case_status(
        self,
        actor: Actor,
        case_id: int,
        status: str,
        on: dt.date | None = None,
        *,
        expected_version: int | None = None,
    ) -> CaseRecord:
        """Open or close a case.  *expected_version*: the case's version the desk showed; when
        another desk changed the case since, the change is refused (StaleEdit), not overwritten."""
        require(actor, Permission.CONSULTATION_EDIT)
        try:
            with self.db.write() as s:
                row = s.get(ConsultationCase, case_id)
                if row is None:
                    raise NotFound(_("案件が見つかりません。"))
                if expected_version is not None and row.version != expected_version:
                    raise StaleEdit(_("案件"))
                row.status = CaseStatus(status).value
                row.closed_on = (on or dt.date.today()) if row.status == CaseStatus.CLOSED.value else None
                audit(s, actor, AuditAction.UPDATE, CASE_KIND, row.id, "fields=status")
                s.flush()
                return _case_record(s, row, with_timeline=False)
        except StaleDataError as exc:  # the UPDATE ... WHERE version=? matched nothing: saved meanwhile
            raise StaleEdit(_("案件")) from exc

    def cases(self, actor: Actor, *, organization_id: int | None = None, open_only: bool = False) -> list[CaseRecord]:
        require(actor, Permission.CONSULTATION_VIEW)
        with self.db.read() as s:
            stmt = (
                select(ConsultationCase)
                .order_by(ConsultationCase.opened_on.desc(), ConsultationCase.id.desc())
                .limit(500)
            )
            if organization_id is not None:
                stmt = stmt.where(ConsultationCase.organization_id == organization_id)
            if open_only:
                stmt = stmt.where(ConsultationCase.status == CaseStatus.OPEN.value)
            records = [_case_record(s, r, with_timeline=False) for r in s.scalars(stmt)]
        audit_shown(self.db, actor, AuditAction.LIST, CASE_KIND, [r.id for r in records], "cases")
        return records

    def case(self, actor: Actor, case_id: int) -> CaseRecord:
        """A case with its timeline (oldest consultation first)."""
        require(actor, Permission.CONSULTATION_VIEW)
        with self.db.read() as s:
            row = s.get(ConsultationCase, case_id)
            if row is None:
                raise NotFound(_("案件が見つかりません。"))
            record = _case_record(s, row, with_timeline=True)
        audit_shown(
            self.db,
            actor,
            AuditAction.VIEW,
            CASE_KIND,
            [c.id for c in record.timeline],
            "case timeline",
            entity_id=record.id,
        )
        return record
