"""What RegistrationService prints and publishes: the 登録証 and 登録通知書 of a registered group,
and the list of registered groups for the portal and the 広報誌 carrying only the fields each group
agreed to publish (PDF and CSV).  Each call writes a PRINT or EXPORT audit row with ids only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from kyodo_desk.db.models import Organization
from kyodo_desk.db.registration_models import Registration
from kyodo_desk.domain import registration as rules
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.registration import PUBLISH_FIELDS, RegStatus, StepPoint
from kyodo_desk.i18n import N_, _
from kyodo_desk.services import registration_settings as reg_settings
from kyodo_desk.services.base import Actor, NotFound, ServiceError, audit, require
from kyodo_desk.services.csv_export import to_csv_bytes
from kyodo_desk.services.organizations import organization_code

if TYPE_CHECKING:
    from kyodo_desk.db.engine import Database
    from kyodo_desk.documents.base import CenterInfo
    from kyodo_desk.documents.registration_docs import CertificateData, PublicationTable
    from kyodo_desk.services.settings import SettingsService

PUBLICATION_TITLE = N_("「協働をすすめる市民団体」登録団体一覧")


@dataclass(frozen=True)
class PublicationEntry:
    """One group of the publication list: only the fields it agreed to publish are in *values*."""

    organization_id: int
    number: str
    values: tuple[tuple[str, str], ...]  # (field code, value), in the 登録申請書's order

    def value(self, code: str) -> str | None:
        return dict(self.values).get(code)


def _field_value(code: str, org: Organization, reg: Registration) -> str:
    if code == "name":
        return org.name
    if code == "representative":
        return org.representative_name
    if code == "address":
        return " ".join(x for x in (f"〒{org.postal_code}" if org.postal_code else "", org.address) if x)
    if code == "phone":
        return org.phone
    if code == "email":
        return org.email
    if code == "website":
        return reg.website
    if code == "activity":
        return reg.activity
    if code == "activity_area":
        return reg.activity_area
    raise KeyError(code)


class RegistrationDocumentsMixin:
    """Mixed into RegistrationService (which provides ``db`` and the settings service)."""

    db: Database
    center_settings: SettingsService

    def _points(self, s: Session, until: dt.date) -> dict[int, list[StepPoint]]:
        raise NotImplementedError  # RegistrationService's

    def _center(self) -> CenterInfo:
        return _base().CenterInfo.from_settings(self.center_settings.get())

    # ---- 登録証 / 登録通知書 --------------------------------------------------------------
    def _certificate_data(self, org_id: int, issued: dt.date) -> CertificateData:
        with self.db.read() as s:
            org = s.get(Organization, org_id)
            if org is None:
                raise NotFound(_("団体(番号 {code})が見つかりません。").format(code=organization_code(org_id)))
            reg = s.scalar(select(Registration).where(Registration.organization_id == org_id))
            if reg is None or reg.status != RegStatus.REGISTERED.value or not reg.number or not reg.registered_on:
                raise ServiceError(
                    _("{name} は登録中ではありません。登録証と登録通知書は登録中の団体だけに出せます。").format(
                        name=org.name
                    )
                )
            return _docs().CertificateData(
                number=reg.number,
                organization_name=org.name,
                representative_name=org.representative_name,
                registered_on=reg.registered_on,
                valid_until=reg.expires_on,
                issued=issued,
                postal_code=org.postal_code or "",
                address=org.address or "",
            )

    def _printed(self, actor: Actor, org_id: int, what: str) -> None:
        with self.db.write() as s:
            audit(s, actor, AuditAction.PRINT, "registration", org_id, what)

    def certificate_pdf(self, actor: Actor, org_id: int, issued: dt.date | None = None) -> bytes:
        """登録証 of the group's current registration."""
        require(actor, Permission.PRINT)
        data = self._certificate_data(org_id, issued or dt.date.today())
        pdf = _docs().build_certificate(data, self._center())
        self._printed(actor, org_id, "certificate")
        return pdf

    def notice_pdf(self, actor: Actor, org_id: int, issued: dt.date | None = None) -> bytes:
        """登録通知書 of the group's current registration."""
        require(actor, Permission.PRINT)
        data = self._certificate_data(org_id, issued or dt.date.today())
        pdf = _docs().build_notice(data, self._center())
        self._printed(actor, org_id, "notice")
        return pdf

    # ---- publication list ------------------------------------------------------------
    def _entries(self, on: dt.date) -> list[PublicationEntry]:
        with self.db.read() as s:
            conf = reg_settings.load(s)
            points = self._points(s, on)
            ids = [
                oid
                for oid, steps in points.items()
                if rules.in_force_on(steps, on, auto_lapse=conf.auto_lapse, grace_days=conf.grace_days)
            ]
            rows = s.execute(
                select(Organization, Registration)
                .join(Registration, Registration.organization_id == Organization.id)
                .where(Organization.id.in_(ids))
                .order_by(Organization.name_kana, Organization.name, Organization.id)
            ).all()
            entries = []
            for org, reg in rows:
                consented = [c for c in reg.publish_fields.split(",") if c]
                if "name" not in consented:  # a group that keeps even its name private is not listed
                    continue
                values = tuple(
                    (code, _field_value(code, org, reg)) for code, _label in PUBLISH_FIELDS if code in consented
                )
                entries.append(PublicationEntry(org.id, reg.number or "", values))
            return entries

    def publication_list(self, actor: Actor, on: dt.date) -> list[PublicationEntry]:
        """Registered groups in force on *on* that agreed to publish their name, with their consented fields."""
        require(actor, Permission.ORGANIZATION_VIEW)
        return self._entries(on)

    def _table(self, entries: list[PublicationEntry], on: dt.date) -> PublicationTable:
        codes = [code for code, _label in PUBLISH_FIELDS if any(e.value(code) is not None for e in entries)]
        codes = codes or ["name"]
        header = [_("登録番号")] + [_(label) for code, label in PUBLISH_FIELDS if code in codes]
        rows = [[e.number] + [e.value(code) or "" for code in codes] for e in entries]
        return _docs().PublicationTable(_(PUBLICATION_TITLE), on, header, rows)

    def publication_pdf(self, actor: Actor, on: dt.date) -> bytes:
        require(actor, Permission.PRINT)
        entries = self._entries(on)
        pdf = _docs().build_publication_list(self._table(entries, on), self._center())
        with self.db.write() as s:
            audit(
                s,
                actor,
                AuditAction.PRINT,
                "registration",
                None,
                f"publication n={len(entries)}",
                record_ids=[e.organization_id for e in entries],
            )
        return pdf

    def publication_csv(self, actor: Actor, on: dt.date) -> bytes:
        """The same list as CSV (UTF-8 with BOM, formula-safe); a cell is blank where not consented."""
        require(actor, Permission.ORGANIZATION_VIEW)
        entries = self._entries(on)
        table = self._table(entries, on)
        data = to_csv_bytes([list(table.header), *table.rows])
        with self.db.write() as s:
            audit(
                s,
                actor,
                AuditAction.EXPORT,
                "registration",
                None,
                f"publication csv n={len(entries)}",
                record_ids=[e.organization_id for e in entries],
            )
        return data


def _docs():
    """ReportLab (~250 ms to import) is loaded when a 登録証 or list is first printed, not when the
    registration service is first used (the home page counts registered groups at start)."""
    from kyodo_desk.documents import registration_docs

    return registration_docs


def _base():
    from kyodo_desk.documents import base

    return base
