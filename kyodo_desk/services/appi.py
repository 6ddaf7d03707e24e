"""APPI requests (個人情報保護法・行政機関等): 開示, 訂正, 利用停止・消去 for a person or for an
organization's contact fields.

* :meth:`PrivacyRequestService.disclose` gathers everything held about the subject, each value
  labelled with where it is kept (screen, table.column — from :mod:`kyodo_desk.domain.personal_data`);
  :meth:`export` turns it into one PDF and one CSV.
* 訂正 is the ordinary editor (people: :class:`~kyodo_desk.services.people.PersonService`); the
  request itself is recorded with :meth:`record_correction`.
* :meth:`erase` blanks the personal fields or removes the record.  Statistics fields (dates,
  channels, categories, counts, devices, organization kind) are never touched, so reports for past
  years stay byte for byte the same.  The search index forgets the erased text.

Every request writes one audit row: action, kind, id, a reason code and counts — never values.
Administrators only (``Permission.PRIVACY_REQUEST``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from kyodo_desk.db import search as search_index
from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Loan, LoanNote, Reservation
from kyodo_desk.db.models import AuditLog, Organization, Person, SearchDocument, Staff, now
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.personal_data import CONSULTATIONS, LENDING, ORGANIZATION_CONTACTS, PEOPLE, ErasureReason
from kyodo_desk.i18n import _, format_datetime
from kyodo_desk.services.base import Actor, NotFound, ServiceError, audit, audit_shown, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.loans import LOAN_ERASED  # the marker the retention purge uses too
from kyodo_desk.services.people import remove_person

PERSON = "person"
ORGANIZATION = "organization"
SUBJECT_KINDS = (PERSON, ORGANIZATION)
ORG_CONTACT_COLUMNS = tuple(f.column for f in ORGANIZATION_CONTACTS.fields if f.table == "organization")
_CONSULTATION_TEXT = ("summary", "details", "answer", "referral_detail", "referral_reason", "referral_outcome_note")


@dataclass(frozen=True)
class DisclosedValue:
    place: str  # the screen where staff see it
    record: str  # which record: 「相談 S2025-00012(2025-05-01)」
    field: str  # the field's name on screen
    location: str  # table.column
    value: str


@dataclass(frozen=True)
class Disclosure:
    subject_kind: str
    subject_id: int
    subject_name: str
    made_at: dt.datetime
    values: tuple[DisclosedValue, ...]
    notes: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        if self.subject_kind == PERSON:
            return _("保有個人情報の開示(個人)")
        return _("保有個人情報の開示(団体の連絡先)")

    def csv_rows(self) -> list[list[str]]:
        rows = [[_("保管場所(画面)"), _("記録"), _("項目"), _("保管場所(テーブル.列)"), _("内容")]]
        rows += [[v.place, v.record, v.field, v.location, v.value] for v in self.values]
        return rows


@dataclass(frozen=True)
class DisclosureFiles:
    disclosure: Disclosure
    pdf: bytes
    csv: bytes

    @property
    def stem(self) -> str:
        kind = "kojin" if self.disclosure.subject_kind == PERSON else "dantai"
        return f"kaiji_{kind}{self.disclosure.subject_id}_{self.disclosure.made_at:%Y%m%d}"


@dataclass(frozen=True)
class ErasurePlan:
    """What :meth:`PrivacyRequestService.erase` would change (shown before the administrator confirms)."""

    subject_kind: str
    subject_id: int
    subject_name: str
    consultations: int = 0
    loans: int = 0
    open_loans: int = 0
    reservations: int = 0
    people: int = 0  # people of the organization (only with include_people)
    matched_loans: int = 0  # a person's name or phone in loans/reservations (only with include_matches)
    matched_reservations: int = 0


@dataclass(frozen=True)
class ErasureResult:
    subject_kind: str
    subject_id: int
    consultations: int
    loans: int
    reservations: int
    people: int
    search_entries: int


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def _no_space(column):
    return func.replace(func.replace(column, " ", ""), "　", "")


def _plain_name(name: str) -> str:
    return name.replace(" ", "").replace("　", "")


def _day(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d")


@conflict_retrying
class PrivacyRequestService:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ 開示

    def disclose(self, actor: Actor, kind: str, subject_id: int) -> Disclosure:
        """Everything held about the person (or the organization's contacts), audited as an export."""
        require(actor, Permission.PRIVACY_REQUEST)
        with self.db.read() as s:  # a plain read; the audit row is written in a short transaction after
            if kind == PERSON:
                result = self._disclose_person(s, subject_id)
            elif kind == ORGANIZATION:
                result = self._disclose_organization(s, subject_id)
            else:
                raise ServiceError(_("開示できるのは個人か団体です。"))
        audit_shown(
            self.db,
            actor,
            AuditAction.EXPORT,
            kind,
            [],
            f"appi disclosure values={len(result.values)}",
            entity_id=subject_id,
        )
        return result

    def export(self, actor: Actor, kind: str, subject_id: int, center=None) -> DisclosureFiles:
        """The disclosure as one PDF and one CSV (bytes; the caller saves them)."""
        from kyodo_desk.documents.base import CenterInfo
        from kyodo_desk.documents.forms.disclosure import build_disclosure_pdf
        from kyodo_desk.services.csv_export import to_csv_bytes

        disclosure = self.disclose(actor, kind, subject_id)
        if center is None:
            from kyodo_desk.services.settings import SettingsService

            center = CenterInfo.from_settings(SettingsService(self.db).get())
        return DisclosureFiles(
            disclosure, build_disclosure_pdf(disclosure, center), to_csv_bytes(disclosure.csv_rows())
        )

    def _disclose_person(self, s: Session, person_id: int) -> Disclosure:
        row = s.get(Person, person_id)
        if row is None:
            raise NotFound(_("個人の記録が見つかりません。削除された可能性があります。"))
        values: list[DisclosedValue] = []
        org = s.get(Organization, row.organization_id) if row.organization_id else None
        record = _("個人 #{id}").format(id=row.id)
        for f in PEOPLE.fields:
            if f.table != "person":
                continue
            value = org.name if f.column == "organization_id" and org else getattr(row, f.column)
            if f.column == "organization_id" and not org:
                value = ""
            if value:
                values.append(DisclosedValue(_(f.screen), record, _(f.label), f.location, str(value)))
        values += self._search_copies(s, PERSON, [row.id], record)
        consultations = s.scalars(
            select(Consultation).where(Consultation.person_id == row.id).order_by(Consultation.received_at)
        ).all()
        for c in consultations:
            label = _("相談 {ref}({day})").format(ref=c.reference, day=_day(c.received_at))
            values.append(
                DisclosedValue(
                    _(CONSULTATIONS.fields[0].screen),
                    label,
                    _(CONSULTATIONS.fields[0].label),
                    CONSULTATIONS.fields[0].location,
                    row.name,
                )
            )
            for column in _CONSULTATION_TEXT:
                text = getattr(c, column)
                if text:
                    f = CONSULTATIONS.field("consultation", column)
                    values.append(DisclosedValue(_(f.screen), label, _(f.label), f.location, text))
            values += self._search_copies(s, "consultation", [c.id], label)
        notes = []
        loans, reservations = self._matches(s, row.name, row.phone)
        for loan in loans:
            values += self._loan_values(s, loan, matched=True)
        for res in reservations:
            values += self._reservation_values(res, matched=True)
        if loans or reservations:
            notes.append(
                _(
                    "「(氏名・電話番号が一致)」の貸出・予約は、名前か電話番号が同じ記録です。ご本人のものか確かめてからお渡しください。"
                )
            )
        values += self._audit_values(s, PERSON, row.id, record)
        return Disclosure(PERSON, row.id, row.name, now(), tuple(values), tuple(notes))

    def _disclose_organization(self, s: Session, org_id: int) -> Disclosure:
        org = s.get(Organization, org_id)
        if org is None:
            raise NotFound(_("団体が見つかりません。削除された可能性があります。"))
        from kyodo_desk.services.organizations import organization_code

        record = _("団体 {code} {name}").format(code=organization_code(org.id), name=org.name)
        values: list[DisclosedValue] = []
        for f in ORGANIZATION_CONTACTS.fields:
            if f.table == "organization" and getattr(org, f.column):
                values.append(DisclosedValue(_(f.screen), record, _(f.label), f.location, str(getattr(org, f.column))))
        values += self._search_copies(s, ORGANIZATION, [org.id], record)
        for loan in s.scalars(select(Loan).where(Loan.organization_id == org.id).order_by(Loan.out_at)).all():
            values += self._loan_values(s, loan)
        for res in s.scalars(
            select(Reservation).where(Reservation.organization_id == org.id).order_by(Reservation.start_on)
        ).all():
            values += self._reservation_values(res)
        people = s.scalars(select(Person).where(Person.organization_id == org.id).order_by(Person.name_kana)).all()
        for p in people:
            label = _("個人 #{id}(この団体に所属)").format(id=p.id)
            for column in ("name", "phone", "email"):
                if getattr(p, column):
                    f = PEOPLE.field("person", column)
                    values.append(DisclosedValue(_(f.screen), label, _(f.label), f.location, getattr(p, column)))
        notes = []
        if people:
            notes.append(
                _("この団体に所属する個人の記録が{n}件あります。個人ごとの開示は、その個人の記録から行います。").format(
                    n=len(people)
                )
            )
        return Disclosure(ORGANIZATION, org.id, org.name, now(), tuple(values), tuple(notes))

    def _search_copies(self, s: Session, kind: str, ids: Iterable[int], record: str) -> list[DisclosedValue]:
        rows = s.scalars(
            select(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.ref_id.in_(list(ids)))
        ).all()
        field_label = _("検索用の写し")
        screen = _(PEOPLE.fields[-1].screen)
        return [DisclosedValue(screen, record, field_label, "search_document.text", d.text) for d in rows if d.text]

    def _loan_values(self, s: Session, loan: Loan, *, matched: bool = False) -> list[DisclosedValue]:
        suffix = _("(氏名・電話番号が一致)") if matched else ""
        label = _("貸出 {ref}({day})").format(ref=loan.reference, day=_day(loan.out_at)) + suffix
        out = []
        for column in ("responsible_name", "contact_phone"):
            value = getattr(loan, column)
            if value and value != LOAN_ERASED:
                f = LENDING.field("loan", column)
                out.append(DisclosedValue(_(f.screen), label, _(f.label), f.location, value))
        f = LENDING.field("loan_note", "note")
        for note in s.scalars(select(LoanNote).where(LoanNote.loan_id == loan.id).order_by(LoanNote.at)).all():
            out.append(DisclosedValue(_(f.screen), label, _(f.label), f.location, note.note))
        return out

    def _reservation_values(self, res: Reservation, *, matched: bool = False) -> list[DisclosedValue]:
        suffix = _("(氏名・電話番号が一致)") if matched else ""
        label = (
            _("予約 #{id}({start}〜{end})").format(id=res.id, start=_day(res.start_on), end=_day(res.end_on)) + suffix
        )
        out = []
        for column in ("contact_name", "contact_phone"):
            if getattr(res, column):
                f = LENDING.field("reservation", column)
                out.append(DisclosedValue(_(f.screen), label, _(f.label), f.location, getattr(res, column)))
        return out

    def _audit_values(self, s: Session, kind: str, ref_id: int, record: str) -> list[DisclosedValue]:
        rows = s.execute(
            select(AuditLog.at, AuditLog.action, Staff.display_name)
            .outerjoin(Staff, Staff.id == AuditLog.staff_id)
            .where(AuditLog.entity == kind, AuditLog.entity_id == ref_id)
            .order_by(AuditLog.id)
        ).all()
        names = {"view": _("閲覧"), "create": _("登録"), "update": _("変更"), "delete": _("削除"), "export": _("出力")}
        screen, label = _("設定 › 監査ログ"), _("取り扱いの記録(日時・職員・操作)")
        return [
            DisclosedValue(
                screen,
                record,
                label,
                "audit_log",
                f"{format_datetime(at, 'short')} {who or _('システム')} {names.get(action, action)}",
            )
            for at, action, who in rows
        ]

    def _matches(self, s: Session, name: str, phone: str) -> tuple[list[Loan], list[Reservation]]:
        """Loans and reservations whose contact is the same name (ignoring spaces) or phone number."""
        plain, digits = _plain_name(name), _digits(phone)
        loan_cond = [_no_space(Loan.responsible_name) == plain] if plain else []
        res_cond = [_no_space(Reservation.contact_name) == plain] if plain else []
        if len(digits) >= 6:
            loan_cond.append(func.replace(Loan.contact_phone, "-", "") == digits)
            res_cond.append(func.replace(Reservation.contact_phone, "-", "") == digits)
        if not loan_cond:
            return [], []
        loans = s.scalars(select(Loan).where(or_(*loan_cond)).order_by(Loan.out_at)).all()
        reservations = s.scalars(select(Reservation).where(or_(*res_cond)).order_by(Reservation.start_on)).all()
        return list(loans), list(reservations)

    # ------------------------------------------------------------------ 訂正

    def record_correction(self, actor: Actor, kind: str, subject_id: int, fields: Iterable[str] = ()) -> None:
        """Note that a correction was made on the subject's request (the change itself is the editor's)."""
        require(actor, Permission.PRIVACY_REQUEST)
        if kind not in SUBJECT_KINDS:
            raise ServiceError(_("訂正できるのは個人か団体です。"))
        with self.db.write() as s:
            detail = "appi correction"
            names = [f for f in fields if f.isidentifier()]
            if names:
                detail += " fields=" + ",".join(names)
            audit(s, actor, AuditAction.UPDATE, kind, subject_id, detail)

    # ------------------------------------------------------------------ 利用停止・消去

    def erasure_plan(
        self, actor: Actor, kind: str, subject_id: int, *, include_matches: bool = False, include_people: bool = False
    ) -> ErasurePlan:
        """What :meth:`erase` would change, for the confirmation."""
        require(actor, Permission.PRIVACY_REQUEST)
        with self.db.read() as s:
            if kind == PERSON:
                row = s.get(Person, subject_id)
                if row is None:
                    raise NotFound(_("個人の記録が見つかりません。削除された可能性があります。"))
                n = s.scalar(select(func.count()).where(Consultation.person_id == row.id)) or 0
                loans, reservations = self._matches(s, row.name, row.phone)
                return ErasurePlan(
                    PERSON,
                    row.id,
                    row.name,
                    consultations=n,
                    matched_loans=len(loans),
                    matched_reservations=len(reservations),
                    loans=len(loans) if include_matches else 0,
                    reservations=len(reservations) if include_matches else 0,
                )
            org = self._org(s, kind, subject_id)
            loans = list(
                s.scalars(select(Loan).where(Loan.organization_id == org.id, Loan.responsible_name != LOAN_ERASED))
            )
            people = s.scalars(select(Person.id).where(Person.organization_id == org.id)).all()
            n_people = len(people) if include_people else 0
            consultations = (
                s.scalar(select(func.count()).where(Consultation.person_id.in_(people))) or 0 if include_people else 0
            )
            return ErasurePlan(
                ORGANIZATION,
                org.id,
                org.name,
                consultations=consultations,
                loans=len(loans),
                open_loans=sum(1 for x in loans if x.status == "open"),
                reservations=s.scalar(
                    select(func.count()).where(
                        Reservation.organization_id == org.id,
                        or_(Reservation.contact_name != "", Reservation.contact_phone != ""),
                    )
                )
                or 0,
                people=n_people,
            )

    def _org(self, s: Session, kind: str, org_id: int) -> Organization:
        if kind != ORGANIZATION:
            raise ServiceError(_("消去できるのは個人か団体です。"))
        org = s.get(Organization, org_id)
        if org is None:
            raise NotFound(_("団体が見つかりません。削除された可能性があります。"))
        return org

    def erase(
        self,
        actor: Actor,
        kind: str,
        subject_id: int,
        reason: ErasureReason | str,
        *,
        include_matches: bool = False,
        include_people: bool = False,
    ) -> ErasureResult:
        """利用停止・消去.  A person: the record is removed, the text of their consultations erased
        (statistics fields stay) and, with *include_matches*, the contact of loans/reservations with
        the same name or phone.  An organization: its contact fields blanked (name, kind and
        registration stay), the contacts of its loans and reservations erased and, with
        *include_people*, its people removed as above."""
        require(actor, Permission.PRIVACY_REQUEST)
        reason = ErasureReason(reason)
        with self.db.write() as s:
            if kind == PERSON:
                row = s.get(Person, subject_id)
                if row is None:
                    raise NotFound(_("個人の記録が見つかりません。削除された可能性があります。"))
                counts = self._erase_person(s, row, include_matches=include_matches)
                counts["people"] = 1
            else:
                org = self._org(s, kind, subject_id)
                counts = self._erase_organization(s, org, include_people=include_people)
            search_index.purge_erased_terms(s)
            audit(
                s,
                actor,
                AuditAction.DELETE,
                kind,
                subject_id,
                f"appi erase reason={reason.value} " + " ".join(f"{k}={v}" for k, v in sorted(counts.items())),
            )
            return ErasureResult(
                kind,
                subject_id,
                counts.get("consultations", 0),
                counts.get("loans", 0),
                counts.get("reservations", 0),
                counts.get("people", 0),
                counts.get("search_entries", 0),
            )

    def _erase_person(self, s: Session, row: Person, *, include_matches: bool) -> dict[str, int]:
        consultations = s.scalars(select(Consultation).where(Consultation.person_id == row.id)).all()
        erase_consultation_text(s, consultations, _("(本人の求めにより消去)"))
        loans = reservations = 0
        if include_matches:
            matched_loans, matched_res = self._matches(s, row.name, row.phone)
            loans = erase_loan_contacts(s, matched_loans)
            reservations = erase_reservation_contacts(s, matched_res)
        remove_person(s, row)
        return {
            "consultations": len(consultations),
            "loans": loans,
            "reservations": reservations,
            "search_entries": 1 + len(consultations),
        }

    def _erase_organization(self, s: Session, org: Organization, *, include_people: bool) -> dict[str, int]:
        for column in ORG_CONTACT_COLUMNS:
            setattr(org, column, "")
        org.updated_at = now()
        s.flush()
        from kyodo_desk.services.organizations import _index

        _index(s, org)  # the search row is rewritten without the contacts
        loans = erase_loan_contacts(s, s.scalars(select(Loan).where(Loan.organization_id == org.id)).all())
        reservations = erase_reservation_contacts(
            s, s.scalars(select(Reservation).where(Reservation.organization_id == org.id)).all()
        )
        counts = {"loans": loans, "reservations": reservations, "people": 0, "consultations": 0, "search_entries": 1}
        if include_people:
            for person in s.scalars(select(Person).where(Person.organization_id == org.id)).all():
                sub = self._erase_person(s, person, include_matches=False)
                counts["people"] += 1
                counts["consultations"] += sub["consultations"]
                counts["search_entries"] += sub["search_entries"]
        return counts


# ---------------------------------------------------------------------- shared with retention


def erase_consultation_text(s: Session, rows: Iterable[Consultation], marker: str) -> int:
    """Blank the personal text of *rows* (the statistics fields stay) and drop their search rows."""
    n = 0
    for row in rows:
        row.summary, row.details, row.answer = marker, "", ""
        row.person_id, row.referral_reason, row.referral_detail = None, "", ""
        row.referral_outcome_note = ""  # the outcome itself (連絡済み …) stays for the statistics
        if row.anonymized_at is None:
            row.anonymized_at = now()
        search_index.remove_document(s, "consultation", row.id)
        n += 1
    s.flush()
    return n


def erase_loan_contacts(s: Session, loans: Iterable[Loan]) -> int:
    """Erase the responsible person, phone and reminder notes of *loans* (devices, dates, organization stay)."""
    ids, changed = [], 0
    for loan in loans:
        ids.append(loan.id)
        if loan.responsible_name != LOAN_ERASED or loan.contact_phone:
            loan.responsible_name, loan.contact_phone = LOAN_ERASED, ""
            changed += 1
    if ids:
        s.execute(delete(LoanNote).where(LoanNote.loan_id.in_(ids)).execution_options(synchronize_session=False))
    s.flush()
    return changed


def erase_reservation_contacts(s: Session, reservations: Iterable[Reservation]) -> int:
    n = 0
    for res in reservations:
        if res.contact_name or res.contact_phone:
            res.contact_name, res.contact_phone = "", ""
            n += 1
    s.flush()
    return n


__all__ = [
    "Disclosure",
    "DisclosedValue",
    "DisclosureFiles",
    "ErasurePlan",
    "ErasureResult",
    "PrivacyRequestService",
    "erase_consultation_text",
    "erase_loan_contacts",
    "erase_reservation_contacts",
]
