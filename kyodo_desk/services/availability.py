"""The ONE availability rule for devices.  Showing availability, accepting a reservation and
accepting a scan at checkout all call :func:`device_conflict`, so they can never disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kyodo_desk.db.lending_models import Device, Loan, LoanItem, Reservation, ReservationItem
from kyodo_desk.db.models import Organization
from kyodo_desk.domain.lending import DeviceState, Period
from kyodo_desk.i18n import _


def _md(day: dt.date) -> str:
    return f"{day.month}/{day.day}"


@dataclass(frozen=True)
class Bookings:
    """What occupies devices: open loans (loan id, out at, due on, borrower) and active reservations
    (reservation id, organization id, start, end, organization name), per device id."""

    loans: dict[int, list[tuple]] = field(default_factory=dict)
    reservations: dict[int, list[tuple]] = field(default_factory=dict)


def load_bookings(s: Session, device_ids: list[int] | None) -> Bookings:
    """Open loans and active reservations of *device_ids* (None: of every device) in two queries."""
    loans_q = (
        select(LoanItem.device_id, Loan.id, Loan.out_at, Loan.due_on, Organization.name)
        .join(Loan, LoanItem.loan_id == Loan.id)
        .join(Organization, Organization.id == Loan.organization_id)
        .where(LoanItem.returned_at.is_(None))
    )
    res_q = (
        select(
            ReservationItem.device_id,
            Reservation.id,
            Reservation.organization_id,
            Reservation.start_on,
            Reservation.end_on,
            Organization.name,
        )
        .join(Reservation, ReservationItem.reservation_id == Reservation.id)
        .join(Organization, Organization.id == Reservation.organization_id)
        .where(Reservation.status == "active")
    )
    if device_ids is not None:
        loans_q = loans_q.where(LoanItem.device_id.in_(device_ids))
        res_q = res_q.where(ReservationItem.device_id.in_(device_ids))
    bookings = Bookings()
    for device_id, *rest in s.execute(loans_q):
        bookings.loans.setdefault(device_id, []).append(tuple(rest))
    for device_id, *rest in s.execute(res_q):
        bookings.reservations.setdefault(device_id, []).append(tuple(rest))
    return bookings


def device_conflict(
    s: Session,
    device: Device,
    period: Period,
    *,
    organization_id: int | None,
    buffer_days: int,
    today: dt.date,
    exclude_loan_id: int | None = None,
    exclude_reservation_id: int | None = None,
    same_org_reservation_ok: bool = True,
    bookings: Bookings | None = None,
) -> str | None:
    """Why *device* can't be used by *organization_id* in *period*, in Japanese; None if it can.

    * Retired or lost devices are never available.  Under repair / awaiting inspection blocks a
      period that starts today or earlier (a future reservation may still be taken).
    * An open loan occupies [out date, max(due date, today)] plus the buffer days.
    * An active reservation of another organization occupies its period plus the buffer days.
      The same organization's reservation is what a pickup turns into a loan, so it is allowed
      when ``same_org_reservation_ok``.

    Checking many devices: pass ``bookings`` from :func:`load_bookings` (two queries for all of them).
    """
    tag = device.asset_tag
    if device.state == DeviceState.RETIRED.value:
        return _("{tag} は廃棄済みのため貸し出せません。").format(tag=tag)
    if device.state == DeviceState.LOST.value:
        return _("{tag} は紛失扱いのため貸し出せません。").format(tag=tag)
    if period.start <= today:
        if device.state == DeviceState.REPAIR.value:
            return _("{tag} は修理中のため貸し出せません。").format(tag=tag)
        if device.state == DeviceState.INSPECTION.value:
            return _("{tag} は点検待ちです(返却後の点検・初期化が済んでいません)。").format(tag=tag)

    if bookings is None:
        bookings = load_bookings(s, [device.id])
    for loan_id, out_at, due_on, org_name in bookings.loans.get(device.id, ()):
        if loan_id == exclude_loan_id:
            continue
        busy = Period(out_at.date(), max(due_on, today))
        if busy.conflicts(period, buffer_days):
            return _("{tag} は貸出中です({org}、返却予定 {due})。").format(tag=tag, org=org_name, due=_md(due_on))

    for res_id, res_org, start, end, org_name in bookings.reservations.get(device.id, ()):
        if res_id == exclude_reservation_id:
            continue
        if not Period(start, end).conflicts(period, buffer_days):
            continue
        if res_org == organization_id and same_org_reservation_ok:
            continue
        if res_org == organization_id:
            return _("{tag} は同じ団体の予約({s}〜{e})がすでにあります。").format(tag=tag, s=_md(start), e=_md(end))
        return _("{tag} はこの期間 {org} の予約があります({s}〜{e})。").format(
            tag=tag, org=org_name, s=_md(start), e=_md(end)
        )
    return None


def matching_reservation(
    s: Session, device_id: int, organization_id: int, period: Period, buffer_days: int
) -> int | None:
    """The same organization's active reservation of this device that a pickup fulfils."""
    rows = s.execute(
        select(Reservation.id, Reservation.start_on, Reservation.end_on)
        .join(ReservationItem, ReservationItem.reservation_id == Reservation.id)
        .where(
            ReservationItem.device_id == device_id,
            Reservation.status == "active",
            Reservation.organization_id == organization_id,
        )
        .order_by(Reservation.start_on)
    ).all()
    for res_id, start, end in rows:
        if Period(start, end).conflicts(period, buffer_days):
            return res_id
    return None


def lock_devices(s: Session, device_ids: list[int]) -> list[Device]:
    """Load devices for a change, locked in id order on PostgreSQL (SQLite's write transaction is
    already exclusive: BEGIN IMMEDIATE)."""
    stmt = select(Device).where(Device.id.in_(sorted(set(device_ids)))).order_by(Device.id)
    if s.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return list(s.scalars(stmt))
