"""Organizations (団体): the registry every other feature links to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db import search as search_index
from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Organization, now
from kyodo_desk.domain.enums import AuditAction, OrganizationKind, RegistrationStatus
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.text import clean_keep_width, fold, normalize_kana
from kyodo_desk.domain.validation import Validator, normalize_email, normalize_phone, normalize_postal_code
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, StaleEdit, audit, audit_shown, require
from kyodo_desk.services.conflict_retry import conflict_retrying

KIND = "organization"
CODE_PREFIX = "ORG-"


def organization_code(org_id: int) -> str:
    """The number printed on cards and forms, e.g. ``ORG-00042`` (scannable)."""
    return f"{CODE_PREFIX}{org_id:05d}"


@dataclass(frozen=True)
class OrganizationInput:
    """What the form sends.  Strings as typed; the service trims and normalises them."""

    kind: str = OrganizationKind.CITIZEN_GROUP.value
    name: str = ""
    name_kana: str = ""
    representative_name: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    postal_code: str = ""
    address: str = ""
    notes: str = ""
    active: bool = True


@dataclass(frozen=True)
class OrganizationRecord(OrganizationInput):
    id: int = 0
    version: int = 0
    # 「協働をすすめる市民団体」: read-only here, changed only by the steps of services/registration.py
    registration_status: str = RegistrationStatus.NONE.value
    registered_on: dt.date | None = None
    registration_renewed_on: dt.date | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def code(self) -> str:
        return organization_code(self.id)

    @property
    def kind_label(self) -> str:
        return OrganizationKind(self.kind).label()

    @property
    def registration_label(self) -> str:
        return RegistrationStatus(self.registration_status).label()

    def as_input(self) -> OrganizationInput:
        return OrganizationInput(**{f.name: getattr(self, f.name) for f in fields(OrganizationInput)})


@dataclass(frozen=True)
class OrganizationFilter:
    text: str = ""
    kind: str | None = None
    registration_status: str | None = None
    include_inactive: bool = False


SORT_COLUMNS = {
    "code": Organization.id,
    "name": Organization.name_kana,
    "kind": Organization.kind,
    "registration": Organization.registration_status,
    "representative": Organization.representative_name,
    "phone": Organization.phone,
    "updated": Organization.updated_at,
}

_INPUT_FIELDS = [f.name for f in fields(OrganizationInput)]


def _to_record(row: Organization) -> OrganizationRecord:
    return OrganizationRecord(
        **{name: getattr(row, name) for name in _INPUT_FIELDS},
        id=row.id,
        version=row.version,
        registration_status=row.registration_status,
        registered_on=row.registered_on,
        registration_renewed_on=row.registration_renewed_on,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def validate(data: OrganizationInput) -> OrganizationInput:
    """Check *data*; return it cleaned (trimmed, phone/postal code normalised)."""
    v = Validator()
    name = clean_keep_width(data.name)
    kana = clean_keep_width(data.name_kana)
    v.required("name", _("団体名"), name)
    v.max_length("name", _("団体名"), name, 200)
    v.kana("name_kana", _("団体名(カナ)"), kana)
    v.max_length("name_kana", _("団体名(カナ)"), kana, 200)
    if data.kind not in {k.value for k in OrganizationKind}:
        v.add("kind", _("「種別」を一覧から選んでください。"))
    v.phone("phone", _("電話番号"), data.phone)
    v.email("email", _("メールアドレス"), data.email)
    v.postal_code("postal_code", _("郵便番号"), data.postal_code)
    v.max_length("address", _("住所"), data.address, 300)
    v.max_length("representative_name", _("代表者"), data.representative_name, 100)
    v.max_length("contact_name", _("担当者"), data.contact_name, 100)
    v.raise_if_any()
    return OrganizationInput(
        kind=data.kind,
        name=name,
        name_kana=normalize_kana(kana),
        representative_name=clean_keep_width(data.representative_name),
        contact_name=clean_keep_width(data.contact_name),
        phone=(normalize_phone(data.phone) or "") if data.phone.strip() else "",
        email=normalize_email(data.email),
        postal_code=(normalize_postal_code(data.postal_code) or "") if data.postal_code.strip() else "",
        address=clean_keep_width(data.address),
        notes=data.notes.strip(),
        active=data.active,
    )


def _index(session: Session, row: Organization) -> None:
    search_index.index_document(
        session,
        KIND,
        row.id,
        title=row.name,
        subtitle=OrganizationKind(row.kind).label(),
        code=organization_code(row.id),
        texts=(row.name_kana, row.representative_name, row.contact_name, row.address, row.phone),
    )


index_organization = _index  # the spreadsheet import (services/imports/) writes in its own transaction


def _changed_fields(row: Organization, data: OrganizationInput) -> list[str]:
    return [name for name in _INPUT_FIELDS if getattr(row, name) != getattr(data, name)]


@conflict_retrying
class OrganizationService:
    def __init__(self, db: Database):
        self.db = db

    # ---- reading --------------------------------------------------------------------
    def _filtered(self, flt: OrganizationFilter) -> Select:
        stmt = select(Organization)
        if not flt.include_inactive:
            stmt = stmt.where(Organization.active.is_(True))
        if flt.kind:
            stmt = stmt.where(Organization.kind == flt.kind)
        if flt.registration_status:
            stmt = stmt.where(Organization.registration_status == flt.registration_status)
        if flt.text.strip():
            code = fold(flt.text.strip()).upper()
            if code.startswith(CODE_PREFIX) and code[len(CODE_PREFIX) :].isdigit():
                # a code (typed or scanned: ORG-00012) is that organization; the full-text index would
                # match the digits in every record's text (0.8–1.3 s on ten years of data)
                return stmt.where(Organization.id == int(code[len(CODE_PREFIX) :]))
            ids = search_index.matching_refs(self.db.engine.dialect.name, KIND, flt.text)  # full-text index
            stmt = stmt.where(Organization.id.in_(ids))
        return stmt

    def count(self, actor: Actor, flt: OrganizationFilter = OrganizationFilter()) -> int:
        require(actor, Permission.ORGANIZATION_VIEW)
        with self.db.read() as s:
            return s.scalar(select(func.count()).select_from(self._filtered(flt).subquery())) or 0

    def page(
        self,
        actor: Actor,
        flt: OrganizationFilter = OrganizationFilter(),
        *,
        offset: int = 0,
        limit: int = 200,
        sort: str = "name",
        descending: bool = False,
    ) -> list[OrganizationRecord]:
        """One page of the list, sorted; the UI's lazy table model asks for pages as it scrolls."""
        require(actor, Permission.ORGANIZATION_VIEW)
        columns = [SORT_COLUMNS.get(sort, Organization.name_kana)]
        if sort == "name":  # rows without a reading still sort by their name
            columns.append(Organization.name)
        columns.append(Organization.id)
        order = [c.desc() if descending else c.asc() for c in columns]
        with self.db.read() as s:
            rows = s.scalars(self._filtered(flt).order_by(*order).offset(offset).limit(limit)).all()
            records = [_to_record(r) for r in rows]
        # contact names, phones and addresses: one audit row per page shown, ids only
        audit_shown(self.db, actor, AuditAction.LIST, KIND, [r.id for r in records], f"list offset={int(offset)}")
        return records

    def get(self, actor: Actor, org_id: int) -> OrganizationRecord:
        require(actor, Permission.ORGANIZATION_VIEW)
        with self.db.read() as s:
            row = s.get(Organization, org_id)
            if row is None:
                raise NotFound(
                    _("団体(番号 {code})が見つかりません。削除された可能性があります。").format(
                        code=organization_code(org_id)
                    )
                )
            record = _to_record(row)
        audit_shown(self.db, actor, AuditAction.VIEW, KIND, [], entity_id=record.id)
        return record

    def find_similar(self, actor: Actor, name: str, *, exclude_id: int | None = None) -> list[OrganizationRecord]:
        """Organizations whose folded name equals *name*'s — shown as a duplicate warning."""
        require(actor, Permission.ORGANIZATION_VIEW)
        key = fold(name)
        if not key:
            return []
        from kyodo_desk.db.models import SearchDocument

        with self.db.read() as s:
            ids = s.scalars(
                select(SearchDocument.ref_id)
                .where(
                    SearchDocument.kind == KIND,
                    SearchDocument.text.like(search_index.like_pattern(key)[1:], escape="\\"),
                )
                .limit(20)
            ).all()
            rows = s.scalars(select(Organization).where(Organization.id.in_(ids))).all()
            records = [_to_record(r) for r in rows if fold(r.name) == key and r.id != exclude_id][:5]
        if records:
            audit_shown(self.db, actor, AuditAction.LIST, KIND, [r.id for r in records], "similar")
        return records

    # ---- writing --------------------------------------------------------------------
    def create(self, actor: Actor, data: OrganizationInput, *, request_key: str | None = None) -> OrganizationRecord:
        """*request_key* (a UUID4 the form made): a retry after a lost connection whose first try
        was stored returns that organization instead of a second one."""
        require(actor, Permission.ORGANIZATION_EDIT)
        clean = validate(data)
        with self.db.write() as s:
            if request_key:
                done = s.scalar(select(Organization).where(Organization.request_key == request_key))
                if done is not None:
                    return _to_record(done)
            row = Organization(
                **{name: getattr(clean, name) for name in _INPUT_FIELDS}, request_key=request_key or None
            )
            s.add(row)
            s.flush()
            _index(s, row)
            audit(s, actor, AuditAction.CREATE, KIND, row.id)
            s.flush()
            return _to_record(row)

    def update(self, actor: Actor, org_id: int, expected_version: int, data: OrganizationInput) -> OrganizationRecord:
        """Save an edit made on the version the user loaded; refuse if another desk saved since."""
        require(actor, Permission.ORGANIZATION_EDIT)
        clean = validate(data)
        try:
            with self.db.write() as s:
                row = s.get(Organization, org_id)
                if row is None:
                    raise NotFound(
                        _("団体(番号 {code})が見つかりません。削除された可能性があります。").format(
                            code=organization_code(org_id)
                        )
                    )
                if row.version != expected_version:
                    raise StaleEdit(_("団体"))
                changed = _changed_fields(row, clean)
                if not changed:
                    return _to_record(row)
                if "active" in changed and not clean.active:  # retiring a record is a delete
                    require(actor, Permission.ORGANIZATION_DELETE)
                for name in changed:
                    setattr(row, name, getattr(clean, name))
                row.updated_at = now()
                s.flush()
                _index(s, row)
                audit(s, actor, AuditAction.UPDATE, KIND, row.id, "fields=" + ",".join(changed))
                s.flush()
                return _to_record(row)
        except StaleDataError as exc:  # the UPDATE ... WHERE version=? matched nothing
            raise StaleEdit(_("団体")) from exc

    def kinds_summary(self, actor: Actor) -> dict[str, int]:
        """Active organizations by kind (for the home page and the plan's targets)."""
        require(actor, Permission.ORGANIZATION_VIEW)
        with self.db.read() as s:
            rows = s.execute(
                select(Organization.kind, func.count()).where(Organization.active.is_(True)).group_by(Organization.kind)
            ).all()
            return dict(rows)

    def registered_count(self, actor: Actor) -> int:
        """「協働をすすめる市民団体」 currently registered (the cached status; counts at a date and per
        fiscal year are services.registration's)."""
        require(actor, Permission.ORGANIZATION_VIEW)
        with self.db.read() as s:
            return (
                s.scalar(
                    select(func.count())
                    .select_from(Organization)
                    .where(
                        Organization.registration_status == RegistrationStatus.REGISTERED.value,
                        Organization.active.is_(True),
                    )
                )
                or 0
            )
