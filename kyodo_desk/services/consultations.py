"""Consultations (相談受付): intake, edit, follow-ups, referrals, cases and the organization timeline.

Consultations are personal data (APPI): opening one is audited, audit rows never hold the text,
and :meth:`ConsultationService.purge_expired` erases the personal text after the retention period
set in 設定 while keeping the statistics fields.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields, replace

from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db import search as search_index
from kyodo_desk.db.consultation_models import (
    Consultation,
    ConsultationCase,
    ConsultationCategory,
    ReferenceCounter,
    consultation_category_link,
)
from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Organization, Person, Staff, now
from kyodo_desk.domain.consultation import CaseStatus, Channel, FollowUpAction, ReferralTarget, RequesterType
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.fiscal import fiscal_year_of, fiscal_year_range
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.text import fold
from kyodo_desk.domain.validation import Validator
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, StaleEdit, audit, audit_shown, require

KIND = "consultation"
PREFIX = "S"


def make_reference(fiscal_year: int, number: int) -> str:
    return f"{PREFIX}{fiscal_year}-{number:05d}"


_REFERENCE = re.compile(r"S\d{4}-\d{5}")  # 受付番号 S2025-00012


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


_COLUMNS = [f.name for f in fields(ConsultationInput) if f.name != "category_ids"]


def _received(clean: ConsultationInput) -> dt.datetime:
    assert clean.received_at is not None, "validate() fills in the time of receipt"
    return clean.received_at


def validate(data: ConsultationInput, *, clock: dt.datetime | None = None) -> ConsultationInput:
    v = Validator()
    current = clock or now()
    received = data.received_at or current
    if received > current + dt.timedelta(minutes=10):
        v.add("received_at", _("「受付日時」が未来になっています。今日までの日時にしてください。"))
    if data.channel not in {c.value for c in Channel}:
        v.add("channel", _("「受付方法」を一覧から選んでください。"))
    if data.requester_type not in {r.value for r in RequesterType}:
        v.add("requester_type", _("「相談者の種別」を一覧から選んでください。"))
    v.required("summary", _("相談の要旨"), data.summary)
    v.max_length("summary", _("相談の要旨"), data.summary.strip(), 200)
    if not data.category_ids:
        v.add("category_ids", _("「相談分類」を一つ以上選んでください。"))
    if not 1 <= int(data.people_count) <= 999:
        v.add("people_count", _("「人数」は1〜999の数で入力してください。"))
    if not 0 <= int(data.minutes_spent) <= 24 * 60:
        v.add("minutes_spent", _("「対応時間(分)」は0〜1440の数で入力してください。"))
    if data.followup_action and data.followup_action not in {a.value for a in FollowUpAction}:
        v.add("followup_action", _("「次の対応」を一覧から選んでください。"))
    if data.followup_action and data.followup_due is None:
        v.add("followup_due", _("「期限」を入力してください(次の対応を選んだときに必要です)。"))
    if data.followup_due and not data.followup_action:
        v.add("followup_action", _("「次の対応」を選んでください(期限を入れたときに必要です)。"))
    if data.referral_to:
        if data.referral_to not in {r.value for r in ReferralTarget}:
            v.add("referral_to", _("「紹介先」を一覧から選んでください。"))
        v.required("referral_reason", _("紹介の理由"), data.referral_reason)
        if data.referral_to == ReferralTarget.OTHER.value:
            v.required("referral_detail", _("紹介先(その他)"), data.referral_detail)
    v.raise_if_any()
    return replace(
        data,
        received_at=received.replace(microsecond=0),
        summary=data.summary.strip(),
        details=data.details.strip(),
        answer=data.answer.strip(),
        people_count=int(data.people_count),
        minutes_spent=int(data.minutes_spent),
        category_ids=tuple(dict.fromkeys(data.category_ids)),
        followup_action=data.followup_action or None,
        referral_to=data.referral_to or None,
        referral_detail=data.referral_detail.strip() if data.referral_to else "",
        referral_reason=data.referral_reason.strip() if data.referral_to else "",
    )


def next_reference_for(session: Session, prefix: str, day: dt.date) -> str:
    """Allocate the next human reference (``S2025-00012``, ``L2025-00003`` ...) of *day*'s fiscal
    year inside the caller's write transaction (row-locked on PostgreSQL; SQLite's write
    transaction is already exclusive)."""
    fiscal_year = fiscal_year_of(day)
    stmt = select(ReferenceCounter).where(
        ReferenceCounter.prefix == prefix, ReferenceCounter.fiscal_year == fiscal_year
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    counter = session.scalar(stmt)
    if counter is None:
        counter = ReferenceCounter(prefix=prefix, fiscal_year=fiscal_year, last_value=0)
        session.add(counter)
    counter.last_value += 1
    session.flush()
    return f"{prefix}{fiscal_year}-{counter.last_value:05d}"


def next_reference(session: Session, fiscal_year: int) -> str:
    return next_reference_for(session, PREFIX, dt.date(fiscal_year, 4, 1))


def _index(session: Session, row: Consultation) -> None:
    search_index.index_document(
        session,
        KIND,
        row.id,
        title=row.summary,
        subtitle=row.received_at.strftime("%Y-%m-%d"),
        code=row.reference,
        texts=(row.details, row.answer, row.referral_detail),
    )


def _records(session: Session, rows: list[Consultation]) -> list[ConsultationRecord]:
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
    org_ids = {r.organization_id for r in rows if r.organization_id}
    orgs: dict[int | None, str] = (
        dict(session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))).all())
        if org_ids
        else {}
    )
    person_ids = {r.person_id for r in rows if r.person_id}
    people: dict[int | None, str] = (
        dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids))).all())
        if person_ids
        else {}
    )
    case_ids = {r.case_id for r in rows if r.case_id}
    cases: dict[int | None, str] = (
        dict(
            session.execute(
                select(ConsultationCase.id, ConsultationCase.title).where(ConsultationCase.id.in_(case_ids))
            ).all()
        )
        if case_ids
        else {}
    )
    out = []
    for r in rows:
        c = cats.get(r.id, [])
        out.append(
            ConsultationRecord(
                **{name: getattr(r, name) for name in _COLUMNS},
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


def _set_categories(session: Session, consultation_id: int, category_ids: tuple[int, ...]) -> None:
    session.execute(
        delete(consultation_category_link).where(consultation_category_link.c.consultation_id == consultation_id)
    )
    if category_ids:
        session.execute(
            insert(consultation_category_link),
            [{"consultation_id": consultation_id, "category_id": c} for c in category_ids],
        )


class ConsultationService:
    def __init__(self, db: Database):
        self.db = db

    # ---- writing --------------------------------------------------------------------
    def create(self, actor: Actor, data: ConsultationInput) -> ConsultationRecord:
        require(actor, Permission.CONSULTATION_EDIT)
        clean = validate(data)
        with self.db.write() as s:
            fy = fiscal_year_of(_received(clean).date())
            row = Consultation(
                **{n: getattr(clean, n) for n in _COLUMNS},
                reference=next_reference(s, fy),
                fiscal_year=fy,
                staff_id=actor.staff_id,
            )
            if row.followup_done:
                row.followup_done_at = now()
            s.add(row)
            s.flush()
            _set_categories(s, row.id, clean.category_ids)
            _index(s, row)
            audit(s, actor, AuditAction.CREATE, KIND, row.id)
            s.flush()
            return _records(s, [row])[0]

    def update(
        self, actor: Actor, consultation_id: int, expected_version: int, data: ConsultationInput
    ) -> ConsultationRecord:
        require(actor, Permission.CONSULTATION_EDIT)
        clean = validate(data)
        try:
            with self.db.write() as s:
                row = s.get(Consultation, consultation_id)
                if row is None:
                    raise NotFound(_("相談記録が見つかりません。削除された可能性があります。"))
                if row.version != expected_version:
                    raise StaleEdit(_("相談記録"))
                old_cats = set(
                    s.scalars(
                        select(consultation_category_link.c.category_id).where(
                            consultation_category_link.c.consultation_id == row.id
                        )
                    )
                )
                changed = [n for n in _COLUMNS if getattr(row, n) != getattr(clean, n)]
                if old_cats != set(clean.category_ids):
                    changed.append("category_ids")
                for n in _COLUMNS:
                    setattr(row, n, getattr(clean, n))
                row.fiscal_year = fiscal_year_of(_received(clean).date())
                if "followup_done" in changed:
                    row.followup_done_at = now() if clean.followup_done else None
                row.updated_at = now()
                s.flush()
                _set_categories(s, row.id, clean.category_ids)
                _index(s, row)
                audit(s, actor, AuditAction.UPDATE, KIND, row.id, "fields=" + ",".join(changed))
                s.flush()
                return _records(s, [row])[0]
        except StaleDataError as exc:
            raise StaleEdit(_("相談記録")) from exc

    def delete(self, actor: Actor, consultation_id: int) -> None:
        """Admins only; the UI asks for confirmation first."""
        require(actor, Permission.CONSULTATION_DELETE)
        with self.db.write() as s:
            row = s.get(Consultation, consultation_id)
            if row is None:
                raise NotFound(_("相談記録が見つかりません。削除された可能性があります。"))
            search_index.remove_document(s, KIND, row.id)
            audit(s, actor, AuditAction.DELETE, KIND, row.id, f"reference={row.reference}")
            s.delete(row)

    def set_followup_done(self, actor: Actor, consultation_id: int, done: bool = True) -> None:
        require(actor, Permission.CONSULTATION_EDIT)
        with self.db.write() as s:
            row = s.get(Consultation, consultation_id)
            if row is None:
                raise NotFound(_("相談記録が見つかりません。削除された可能性があります。"))
            row.followup_done = done
            row.followup_done_at = now() if done else None
            audit(s, actor, AuditAction.UPDATE, KIND, row.id, "fields=followup_done")

    # ---- reading --------------------------------------------------------------------
    def get(self, actor: Actor, consultation_id: int) -> ConsultationRecord:
        require(actor, Permission.CONSULTATION_VIEW)
        with self.db.read() as s:
            row = s.get(Consultation, consultation_id)
            if row is None:
                raise NotFound(_("相談記録が見つかりません。削除された可能性があります。"))
            record = _records(s, [row])[0]
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
        if _REFERENCE.fullmatch(code):  # a 受付番号 typed or pasted: that consultation
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
            return _records(s, list(rows))

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
            records = _records(s, list(rows))
        audit_shown(self.db, actor, AuditAction.LIST, KIND, [r.id for r in records], "followups_due")
        return records

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

    # ---- cases (案件) -----------------------------------------------------------------
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
            audit(s, actor, AuditAction.CREATE, "consultation_case", row.id)
            return self._case_record(s, row, with_timeline=False)

    def set_case_status(self, actor: Actor, case_id: int, status: str, on: dt.date | None = None) -> CaseRecord:
        require(actor, Permission.CONSULTATION_EDIT)
        with self.db.write() as s:
            row = s.get(ConsultationCase, case_id)
            if row is None:
                raise NotFound(_("案件が見つかりません。"))
            row.status = CaseStatus(status).value
            row.closed_on = (on or dt.date.today()) if row.status == CaseStatus.CLOSED.value else None
            audit(s, actor, AuditAction.UPDATE, "consultation_case", row.id, "fields=status")
            s.flush()
            return self._case_record(s, row, with_timeline=False)

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
            records = [self._case_record(s, r, with_timeline=False) for r in s.scalars(stmt)]
        audit_shown(self.db, actor, AuditAction.LIST, "consultation_case", [r.id for r in records], "cases")
        return records

    def case(self, actor: Actor, case_id: int) -> CaseRecord:
        """A case with its timeline (oldest consultation first)."""
        require(actor, Permission.CONSULTATION_VIEW)
        with self.db.read() as s:
            row = s.get(ConsultationCase, case_id)
            if row is None:
                raise NotFound(_("案件が見つかりません。"))
            record = self._case_record(s, row, with_timeline=True)
        audit_shown(
            self.db,
            actor,
            AuditAction.VIEW,
            "consultation_case",
            [c.id for c in record.timeline],
            "case timeline",
            entity_id=record.id,
        )
        return record

    def _case_record(self, s: Session, row: ConsultationCase, *, with_timeline: bool) -> CaseRecord:
        org = s.get(Organization, row.organization_id) if row.organization_id else None
        timeline: tuple[ConsultationRecord, ...] = ()
        if with_timeline:
            rows = s.scalars(
                select(Consultation)
                .where(Consultation.case_id == row.id)
                .order_by(Consultation.received_at, Consultation.id)
            ).all()
            timeline = tuple(_records(s, list(rows)))
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

    # ---- retention (APPI) -----------------------------------------------------------
    def purge_expired(self, actor: Actor, today: dt.date, retention_years: int) -> int:
        """Erase personal text of consultations received more than *retention_years* ago.

        Channel, requester type, categories, dates, counts and referral targets stay, so past
        statistics do not change.  Returns how many consultations were anonymised."""
        require(actor, Permission.SETTINGS_EDIT)
        try:
            cutoff = today.replace(year=today.year - retention_years)
        except ValueError:  # 29 February
            cutoff = today.replace(year=today.year - retention_years, day=28)
        erased = _("(保存期間経過のため消去)")
        with self.db.write() as s:
            rows = s.scalars(
                select(Consultation).where(
                    Consultation.received_at < dt.datetime.combine(cutoff, dt.time()),
                    Consultation.anonymized_at.is_(None),
                )
            ).all()
            for row in rows:
                row.summary, row.details, row.answer = erased, "", ""
                row.person_id, row.referral_reason, row.referral_detail = None, "", ""
                row.anonymized_at = now()
                search_index.remove_document(s, KIND, row.id)
            if rows:
                audit(
                    s,
                    actor,
                    AuditAction.DELETE,
                    KIND,
                    None,
                    f"retention purge count={len(rows)} before={cutoff.isoformat()}",
                )
            return len(rows)


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.datetime, dt.datetime]:
    start, end = fiscal_year_range(fiscal_year)
    return dt.datetime.combine(start, dt.time()), dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
