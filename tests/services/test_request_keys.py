"""Idempotent creates (issue 16): the same request key sent twice — a retry after a lost
connection whose first COMMIT did get through — returns the stored record and stores nothing
more; a new key (or none) makes a new record.  Both databases.  And which errors count as a
lost connection: PostgreSQL's, never SQLite's 「database is locked」."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.dispatch_models import DispatchApplication
from kyodo_desk.db.lending_models import Loan
from kyodo_desk.db.models import AuditLog, Organization
from kyodo_desk.services.connection_loss import is_connection_lost, retry_while_unreachable
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.dispatch import ApplicationInput
from kyodo_desk.services.inventory import DeviceInput
from kyodo_desk.services.loans import CheckoutRequest
from kyodo_desk.services.organizations import OrganizationInput
from tests.services.test_dispatch import at, saturday


def _count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _creates(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "create")) or 0


def test_a_consultation_sent_twice_with_its_key_is_stored_once(services, db, staff_actor):
    category = services.consultation_categories.for_year(dt.date.today().year)[-1].id
    data = ConsultationInput(summary="会議室を探している", category_ids=(category,))
    key = str(uuid.uuid4())
    first = services.consultations.create(staff_actor, data, request_key=key)
    audits = _creates(db)
    again = services.consultations.create(staff_actor, data, request_key=key)
    assert (again.id, again.reference) == (first.id, first.reference)
    assert _count(db, Consultation) == 1 and _creates(db) == audits  # no second row, no second audit row
    services.consultations.create(staff_actor, data, request_key=str(uuid.uuid4()))
    services.consultations.create(staff_actor, data)
    assert _count(db, Consultation) == 3


def test_an_organization_sent_twice_with_its_key_is_stored_once(services, db, staff_actor):
    key = str(uuid.uuid4())
    data = OrganizationInput(kind="neighborhood", name="広坂町会")
    first = services.organizations.create(staff_actor, data, request_key=key)
    assert services.organizations.create(staff_actor, data, request_key=key).id == first.id
    assert _count(db, Organization) == 1


def test_a_checkout_sent_twice_with_its_key_returns_the_loan_instead_of_refusing(services, db, admin, staff_actor):
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad", [])
    device = services.inventory.create(admin, DeviceInput(model_id=model.id))
    org = services.organizations.create(admin, OrganizationInput(kind="neighborhood", name="広坂町会"))
    due = services.calendar.calendar().next_open_day(dt.date.today() + dt.timedelta(days=7))
    req = CheckoutRequest(
        organization_id=org.id,
        responsible_name="山田 太郎",
        contact_phone="090-1234-5678",
        device_ids=(device.id,),
        due_on=due,
    )
    key = str(uuid.uuid4())
    first = services.loans.checkout(staff_actor, req, request_key=key)
    again = services.loans.checkout(staff_actor, req, request_key=key)  # its device is out on this very loan
    assert (again.id, again.reference, len(again.items)) == (first.id, first.reference, 1)
    assert _count(db, Loan) == 1


def test_a_dispatch_application_sent_twice_with_its_key_is_stored_once(services, db, admin):
    org = services.organizations.create(admin, OrganizationInput(kind="npo", name="NPO法人 かなざわ子育てサポート"))
    sat = saturday(dt.date.today() + dt.timedelta(days=14))
    data = ApplicationInput(
        organization_id=org.id,
        dispatch_type="advisor",
        field="accounting",
        topic="会計の基礎",
        expected_participants=12,
        preferred=((at(sat, 10), at(sat, 17)),),
        venue="公民館",
    )
    key = str(uuid.uuid4())
    first = services.dispatch.create(admin, data, request_key=key)
    assert services.dispatch.create(admin, data, request_key=key).reference == first.reference
    assert _count(db, DispatchApplication) == 1


def _wrapped(orig: Exception) -> OperationalError:
    return OperationalError("INSERT INTO consultation ...", {}, orig)


@pytest.mark.parametrize(
    "text",
    [
        "consuming input failed: server closed the connection unexpectedly",
        'connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused',
        "terminating connection due to administrator command",
        "the connection is lost",
    ],
)
def test_postgresql_connection_errors_are_a_lost_connection(text):
    assert is_connection_lost(_wrapped(psycopg.OperationalError(text)))
    assert is_connection_lost(psycopg.OperationalError(text))


def test_other_errors_are_not_a_lost_connection():
    assert not is_connection_lost(_wrapped(sqlite3.OperationalError("database is locked")))
    assert not is_connection_lost(_wrapped(psycopg.OperationalError("canceling statement due to lock timeout")))
    assert not is_connection_lost(ValueError("connection refused"))  # a plain error that merely says so
    invalidated = _wrapped(sqlite3.OperationalError("whatever"))
    invalidated.connection_invalidated = True
    assert is_connection_lost(invalidated)


def test_retry_while_unreachable_tries_again_only_for_a_lost_connection():
    calls: list[int] = []
    waits: list[float] = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise _wrapped(psycopg.OperationalError("server closed the connection unexpectedly"))
        return "saved"

    result, failed = retry_while_unreachable(flaky, window_s=60, wait=lambda s: bool(waits.append(s)))
    assert (result, failed, len(calls)) == ("saved", 2, 3) and waits == [0.5, 1.0]

    def locked():
        raise _wrapped(sqlite3.OperationalError("database is locked"))

    with pytest.raises(OperationalError):
        retry_while_unreachable(locked, window_s=60, wait=lambda s: pytest.fail("not retried"))
    with pytest.raises(OperationalError):  # the caller stops (shutdown): the error comes back at once
        retry_while_unreachable(_server_gone, window_s=60, wait=lambda s: True)


def _server_gone():
    raise _wrapped(psycopg.OperationalError("server closed the connection unexpectedly"))
