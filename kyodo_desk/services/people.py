"""People (個人): optional and minimal.  Only what a follow-up needs — a name and one way to reach
them.  Viewing a person's record is audited (APPI: record who saw what).

An administrator can delete a person (:meth:`PersonService.delete`): the row and its search entry
go, consultations keep their text but no longer name anyone.  Erasing everything held about a
person on their request is :mod:`kyodo_desk.services.appi`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db import search as search_index
from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Organization, Person, now
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.text import clean_keep_width, normalize_kana
from kyodo_desk.domain.validation import Validator, normalize_email, normalize_phone
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, StaleEdit, audit, audit_shown, require
from kyodo_desk.services.conflict_retry import conflict_retrying

KIND = "person"


@dataclass(frozen=True)
class PersonInput:
    name: str = ""
    name_kana: str = ""
    phone: str = ""
    email: str = ""
    organization_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class PersonRecord(PersonInput):
    id: int = 0
    version: int = 0
    organization_name: str = ""
    updated_at: dt.datetime | None = None


def _validate(data: PersonInput) -> PersonInput:
    v = Validator()
    v.required("name", _("氏名"), data.name)
    v.max_length("name", _("氏名"), data.name, 100)
    v.kana("name_kana", _("氏名(カナ)"), data.name_kana)
    v.phone("phone", _("電話番号"), data.phone)
    v.email("email", _("メールアドレス"), data.email)
    v.raise_if_any()
    return PersonInput(
        name=clean_keep_width(data.name),
        name_kana=normalize_kana(data.name_kana),
        phone=(normalize_phone(data.phone) or "") if data.phone.strip() else "",
        email=normalize_email(data.email),
        organization_id=data.organization_id,
        notes=data.notes.strip(),
    )


def _record(row: Person, org_name: str = "") -> PersonRecord:
    return PersonRecord(
        name=row.name,
        name_kana=row.name_kana,
        phone=row.phone,
        email=row.email,
        organization_id=row.organization_id,
        notes=row.notes,
        id=row.id,
        version=row.version,
        organization_name=org_name,
        updated_at=row.updated_at,
    )


def _index(session, row: Person, org_name: str) -> None:
    search_index.index_document(session, KIND, row.id, title=row.name, subtitle=org_name, texts=(row.name_kana,))


@conflict_retrying
class PersonService:
    def __init__(self, db: Database):
        self.db = db

    def get(self, actor: Actor, person_id: int) -> PersonRecord:
        require(actor, Permission.PERSON_VIEW)
        with self.db.read() as s:
            row = s.get(Person, person_id)
            if row is None:
                raise NotFound(_("個人の記録が見つかりません。削除された可能性があります。"))
            org = s.get(Organization, row.organization_id) if row.organization_id else None
            record = _record(row, org.name if org else "")
        audit_shown(self.db, actor, AuditAction.VIEW, KIND, [], entity_id=record.id)  # the view itself is audited
        return record

    def for_organization(self, actor: Actor, org_id: int) -> list[PersonRecord]:
        require(actor, Permission.PERSON_VIEW)
        with self.db.read() as s:
            rows = s.scalars(select(Person).where(Person.organization_id == org_id).order_by(Person.name_kana)).all()
            records = [_record(r) for r in rows]
        audit_shown(self.db, actor, AuditAction.LIST, KIND, [r.id for r in records], f"organization={int(org_id)}")
        return records

    def create(self, actor: Actor, data: PersonInput, *, request_key: str | None = None) -> PersonRecord:
        """*request_key* (a UUID4 the form made): a retry after a lost connection whose first try
        was stored returns that person instead of a second one."""
        require(actor, Permission.PERSON_EDIT)
        clean = _validate(data)
        with self.db.write() as s:
            if request_key:
                done = s.scalar(select(Person).where(Person.request_key == request_key))
                if done is not None:
                    return _record(done, _org_names(s, [done]).get(done.organization_id, ""))
            org = s.get(Organization, clean.organization_id) if clean.organization_id else None
            row = Person(**clean.__dict__, request_key=request_key or None)
            s.add(row)
            s.flush()
            _index(s, row, org.name if org else "")
            audit(s, actor, AuditAction.CREATE, KIND, row.id)
            return _record(row, org.name if org else "")

    def update(self, actor: Actor, person_id: int, expected_version: int, data: PersonInput) -> PersonRecord:
        require(actor, Permission.PERSON_EDIT)
        clean = _validate(data)
        try:
            with self.db.write() as s:
                row = s.get(Person, person_id)
                if row is None:
                    raise NotFound(_("個人の記録が見つかりません。削除された可能性があります。"))
                if row.version != expected_version:
                    raise StaleEdit(_("個人の記録"))
                changed = [k for k, v in clean.__dict__.items() if getattr(row, k) != v]
                if not changed:
                    org = s.get(Organization, row.organization_id) if row.organization_id else None
                    return _record(row, org.name if org else "")
                for k in changed:
                    setattr(row, k, getattr(clean, k))
                row.updated_at = now()
                s.flush()
                org = s.get(Organization, row.organization_id) if row.organization_id else None
                _index(s, row, org.name if org else "")
                audit(s, actor, AuditAction.UPDATE, KIND, row.id, "fields=" + ",".join(changed))
                return _record(row, org.name if org else "")
        except StaleDataError as exc:
            raise StaleEdit(_("個人の記録")) from exc

    # ---- the 個人 list (「すべて表示」 of the search box, 団体 → 個人の一覧) ----------------------------
    def _list_statement(self, text: str) -> Select:
        stmt = select(Person)
        if text.strip():  # the records the search box counts for these words (name, kana, 所属)
            stmt = stmt.where(Person.id.in_(search_index.matching_refs(self.db.engine.dialect.name, KIND, text)))
        return stmt

    def count(self, actor: Actor, text: str = "") -> int:
        require(actor, Permission.PERSON_VIEW)
        with self.db.read() as s:
            ids = self._list_statement(text).with_only_columns(Person.id)  # counted by id
            return int(s.scalar(select(func.count()).select_from(ids.subquery())) or 0)

    def page(self, actor: Actor, text: str = "", *, offset: int = 0, limit: int = 100) -> list[PersonRecord]:
        """One page of people in kana order (then id: pages never overlap), with their 所属; the ids
        shown are audited, never the words."""
        require(actor, Permission.PERSON_VIEW)
        stmt = self._list_statement(text).order_by(Person.name_kana, Person.id).offset(max(0, offset)).limit(limit)
        with self.db.read() as s:
            rows = list(s.scalars(stmt))
            orgs = _org_names(s, rows)
            records = [_record(r, orgs.get(r.organization_id, "")) for r in rows]
        audit_shown(self.db, actor, AuditAction.LIST, KIND, [r.id for r in records], "list")
        return records

    def find(self, actor: Actor, text: str, *, limit: int = 50) -> list[PersonRecord]:
        """People whose name or kana contains *text* (the search index), best first."""
        require(actor, Permission.PERSON_VIEW)
        with self.db.read() as s:
            hits = search_index.search(s, text, kinds=[KIND], limit=limit)
            rows = {p.id: p for p in s.scalars(select(Person).where(Person.id.in_([h.ref_id for h in hits])))}
            orgs = _org_names(s, rows.values())
            records = [
                _record(rows[h.ref_id], orgs.get(rows[h.ref_id].organization_id, "")) for h in hits if h.ref_id in rows
            ]
        # the text searched for is often a name: only the ids found are recorded
        audit_shown(self.db, actor, AuditAction.SEARCH, KIND, [r.id for r in records], "find")
        return records

    def delete(self, actor: Actor, person_id: int, expected_version: int | None = None) -> None:
        """Remove the person (e.g. entered twice by mistake).  Consultations stay, without a person."""
        require(actor, Permission.PERSON_DELETE)
        with self.db.write() as s:
            row = s.get(Person, person_id)
            if row is None:
                raise NotFound(_("個人の記録が見つかりません。削除された可能性があります。"))
            if expected_version is not None and row.version != expected_version:
                raise StaleEdit(_("個人の記録"))
            unlinked = remove_person(s, row)
            audit(s, actor, AuditAction.DELETE, KIND, person_id, f"consultations_unlinked={unlinked}")


def _org_names(s, rows) -> dict[int | None, str]:
    ids = {r.organization_id for r in rows if r.organization_id}
    if not ids:
        return {}
    return dict(s.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())


def remove_person(s, row: Person) -> int:
    """Delete *row* and its search entry inside the caller's transaction; consultations that named
    the person keep their text but name nobody.  Returns how many consultations were unlinked."""
    unlinked = s.execute(
        update(Consultation)
        .where(Consultation.person_id == row.id)
        .values(person_id=None, version=Consultation.version + 1)  # an open editor's save is refused
        .execution_options(synchronize_session=False)
    ).rowcount
    search_index.remove_document(s, KIND, row.id)
    s.delete(row)
    s.flush()
    return int(unlinked or 0)
