"""Deadlocks and serialization failures (issue 16): PostgreSQL rolls the loser's transaction back,
so the service call runs its whole unit of work again (at most 3 tries) and the desk sees a
success, not 「データベースが混み合っています」.  Never after a COMMIT left the desk.  SQLite has
neither error (one writer at a time): its behaviour is unchanged."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import threading
import time
import uuid

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from kyodo_desk.db.lending_models import Loan
from kyodo_desk.db.models import Organization
from kyodo_desk.services import conflict_retry
from kyodo_desk.services.base import is_database_busy
from kyodo_desk.services.conflict_retry import conflict_code, conflict_retrying
from kyodo_desk.services.container import SERVICES
from kyodo_desk.services.inventory import DeviceInput
from kyodo_desk.services.loans import CheckoutRequest
from kyodo_desk.services.organizations import OrganizationInput
from tests.conftest import PG_URL


def _pg_only(db) -> None:
    if db.is_sqlite:
        pytest.skip("deadlocks and serialization failures are PostgreSQL's (SQLite has one writer at a time)")


def _raw(*, autocommit: bool = False) -> psycopg.Connection:
    """Another desk's own connection (autocommit off: one transaction until commit/rollback), as the
    database's owner: ``SET deadlock_timeout`` is a superuser's setting."""
    url = make_url(PG_URL).set(drivername="postgresql")
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=autocommit)


def _wait_until_blocked(watch: psycopg.Connection, pid: int, timeout_s: float = 10.0) -> None:
    """Until a backend other than *pid* (the other desk) waits for a lock.  *watch* is in
    autocommit: pg_stat_activity is read fresh each time, not from one transaction's snapshot."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        waiting = watch.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid NOT IN (pg_backend_pid(), %s) AND wait_event_type = 'Lock'",
            (pid,),
        ).fetchone()
        if waiting and waiting[0]:
            return
        time.sleep(0.02)
    raise AssertionError("the service call never waited for the other desk's lock")


def _count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _checkout_setup(services, admin):
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad", [])
    first = services.inventory.create(admin, DeviceInput(model_id=model.id))
    second = services.inventory.create(admin, DeviceInput(model_id=model.id))
    org = services.organizations.create(admin, OrganizationInput(kind="neighborhood", name="広坂町会"))
    due = services.calendar.calendar().next_open_day(dt.date.today() + dt.timedelta(days=7))
    req = CheckoutRequest(
        organization_id=org.id,
        responsible_name="山田 太郎",
        contact_phone="090-1234-5678",
        device_ids=(first.id, second.id),
        due_on=due,
    )
    return req, first.id, second.id


def test_a_checkout_that_loses_a_real_deadlock_is_run_again_and_lends_once(services, db, admin, staff_actor, caplog):
    """The desk's checkout locks device 1 then device 2 (id order); another desk holds device 2 and
    then asks for device 1.  PostgreSQL's deadlock detector ends the checkout's transaction
    (40P01; the other desk waits 30 s before it would check), the service runs the checkout again,
    it waits for the other desk, and the loan is stored once, with both devices."""
    _pg_only(db)
    req, first_id, second_id = _checkout_setup(services, admin)
    key = str(uuid.uuid4())
    other, watch = _raw(), _raw(autocommit=True)
    other.execute("SET deadlock_timeout = '30s'")  # the service's backend (1 s) is the one that notices
    other.execute("SELECT id FROM device WHERE id = %s FOR UPDATE", (second_id,))
    outcome: dict[str, object] = {}

    def desk() -> None:
        try:
            outcome["loan"] = services.loans.checkout(staff_actor, req, request_key=key)
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcome["error"] = exc

    caplog.set_level(logging.INFO, logger="kyodo_desk.services.conflict_retry")
    started = time.perf_counter()
    thread = threading.Thread(target=desk)
    thread.start()
    try:
        _wait_until_blocked(watch, other.info.backend_pid)  # the checkout holds device 1, waits for 2
        other.execute("SELECT id FROM device WHERE id = %s FOR UPDATE", (first_id,))  # the deadlock
        _wait_until_blocked(watch, other.info.backend_pid)  # the checkout, run again, waits for this desk
        other.rollback()
    finally:
        other.close()
        watch.close()
        thread.join(30)
    elapsed = time.perf_counter() - started
    assert "error" not in outcome, outcome.get("error")
    loan = outcome["loan"]
    assert len(loan.items) == 2  # type: ignore[attr-defined]
    assert _count(db, Loan) == 1
    retried = [r.getMessage() for r in caplog.records if r.name == "kyodo_desk.services.conflict_retry"]
    assert retried == ["write conflict 40P01 in LoanService.checkout: running it again (try 2 of 3)"], retried
    assert "山田" not in " ".join(retried) and "090" not in " ".join(retried)
    print(f"checkout through a deadlock: stored once after 1 retry, {elapsed:.2f} s in all")


def test_a_deadlock_after_a_commit_in_the_same_call_is_not_run_again(services, db, admin):
    """A call whose first transaction committed is never re-run (that would store it twice):
    the deadlock in its second transaction is raised — and still reads as 「混み合っています」."""
    _pg_only(db)
    a, b, c = (
        services.organizations.create(admin, OrganizationInput(kind="npo", name=n)).id for n in ("甲", "乙", "丙")
    )
    calls: list[int] = []
    other, watch = _raw(), _raw(autocommit=True)
    other.execute("SET deadlock_timeout = '30s'")
    other.execute("SELECT id FROM organization WHERE id = %s FOR UPDATE", (b,))

    def other_desk_asks_for_a() -> None:
        time.sleep(0.3)  # the call holds organization a by now
        other.execute("SELECT id FROM organization WHERE id = %s FOR UPDATE", (a,))

    asking = threading.Thread(target=other_desk_asks_for_a)

    @conflict_retrying
    class TwoSteps:
        def __init__(self, db):
            self.db = db

        def run(self) -> None:
            calls.append(1)
            with self.db.write() as s:  # committed: the call must not be repeated from here on
                s.execute(text("UPDATE organization SET notes = notes || 'x' WHERE id = :i"), {"i": c})
            with self.db.write() as s:
                s.execute(text("SELECT id FROM organization WHERE id = :i FOR UPDATE"), {"i": a})
                asking.start()
                s.execute(text("SELECT id FROM organization WHERE id = :i FOR UPDATE"), {"i": b})

    try:
        with pytest.raises(OperationalError) as raised:
            TwoSteps(db).run()
    finally:
        asking.join(30)
        other.rollback()
        other.close()
        watch.close()
    assert conflict_code(raised.value) == "40P01" and is_database_busy(raised.value)
    assert calls == [1]
    with db.read() as s:
        assert s.scalar(select(Organization.notes).where(Organization.id == c)) == "x"  # once


def test_sqlite_busy_is_not_a_conflict_and_is_not_retried(db, tmp_path):
    """SQLite's 「database is locked」 already waited busy_timeout: raised at once, as before."""
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    calls: list[int] = []

    @conflict_retrying
    class Desk:
        def __init__(self, db):
            self.db = db

        def write(self) -> None:
            calls.append(1)
            conn = sqlite3.connect(str(path), timeout=0.05, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
            finally:
                conn.close()

    try:
        with pytest.raises(sqlite3.OperationalError):
            Desk(db).write()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert calls == [1]


def test_only_deadlock_and_serialization_failure_are_retried():
    class Orig(Exception):
        def __init__(self, code):
            super().__init__("x")
            self.sqlstate = code

    def wrapped(code):
        return OperationalError("UPDATE ...", {}, Orig(code))

    assert [conflict_code(wrapped(c)) for c in ("40P01", "40001", "55P03", "57014", "23505")] == [
        "40P01",
        "40001",
        None,
        None,
        None,
    ]
    assert conflict_retry.ATTEMPTS == 3


def test_every_service_class_retries_conflicts():
    import importlib

    for module, cls, _needs in SERVICES.values():
        service = getattr(importlib.import_module(f"kyodo_desk.services.{module}"), cls)
        assert getattr(service, "__conflict_retrying__", False), cls
