"""Reservations of devices for a future period, availability and the per-device calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Device, DeviceModel, Loan, LoanItem, Reservation, ReservationItem
from kyodo_desk.db.models import Organization
from kyodo_desk.domain.calendar import ClosedCalendar
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.lending import Period
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError, Validator, normalize_phone
from kyodo_desk.i18n import _
from kyodo_desk.services.availability import device_conflict, load_bookings, lock_devices
from kyodo_desk.services.base import Actor, NotFound, ServiceError, StaleEdit, audit, audit_shown, require
from kyodo_desk.services.calendar import CalendarService
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.inventory import DeviceRecord, device_record


@dataclass(frozen=True)
class ReservationRecord:
    id: int
    organization_id: int
    organization_name: str
    start_on: dt.date
    end_on: dt.date
    purpose: str
    contact_name: str
    contact_phone: str
    status: str
    device_tags: tuple[str, ...]
    device_ids: tuple[int, ...]


@dataclass(frozen=True)
class Availability:
    device: DeviceRecord
    available: bool
    reason: str


@dataclass(frozen=True)
class CalendarEntry:
    device_tag: str
    kind: str  # "loan" or "reservation"
    start: dt.date
    end: dt.date
    organization_name: str
    reference: str


def closed_day_problems(calendar: ClosedCalendar, start: dt.date, end: dt.date) -> dict[str, str]:
    """Pick-up and return happen at the center's counter, so neither may fall on a closed day — the
    same rule and wording as a loan's 返却予定日 (services/loans.py), with the next open day offered."""
    out = {}
    for key, label, day in (("start_on", _("開始日"), start), ("end_on", _("終了日"), end)):
        if calendar.is_closed(day):
            out[key] = _("「{field}」{day} は休館日です。{next} はいかがですか。").format(
                field=label, day=day.strftime("%m/%d"), next=calendar.next_open_day(day).strftime("%m/%d")
            )
    return out


@conflict_retrying
class ReservationService:
    def __init__(self, db: Database, settings, calendar: CalendarService | None = None):
        self.db = db
        self.settings = settings
        # the closed-days calendar (settings + the closed_day table): the container passes only
        # settings, and CalendarService is a thin reader over the same two, so one is made here
        self.closed_days = calendar or CalendarService(db, settings)

    def availability(
        self, actor: Actor, start: dt.date, end: dt.date, organization_id: int | None = None, *, kind: str | None = None
    ) -> list[Availability]:
        """Every lendable device with whether it is free for *organization_id* in [start, end]."""
        require(actor, Permission.LENDING_OPERATE)
        buffer_days, today, period = self.settings.get().lending_buffer_days, dt.date.today(), Period(start, end)
        with self.db.read() as s:
            stmt = (
                select(Device, DeviceModel)
                .join(DeviceModel, DeviceModel.id == Device.model_id)
                .where(Device.state.not_in(["retired", "lost"]))
                .order_by(Device.asset_tag)
            )
            if kind:
                stmt = stmt.where(DeviceModel.kind == kind)
            rows = s.execute(stmt).all()
            bookings = load_bookings(s, None)  # every device's loans and reservations: two queries
            out = []
            for d, m in rows:
                reason = device_conflict(
                    s,
                    d,
                    period,
                    organization_id=organization_id,
                    buffer_days=buffer_days,
                    today=today,
                    same_org_reservation_ok=False,
                    bookings=bookings,
                )
                out.append(Availability(device_record(d, m), reason is None, reason or ""))
            return out

    def create(
        self,
        actor: Actor,
        organization_id: int,
        start: dt.date,
        end: dt.date,
        device_ids: list[int],
        *,
        purpose: str = "",
        contact_name: str = "",
        contact_phone: str = "",
        request_key: str | None = None,
    ) -> ReservationRecord:
        """*request_key* (a UUID4 the form made): a retry after a lost connection whose first try
        was stored returns that reservation instead of refusing (its devices are booked by it) or
        booking twice."""
        require(actor, Permission.LENDING_OPERATE)
        v = Validator()
        if end < start:
            v.add("end_on", _("「終了日」は開始日以降にしてください。"))
        if start < dt.date.today():
            v.add("start_on", _("「開始日」は今日以降にしてください。"))
        if not device_ids:
            v.add("device_ids", _("予約する機器を1台以上選んでください。"))
        if end >= start >= dt.date.today():
            for key, text in closed_day_problems(self.closed_days.calendar(), start, end).items():
                v.add(key, text)
        v.phone("contact_phone", _("連絡先"), contact_phone)
        v.raise_if_any()
        buffer_days, today = self.settings.get().lending_buffer_days, dt.date.today()
        with self.db.write() as s:
            if request_key:
                done = s.scalar(select(Reservation).where(Reservation.request_key == request_key))
                if done is not None:
                    return self._record(s, done)
            if s.get(Organization, organization_id) is None:
                raise ValidationError({"organization_id": _("「予約する団体」を選んでください。")})
            devices = lock_devices(s, device_ids)
            bookings = load_bookings(s, [d.id for d in devices])
            problems = [
                r
                for d in devices
                if (
                    r := device_conflict(
                        s,
                        d,
                        Period(start, end),
                        organization_id=organization_id,
                        buffer_days=buffer_days,
                        today=today,
                        same_org_reservation_ok=False,
                        bookings=bookings,
                    )
                )
            ]
            if problems:
                raise ServiceError(_("予約できません。") + "\n" + "\n".join(problems))
            row = Reservation(
                organization_id=organization_id,
                start_on=start,
                end_on=end,
                purpose=purpose.strip(),
                contact_name=contact_name.strip(),
                contact_phone=normalize_phone(contact_phone) or "" if contact_phone else "",
                status="active",
                staff_id=actor.staff_id,
                request_key=request_key or None,
            )
            s.add(row)
            s.flush()
            for d in devices:
                s.add(ReservationItem(reservation_id=row.id, device_id=d.id))
            audit(s, actor, AuditAction.CREATE, "reservation", row.id, f"devices={len(devices)}")
            s.flush()
            return self._record(s, row)

    def cancel(self, actor: Actor, reservation_id: int) -> None:
        """Cancel a reservation the desk listed as active.  One another desk has meanwhile handed
        over (picked up) or cancelled is refused (StaleEdit), never marked cancelled over it."""
        require(actor, Permission.LENDING_OPERATE)
        try:
            with self.db.write() as s:
                row = s.get(Reservation, reservation_id)
                if row is None:
                    raise NotFound(_("予約が見つかりません。"))
                if row.status != "active":
                    raise StaleEdit(_("予約"))
                row.status = "cancelled"
                s.flush()
                audit(s, actor, AuditAction.UPDATE, "reservation", row.id, "cancel")
        except StaleDataError as exc:  # picked up at another desk between the read and the write
            raise StaleEdit(_("予約")) from exc

    def active(self, actor: Actor, *, organization_id: int | None = None) -> list[ReservationRecord]:
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            stmt = select(Reservation).where(Reservation.status == "active").order_by(Reservation.start_on)
            if organization_id is not None:
                stmt = stmt.where(Reservation.organization_id == organization_id)
            records = self._records(s, list(s.scalars(stmt)))
        # contact name and phone: one audit row for the list shown
        audit_shown(self.db, actor, AuditAction.LIST, "reservation", [r.id for r in records], "active")
        return records

    def calendar(self, actor: Actor, start: dt.date, end: dt.date) -> list[CalendarEntry]:
        """Loans and active reservations overlapping [start, end], per device (for the calendar view)."""
        require(actor, Permission.LENDING_OPERATE)
        today = dt.date.today()
        out = []
        with self.db.read() as s:
            for tag, loan_ref, out_at, due_on, returned_at, org in s.execute(
                select(
                    Device.asset_tag, Loan.reference, Loan.out_at, Loan.due_on, LoanItem.returned_at, Organization.name
                )
                .join(LoanItem, LoanItem.device_id == Device.id)
                .join(Loan, Loan.id == LoanItem.loan_id)
                .join(Organization, Organization.id == Loan.organization_id)
                .where(Loan.out_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
            ):
                last = returned_at.date() if returned_at else max(due_on, today)
                if last >= start:
                    out.append(CalendarEntry(tag, "loan", out_at.date(), last, org, loan_ref))
            for tag, res_id, s_on, e_on, org in s.execute(
                select(Device.asset_tag, Reservation.id, Reservation.start_on, Reservation.end_on, Organization.name)
                .join(ReservationItem, ReservationItem.device_id == Device.id)
                .join(Reservation, Reservation.id == ReservationItem.reservation_id)
                .join(Organization, Organization.id == Reservation.organization_id)
                .where(Reservation.status == "active", Reservation.start_on <= end, Reservation.end_on >= start)
            ):
                out.append(CalendarEntry(tag, "reservation", s_on, e_on, org, f"R{res_id}"))
        return sorted(out, key=lambda e: (e.device_tag, e.start))

    def _record(self, s, row: Reservation) -> ReservationRecord:
        return self._records(s, [row])[0]

    def _records(self, s, rows: list[Reservation]) -> list[ReservationRecord]:
        """Records of *rows* in two queries whatever their number."""
        if not rows:
            return []
        names = dict(
            s.execute(
                select(Organization.id, Organization.name).where(Organization.id.in_({r.organization_id for r in rows}))
            ).all()
        )
        devices: dict[int, list[tuple[int, str]]] = {r.id: [] for r in rows}
        for res_id, device_id, tag in s.execute(
            select(ReservationItem.reservation_id, Device.id, Device.asset_tag)
            .join(ReservationItem, ReservationItem.device_id == Device.id)
            .where(ReservationItem.reservation_id.in_(list(devices)))
            .order_by(ReservationItem.reservation_id, Device.asset_tag)
        ):
            devices[res_id].append((device_id, tag))
        return [
            ReservationRecord(
                row.id,
                row.organization_id,
                names.get(row.organization_id) or "",
                row.start_on,
                row.end_on,
                row.purpose,
                row.contact_name,
                row.contact_phone,
                row.status,
                tuple(t for _i, t in devices[row.id]),
                tuple(i for i, _t in devices[row.id]),
            )
            for row in rows
        ]
