"""Idempotent creates, the rest (issue 16, migration 0015): a person, a reservation and a staff
account sent twice with the same request key — a retry after a lost connection whose first
COMMIT did get through — return the stored record and store nothing more (no second row, no
second audit row, no 「ログイン名はすでに使われています」); a new key makes a new record.  Both databases."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select

from kyodo_desk.db.lending_models import Reservation, ReservationItem
from kyodo_desk.db.models import AuditLog, Person, Staff
from kyodo_desk.services.base import SYSTEM
from kyodo_desk.services.inventory import DeviceInput
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.services.people import PersonInput


def _count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _creates(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "create")) or 0


def test_a_person_sent_twice_with_its_key_is_stored_once(services, db, staff_actor):
    org = services.organizations.create(staff_actor, OrganizationInput(kind="neighborhood", name="広坂町会"))
    data = PersonInput(name="佐藤 一郎", organization_id=org.id)
    key = str(uuid.uuid4())
    first = services.people.create(staff_actor, data, request_key=key)
    audits = _creates(db)
    again = services.people.create(staff_actor, data, request_key=key)
    assert again == first and again.organization_name == "広坂町会"
    assert _count(db, Person) == 1 and _creates(db) == audits
    services.people.create(staff_actor, data, request_key=str(uuid.uuid4()))
    services.people.create(staff_actor, data)
    assert _count(db, Person) == 3


def test_a_reservation_sent_twice_with_its_key_books_once(services, db, admin, staff_actor):
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad", [])
    device = services.inventory.create(admin, DeviceInput(model_id=model.id))
    other = services.inventory.create(admin, DeviceInput(model_id=model.id))
    org = services.organizations.create(admin, OrganizationInput(kind="neighborhood", name="広坂町会"))
    cal = services.calendar.calendar()
    start = cal.next_open_day(dt.date.today() + dt.timedelta(days=10))
    end = start
    key = str(uuid.uuid4())
    first = services.reservations.create(staff_actor, org.id, start, end, [device.id], request_key=key)
    audits = _creates(db)
    # the device is booked by this very reservation: the retry returns it instead of refusing
    again = services.reservations.create(staff_actor, org.id, start, end, [device.id], request_key=key)
    assert (again.id, again.device_tags) == (first.id, first.device_tags)
    assert _count(db, Reservation) == 1 and _count(db, ReservationItem) == 1 and _creates(db) == audits
    services.reservations.create(staff_actor, org.id, start, end, [other.id], request_key=str(uuid.uuid4()))
    assert _count(db, Reservation) == 2


def test_a_staff_account_sent_twice_with_its_key_is_made_once(services, db, admin):
    key = str(uuid.uuid4())
    first = services.staff.create(admin, "sato", "佐藤 花子", "staff", "サトウ ハナコ", request_key=key)
    audits = _creates(db)
    again = services.staff.create(admin, "sato", "佐藤 花子", "staff", "サトウ ハナコ", request_key=key)
    assert again == first
    assert _count(db, Staff) == 2 and _creates(db) == audits  # admin and sato


def test_the_first_administrator_retried_with_its_key_is_made_once(services, db):
    """First-run set-up: the retry finds its own account instead of being refused as no longer
    the first one (SYSTEM has no staff_id; the stored account is returned as it is)."""
    key = str(uuid.uuid4())
    first = services.staff.create(SYSTEM, "admin", "山田 花子", "admin", "ヤマダ ハナコ", request_key=key)
    again = services.staff.create(SYSTEM, "admin", "山田 花子", "admin", "ヤマダ ハナコ", request_key=key)
    assert again == first and _count(db, Staff) == 1
