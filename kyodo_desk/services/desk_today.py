"""「今日の窓口」 lists the desk services did not have yet: today's advisor visits and the reserved
devices to hand out today.  One query per list (plus one for the reserved devices), whatever its
length.  Follow-ups and loans due come from ConsultationService.followups_due and LoanService.due;
registrations to renew from the registration service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from kyodo_desk.db.dispatch_models import Advisor, DispatchApplication, DispatchSession
from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Device, Reservation, ReservationItem
from kyodo_desk.db.models import Organization
from kyodo_desk.domain.dispatch import CANCELLED, SessionStatus
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.services.base import Actor, audit_shown, require
from kyodo_desk.services.conflict_retry import conflict_retrying
from kyodo_desk.services.reservations import ReservationRecord

MAX_ROWS = 200  # a day at one desk; the lists say "ほか n 件" past what they show


@dataclass(frozen=True)
class TodayVisit:
    """One advisor visit booked for the day."""

    session_id: int
    application_id: int
    reference: str
    start_at: dt.datetime
    end_at: dt.datetime | None
    organization_name: str
    advisor_name: str
    topic: str
    venue: str
    status: str


@conflict_retrying
class DeskTodayService:
    def __init__(self, db: Database):
        self.db = db

    def visits_on(self, actor: Actor, day: dt.date) -> list[TodayVisit]:
        """Visits of *day* that are still to take place or took place (not cancelled), by start time."""
        require(actor, Permission.DISPATCH_EDIT)
        start = dt.datetime.combine(day, dt.time())
        with self.db.read() as s:
            rows = s.execute(
                select(
                    DispatchSession.id,
                    DispatchApplication.id,
                    DispatchApplication.reference,
                    DispatchSession.start_at,
                    DispatchSession.end_at,
                    Organization.name,
                    Advisor.name,
                    DispatchApplication.topic,
                    DispatchApplication.venue,
                    DispatchSession.status,
                )
                .join(DispatchApplication, DispatchApplication.id == DispatchSession.application_id)
                .join(Organization, Organization.id == DispatchApplication.organization_id)
                .outerjoin(Advisor, Advisor.id == DispatchSession.advisor_id)
                .where(
                    DispatchSession.start_at >= start,
                    DispatchSession.start_at < start + dt.timedelta(days=1),
                    DispatchSession.status != SessionStatus.CANCELLED.value,
                    DispatchApplication.status.not_in(CANCELLED),
                )
                .order_by(DispatchSession.start_at, DispatchSession.id)
                .limit(MAX_ROWS)
            ).all()
        return [
            TodayVisit(sid, aid, ref, start_at or start, end_at, org or "", adv or "", topic, venue, status)
            for sid, aid, ref, start_at, end_at, org, adv, topic, venue, status in rows
        ]

    def reservations_to_hand_out(self, actor: Actor, day: dt.date) -> list[ReservationRecord]:
        """Active reservations whose period has begun by *day* and not ended (not picked up yet)."""
        require(actor, Permission.LENDING_OPERATE)
        with self.db.read() as s:
            rows = s.execute(
                select(
                    Reservation.id,
                    Reservation.organization_id,
                    Organization.name,
                    Reservation.start_on,
                    Reservation.end_on,
                    Reservation.purpose,
                    Reservation.contact_name,
                    Reservation.contact_phone,
                    Reservation.status,
                )
                .join(Organization, Organization.id == Reservation.organization_id)
                .where(Reservation.status == "active", Reservation.start_on <= day, Reservation.end_on >= day)
                .order_by(Reservation.start_on, Reservation.id)
                .limit(MAX_ROWS)
            ).all()
            devices: dict[int, list[tuple[int, str]]] = {r[0]: [] for r in rows}
            if devices:
                for res_id, device_id, tag in s.execute(
                    select(ReservationItem.reservation_id, Device.id, Device.asset_tag)
                    .join(ReservationItem, ReservationItem.device_id == Device.id)
                    .where(ReservationItem.reservation_id.in_(list(devices)))
                    .order_by(ReservationItem.reservation_id, Device.asset_tag)
                ):
                    devices[res_id].append((device_id, tag))
        records = [
            ReservationRecord(
                rid,
                org_id,
                org or "",
                start_on,
                end_on,
                purpose,
                contact_name,
                contact_phone,
                status,
                tuple(t for _i, t in devices[rid]),
                tuple(i for i, _t in devices[rid]),
            )
            for rid, org_id, org, start_on, end_on, purpose, contact_name, contact_phone, status in rows
        ]
        # contact name and phone are shown: one audit row for the list
        audit_shown(self.db, actor, AuditAction.LIST, "reservation", [r.id for r in records], "to_hand_out")
        return records
