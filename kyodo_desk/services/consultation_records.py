"""What the consultation services hand out: input, record, filter and case dataclasses, and the one
function that turns ORM rows into records (with category, staff, organization, person and case names
looked up in one query each)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from kyodo_desk.db.consultation_models import (
    Consultation,
    ConsultationCase,
    ConsultationCategory,
    consultation_category_link,
)
from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Organization, Person, Staff
from kyodo_desk.domain.consultation import (
    CaseStatus,
    Channel,
    FollowUpAction,
    ReferralOutcome,
    ReferralTarget,
    RequesterType,
)
from kyodo_desk.i18n import _

KIND = "consultation"


@dataclass(frozen=True)
class ConsultationInput:
    received_at: dt.datetime | None = None
    channel: str = Channel.WALK_IN.value
    requester_type: str = RequesterType.INDIVIDUAL.value
    organization_id: int | None = None
    person_id: int | None = None
    people_count: int = 1
    category_ids: tuple[int, ...] = ()
    summary: str = ""
    details: str = ""
    answer: str = ""
    minutes_spent: int = 0
    case_id: int | None = None
    followup_action: str | None = None
    followup_due: dt.date | None = None
    followup_assignee_id: int | None = None
    followup_done: bool = False
    referral_to: str | None = None
    referral_detail: str = ""
    referral_reason: str = ""
    referral_outcome: str | None = None  # ReferralOutcome; None while nothing is known (未確認)
    referral_outcome_note: str = ""


@dataclass(frozen=True)
class ConsultationRecord(ConsultationInput):
    id: int = 0
    reference: str = ""
    fiscal_year: int = 0
    staff_id: int | None = None
    staff_name: str = ""
    organization_name: str = ""
    person_name: str = ""
    category_names: tuple[str, ...] = ()
    case_title: str = ""
    followup_assignee_name: str = ""
    anonymized: bool = False
    version: int = 0

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label()

    @property
    def requester_label(self) -> str:
        return RequesterType(self.requester_type).label()

    @property
    def followup_label(self) -> str:
        return FollowUpAction(self.followup_action).label() if self.followup_action else ""

    @property
    def referral_label(self) -> str:
        return ReferralTarget(self.referral_to).label() if self.referral_to else ""

    @property
    def referral_outcome_label(self) -> str:
        """「連絡済み」「つながった」「不調」, 「未確認」 for a referral with no outcome yet, "" without a referral."""
        if not self.referral_to:
            return ""
        return ReferralOutcome(self.referral_outcome).label() if self.referral_outcome else _("未確認")

    def as_input(self) -> ConsultationInput:
        return ConsultationInput(**{f.name: getattr(self, f.name) for f in fields(ConsultationInput)})


@dataclass(frozen=True)
class ConsultationFilter:
    text: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    fiscal_year: int | None = None
    channel: str | None = None
    requester_type: str | None = None
    category_id: int | None = None
    staff_id: int | None = None
    organization_id: int | None = None
    followup_pending: bool = False


@dataclass(frozen=True)
class CaseRecord:
    id: int
    title: str
    organization_id: int | None
    organization_name: str
    status: str
    opened_on: dt.date
    closed_on: dt.date | None
    version: int
    timeline: tuple[ConsultationRecord, ...] = field(default=())

    @property
    def status_label(self) -> str:
        return CaseStatus(self.status).label()


# the columns an input sets directly (categories live in the link table)
COLUMNS = [f.name for f in fields(ConsultationInput) if f.name != "category_ids"]


class ServiceBase:
    """The database every part of :class:`~kyodo_desk.services.consultations.ConsultationService` uses."""

    def __init__(self, db: Database):
        self.db = db


def _names(session: Session, id_col, name_col, ids: set) -> dict[int | None, str]:
    if not ids:
        return {}
    return dict(session.execute(select(id_col, name_col).where(id_col.in_(ids))).all())


def to_records(session: Session, rows: list[Consultation]) -> list[ConsultationRecord]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    cats: dict[int, list[tuple[int, str]]] = {}
    parent = ConsultationCategory.__table__.alias("parent")
    for cid, cat_id, name, pname in session.execute(
        select(
            consultation_category_link.c.consultation_id,
            ConsultationCategory.id,
            ConsultationCategory.name,
            parent.c.name,
        )
        .join(ConsultationCategory, ConsultationCategory.id == consultation_category_link.c.category_id)
        .outerjoin(parent, parent.c.id == ConsultationCategory.parent_id)
        .where(consultation_category_link.c.consultation_id.in_(ids))
        .order_by(ConsultationCategory.sort_order)
    ):
        cats.setdefault(cid, []).append((cat_id, f"{pname} › {name}" if pname else name))
    staff: dict[int | None, str] = dict(session.execute(select(Staff.id, Staff.display_name)).all())
    orgs = _names(session, Organization.id, Organization.name, {r.organization_id for r in rows if r.organization_id})
    people = _names(session, Person.id, Person.name, {r.person_id for r in rows if r.person_id})
    cases = _names(session, ConsultationCase.id, ConsultationCase.title, {r.case_id for r in rows if r.case_id})
    out = []
    for r in rows:
        c = cats.get(r.id, [])
        out.append(
            ConsultationRecord(
                **{name: getattr(r, name) for name in COLUMNS},
                category_ids=tuple(i for i, _n in c),
                category_names=tuple(n for _i, n in c),
                id=r.id,
                reference=r.reference,
                fiscal_year=r.fiscal_year,
                staff_id=r.staff_id,
                staff_name=staff.get(r.staff_id, ""),
                organization_name=orgs.get(r.organization_id, ""),
                person_name=people.get(r.person_id, ""),
                case_title=cases.get(r.case_id, ""),
                followup_assignee_name=staff.get(r.followup_assignee_id, ""),
                anonymized=r.anonymized_at is not None,
                version=r.version,
            )
        )
    return out
