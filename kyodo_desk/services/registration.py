"""「協働をすすめる市民団体」 registration: the steps of the scheme, each recorded with who and when,
the count of registered groups at any date, renewals due, and publication consent.

The rules (which step may follow which, dates, reasons, documents) are domain/registration.py;
this module stores them.  Every step also updates the organization's cached registration columns
(registration_status, registered_on, registration_renewed_on) with a plain UPDATE that leaves the
organization's edit version alone, so a group's open edit dialog is not made stale by a step.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db.consultation_models import ReferenceCounter
from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import Organization, Staff, now
from kyodo_desk.db.registration_models import Registration, RegistrationStep
from kyodo_desk.domain import registration as rules
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.registration import PUBLISH_CODES, RegistrationRefused, RegStatus, Step, StepPoint
from kyodo_desk.domain.validation import ValidationError, Validator
from kyodo_desk.i18n import _
from kyodo_desk.services import registration_settings as reg_settings
from kyodo_desk.services.base import Actor, NotFound, ServiceError, StaleEdit, audit, no_permission_needed, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.organizations import organization_code
from kyodo_desk.services.registration_documents import RegistrationDocumentsMixin
from kyodo_desk.services.registration_settings import RegistrationSettings
from kyodo_desk.services.settings import SettingsService

KIND = "registration"
COUNTER_PREFIX = "REG"


class StepRefused(ServiceError):
    """A step the registration's state does not allow (the message says which steps are possible)."""


@dataclass(frozen=True)
class RegistrationDetails:
    """What the 登録申請書 asks beyond the organization record (a 変更届 changes them)."""

    activity: str = ""
    activity_area: str = ""
    website: str = ""


@dataclass(frozen=True)
class StepInput:
    """One step as the small dialog sends it."""

    step: str
    on_date: dt.date | None
    reason: str = ""
    documents: tuple[str, ...] = ()
    details: RegistrationDetails | None = None  # 申請受付 and 変更届 may bring new details


@dataclass(frozen=True)
class StepRecord:
    id: int
    step: str
    on_date: dt.date
    status_after: str
    number: str | None
    valid_until: dt.date | None
    reason: str
    documents: tuple[str, ...]
    staff_name: str
    recorded_at: dt.datetime

    @property
    def step_label(self) -> str:
        return Step(self.step).label()

    @property
    def status_label(self) -> str:
        return RegStatus(self.status_after).label()


@dataclass(frozen=True)
class RegistrationRecord:
    organization_id: int
    organization_name: str
    status: str = RegStatus.NONE.value
    number: str | None = None
    applied_on: dt.date | None = None
    registered_on: dt.date | None = None
    renewed_on: dt.date | None = None
    expires_on: dt.date | None = None
    ended_on: dt.date | None = None
    details: RegistrationDetails = RegistrationDetails()
    publish_fields: tuple[str, ...] = ()
    version: int = 0  # 0: no registration row yet
    history: tuple[StepRecord, ...] = ()
    allowed_steps: tuple[str, ...] = field(default_factory=tuple)

    @property
    def status_label(self) -> str:
        return RegStatus(self.status).label()

    @property
    def in_force(self) -> bool:
        return self.status == RegStatus.REGISTERED.value

    @property
    def code(self) -> str:
        return organization_code(self.organization_id)


@dataclass(frozen=True)
class RenewalDue:
    organization_id: int
    organization_name: str
    due_on: dt.date
    number: str | None


def _csv(values: Sequence[str]) -> str:
    return ("," + ",".join(values) + ",") if values else ""


def _uncsv(text: str | None) -> tuple[str, ...]:
    return tuple(v for v in (text or "").split(",") if v)


def _not_found(org_id: int) -> NotFound:
    return NotFound(
        _("団体(番号 {code})が見つかりません。削除された可能性があります。").format(code=organization_code(org_id))
    )


def _check_details(details: RegistrationDetails) -> RegistrationDetails:
    v = Validator()
    v.max_length("activity", _("活動の目的と内容"), details.activity, 2000)
    v.max_length("activity_area", _("活動の場所"), details.activity_area, 300)
    v.max_length("website", _("ホームページ・SNS"), details.website, 300)
    v.raise_if_any()
    return RegistrationDetails(details.activity.strip(), details.activity_area.strip(), details.website.strip())


@conflict_retrying
class RegistrationService(RegistrationDocumentsMixin):
    def __init__(self, db: Database, center_settings: SettingsService):
        self.db = db
        self.center_settings = center_settings

    # ---- settings ---------------------------------------------------------------------
    @no_permission_needed("the scheme's rules (documents to check, number pattern, renewal period); no personal data")
    def settings(self) -> RegistrationSettings:
        with self.db.read() as s:
            return reg_settings.load(s)

    def update_settings(self, actor: Actor, new: RegistrationSettings) -> RegistrationSettings:
        require(actor, Permission.SETTINGS_EDIT)
        clean = reg_settings.validate(new)
        with self.db.write() as s:
            changed = reg_settings.store(s, clean, actor.staff_id)
            if changed:
                audit(s, actor, AuditAction.UPDATE, "setting", None, "registration fields=" + ",".join(changed))
        return clean

    # ---- reading ----------------------------------------------------------------------
    def get(self, actor: Actor, org_id: int) -> RegistrationRecord:
        """The organization's registration with its whole history and the steps possible now."""
        require(actor, Permission.ORGANIZATION_VIEW)
        with self.db.read() as s:
            org = s.get(Organization, org_id)
            if org is None:
                raise _not_found(org_id)
            return self._record(s, org)

    def _record(self, s: Session, org: Organization) -> RegistrationRecord:
        reg = s.scalar(select(Registration).where(Registration.organization_id == org.id))
        if reg is None:
            return RegistrationRecord(
                org.id, org.name, allowed_steps=tuple(x.value for x in rules.allowed_steps(RegStatus.NONE))
            )
        rows = s.execute(
            select(RegistrationStep, Staff.display_name)
            .outerjoin(Staff, Staff.id == RegistrationStep.staff_id)
            .where(RegistrationStep.registration_id == reg.id)
            .order_by(RegistrationStep.on_date, RegistrationStep.id)
        ).all()
        history = tuple(
            StepRecord(
                id=st.id,
                step=st.step,
                on_date=st.on_date,
                status_after=st.status_after,
                number=st.number,
                valid_until=st.valid_until,
                reason=st.reason,
                documents=_uncsv(st.documents),
                staff_name=name or st.actor or "",
                recorded_at=st.recorded_at,
            )
            for st, name in rows
        )
        return RegistrationRecord(
            organization_id=org.id,
            organization_name=org.name,
            status=reg.status,
            number=reg.number,
            applied_on=reg.applied_on,
            registered_on=reg.registered_on,
            renewed_on=reg.renewed_on,
            expires_on=reg.expires_on,
            ended_on=reg.ended_on,
            details=RegistrationDetails(reg.activity, reg.activity_area, reg.website),
            publish_fields=_uncsv(reg.publish_fields),
            version=reg.version,
            history=history,
            allowed_steps=tuple(x.value for x in rules.allowed_steps(reg.status)),
        )

    # ---- counting ---------------------------------------------------------------------
    def _points(self, s: Session, until: dt.date) -> dict[int, list[StepPoint]]:
        rows = s.execute(
            select(
                RegistrationStep.organization_id,
                RegistrationStep.on_date,
                RegistrationStep.status_after,
                RegistrationStep.valid_until,
            )
            .where(RegistrationStep.on_date <= until)
            .order_by(RegistrationStep.organization_id, RegistrationStep.on_date, RegistrationStep.id)
        ).all()
        points: dict[int, list[StepPoint]] = defaultdict(list)  # by organization (one registration each)
        for org_id, on_date, status, valid in rows:
            points[org_id].append(StepPoint(on_date, status, valid))
        return points

    def _count(self, points: dict[int, list[StepPoint]], day: dt.date, conf: RegistrationSettings) -> int:
        return sum(
            1
            for steps in points.values()
            if rules.in_force_on(steps, day, auto_lapse=conf.auto_lapse, grace_days=conf.grace_days)
        )

    @no_permission_needed("the number of registered groups on a day — a published figure of the city's plan")
    def registered_count_at(self, on: dt.date) -> int:
        """Groups whose registration was in force on *on* (a lapse not yet recorded counts as one)."""
        with self.db.read() as s:
            conf = reg_settings.load(s)
            return self._count(self._points(s, on), on, conf)

    @no_permission_needed("numbers of registered groups per fiscal year — published figures of the city's plan")
    def registered_counts_by_fiscal_year(
        self, fiscal_years: Sequence[int], today: dt.date | None = None
    ) -> dict[int, int]:
        """The count at 31 March closing each fiscal year (FY2019 → 2020-03-31); for the fiscal year
        in progress, the count *today* (a closing day still ahead would count renewals not yet due
        as lapsed)."""
        years = sorted({int(y) for y in fiscal_years})
        if not years:
            return {}
        today = today or dt.date.today()
        closing = {fy: min(dt.date(fy + 1, 3, 31), today) for fy in years}
        with self.db.read() as s:
            conf = reg_settings.load(s)
            points = self._points(s, max(closing.values()))
        return {fy: self._count(points, day, conf) for fy, day in closing.items()}

    def due_for_renewal(self, actor: Actor, today: dt.date, within_days: int = 30) -> list[RenewalDue]:
        """Registrations whose renewal is due by *today* + *within_days* (overdue ones too), soonest first."""
        require(actor, Permission.ORGANIZATION_VIEW)
        horizon = today + dt.timedelta(days=max(0, int(within_days)))
        with self.db.read() as s:
            rows = s.execute(
                select(Registration.organization_id, Organization.name, Registration.expires_on, Registration.number)
                .join(Organization, Organization.id == Registration.organization_id)
                .where(
                    Registration.status == RegStatus.REGISTERED.value,
                    Registration.expires_on.is_not(None),
                    Registration.expires_on <= horizon,
                )
                .order_by(Registration.expires_on, Organization.name_kana, Registration.organization_id)
            ).all()
        return [RenewalDue(oid, name, due, number) for oid, name, due, number in rows if due is not None]

    # ---- steps ------------------------------------------------------------------------
    def record_step(
        self,
        actor: Actor,
        org_id: int,
        data: StepInput,
        *,
        expected_version: int | None = None,
        today: dt.date | None = None,
    ) -> RegistrationRecord:
        """Record one step (申請受付, 審査, 登録, 更新, 変更届, 失効, 取下げ, 登録取消) after checking
        that the registration's state allows it; refuses a stale step (another desk went first)."""
        require(actor, Permission.REGISTRATION_EDIT)
        try:
            step = Step(data.step)
        except ValueError as exc:
            raise StepRefused(_("手続きの種類が正しくありません。")) from exc
        if step == Step.CANCEL:
            require(actor, Permission.REGISTRATION_CANCEL)
        today = today or dt.date.today()
        try:
            with self.db.write() as s:
                org = s.get(Organization, org_id)
                if org is None:
                    raise _not_found(org_id)
                conf = reg_settings.load(s)
                rules.validate_step(
                    step,
                    on=data.on_date,
                    today=today,
                    reason=data.reason,
                    documents_checked=data.documents,
                    documents_required=conf.documents,
                )
                details = _check_details(data.details) if data.details is not None else None
                assert data.on_date is not None
                reg = s.scalar(select(Registration).where(Registration.organization_id == org_id))
                if expected_version is not None and (reg.version if reg else 0) != expected_version:
                    raise StaleEdit(_("登録"))
                self._apply(s, actor, org, reg, step, data, details, conf)
                s.flush()
                return self._record(s, org)
        except RegistrationRefused as exc:
            raise StepRefused(str(exc)) from exc
        except StaleDataError as exc:
            raise StaleEdit(_("登録")) from exc

    def _apply(
        self,
        s: Session,
        actor: Actor,
        org: Organization,
        reg: Registration | None,
        step: Step,
        data: StepInput,
        details: RegistrationDetails | None,
        conf: RegistrationSettings,
    ) -> None:
        on = data.on_date
        assert on is not None
        if reg is None:
            reg = Registration(organization_id=org.id, status=RegStatus.NONE.value)
            s.add(reg)
            s.flush()
        last = s.scalar(
            select(RegistrationStep.on_date)
            .where(RegistrationStep.registration_id == reg.id)
            .order_by(RegistrationStep.on_date.desc(), RegistrationStep.id.desc())
            .limit(1)
        )
        after = rules.status_after(reg.status, step, last_date=last, on=on)
        number, until = None, None
        if step == Step.APPLY:
            reg.applied_on, reg.number, reg.registered_on, reg.renewed_on = on, None, None, None
            reg.expires_on, reg.ended_on = None, None
        elif step == Step.REGISTER:
            number = self._allocate_number(s, conf, on)
            until = rules.valid_until(on, conf.renewal_months)
            reg.number, reg.registered_on, reg.renewed_on, reg.expires_on = number, on, None, until
        elif step == Step.RENEW:
            # a renewal continues the period: from the old end when renewed early, from the day if late
            start = reg.expires_on + dt.timedelta(days=1) if reg.expires_on and on <= reg.expires_on else on
            until = rules.valid_until(start, conf.renewal_months)
            number, reg.renewed_on, reg.expires_on = reg.number, on, until
        elif step in (Step.LAPSE, Step.WITHDRAW, Step.CANCEL, Step.REJECT):
            reg.ended_on = on
        if details is not None and step in (Step.APPLY, Step.CHANGE):
            reg.activity, reg.activity_area, reg.website = details.activity, details.activity_area, details.website
        reg.status = after.value
        reg.updated_at = now()
        documents = tuple(d for d in data.documents if d) if step == Step.APPLY else ()
        s.add(
            RegistrationStep(
                registration_id=reg.id,
                organization_id=org.id,
                step=step.value,
                on_date=on,
                status_after=after.value,
                number=number if step in (Step.REGISTER, Step.RENEW) else None,
                valid_until=until,
                reason=data.reason.strip(),
                documents=_csv(documents),
                staff_id=actor.staff_id,
                actor=(actor.batch or "")[:80] if actor.staff_id is None else "",
            )
        )
        s.flush()
        self._cache(s, org.id, reg)
        audit(s, actor, AuditAction.UPDATE, KIND, org.id, f"step={step.value} status={after.value}")

    def _cache(self, s: Session, org_id: int, reg: Registration) -> None:
        """The organization's cached columns (a Core UPDATE: its edit version stays)."""
        s.execute(
            update(Organization)
            .where(Organization.id == org_id)
            .values(
                registration_status=reg.status,
                registered_on=reg.registered_on,
                registration_renewed_on=reg.renewed_on,
            )
            .execution_options(synchronize_session=False)
        )

    def _allocate_number(self, s: Session, conf: RegistrationSettings, on: dt.date) -> str:
        yearly = rules.counter_is_yearly(conf.number_pattern)
        fy = fiscal_year_of(on)
        key = fy if yearly else 0
        stmt = select(ReferenceCounter).where(
            ReferenceCounter.prefix == COUNTER_PREFIX, ReferenceCounter.fiscal_year == key
        )
        if s.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        counter = s.scalar(stmt)
        if counter is None:
            counter = ReferenceCounter(prefix=COUNTER_PREFIX, fiscal_year=key, last_value=0)
            s.add(counter)
        while True:  # a changed pattern may meet a number already given: skip to a free one
            counter.last_value += 1
            number = rules.format_number(conf.number_pattern, fy, counter.last_value)
            if s.scalar(select(Registration.id).where(Registration.number == number)) is None:
                break
        s.flush()
        return number

    # The named steps, for batch use and tests: each is record_step with that step.
    def apply(
        self,
        actor: Actor,
        org_id: int,
        on: dt.date,
        documents: Sequence[str],
        details: RegistrationDetails | None = None,
        reason: str = "",
    ) -> RegistrationRecord:
        return self.record_step(actor, org_id, StepInput(Step.APPLY.value, on, reason, tuple(documents), details))

    def review(self, actor: Actor, org_id: int, on: dt.date, approved: bool, reason: str = "") -> RegistrationRecord:
        step = Step.APPROVE if approved else Step.REJECT
        return self.record_step(actor, org_id, StepInput(step.value, on, reason))

    def register(self, actor: Actor, org_id: int, on: dt.date, reason: str = "") -> RegistrationRecord:
        return self.record_step(actor, org_id, StepInput(Step.REGISTER.value, on, reason))

    def renew(self, actor: Actor, org_id: int, on: dt.date, reason: str = "") -> RegistrationRecord:
        return self.record_step(actor, org_id, StepInput(Step.RENEW.value, on, reason))

    def update_details(
        self, actor: Actor, org_id: int, on: dt.date, reason: str, details: RegistrationDetails | None = None
    ) -> RegistrationRecord:
        return self.record_step(actor, org_id, StepInput(Step.CHANGE.value, on, reason, (), details))

    def withdraw(self, actor: Actor, org_id: int, on: dt.date, reason: str) -> RegistrationRecord:
        return self.record_step(actor, org_id, StepInput(Step.WITHDRAW.value, on, reason))

    def cancel(self, actor: Actor, org_id: int, on: dt.date, reason: str) -> RegistrationRecord:
        return self.record_step(actor, org_id, StepInput(Step.CANCEL.value, on, reason))

    def lapse_overdue(self, actor: Actor, today: dt.date) -> list[int]:
        """Record 失効 for every registration whose renewal is overdue (when the setting is on),
        dated the day after its period (and grace); returns the organizations lapsed."""
        require(actor, Permission.REGISTRATION_EDIT)
        with self.db.write() as s:
            conf = reg_settings.load(s)
            if not conf.auto_lapse:
                return []
            cutoff = today - dt.timedelta(days=conf.grace_days + 1)
            regs = s.scalars(
                select(Registration)
                .where(
                    Registration.status == RegStatus.REGISTERED.value,
                    Registration.expires_on.is_not(None),
                    Registration.expires_on <= cutoff,
                )
                .order_by(Registration.id)
            ).all()
            lapsed: list[int] = []
            for reg in regs:
                assert reg.expires_on is not None
                org = s.get(Organization, reg.organization_id)
                assert org is not None
                when = rules.lapse_date(reg.expires_on, conf.grace_days)
                reason = _("更新の期限({due})を過ぎたため、自動で失効しました。").format(due=reg.expires_on.isoformat())
                self._apply(s, actor, org, reg, Step.LAPSE, StepInput(Step.LAPSE.value, when, reason), None, conf)
                lapsed.append(org.id)
            return lapsed

    # ---- publication consent -----------------------------------------------------------
    def set_publish_fields(
        self, actor: Actor, org_id: int, codes: Sequence[str], *, expected_version: int | None = None
    ) -> RegistrationRecord:
        """Store which fields the group agreed to publish (from the 登録申請書's consent boxes)."""
        require(actor, Permission.REGISTRATION_EDIT)
        unknown = [c for c in codes if c not in PUBLISH_CODES]
        if unknown:
            raise ValidationError({"publish_fields": _("公開する項目が正しくありません。")})
        chosen = [c for c in PUBLISH_CODES if c in codes]
        try:
            with self.db.write() as s:
                org = s.get(Organization, org_id)
                if org is None:
                    raise _not_found(org_id)
                reg = s.scalar(select(Registration).where(Registration.organization_id == org_id))
                if expected_version is not None and (reg.version if reg else 0) != expected_version:
                    raise StaleEdit(_("登録"))
                if reg is None:
                    reg = Registration(organization_id=org.id, status=RegStatus.NONE.value)
                    s.add(reg)
                if _uncsv(reg.publish_fields) != tuple(chosen):
                    reg.publish_fields = _csv(chosen)
                    reg.updated_at = now()
                    s.flush()
                    audit(s, actor, AuditAction.UPDATE, KIND, org.id, "publish_fields=" + ",".join(chosen))
                s.flush()
                return self._record(s, org)
        except StaleDataError as exc:
            raise StaleEdit(_("登録")) from exc
