"""A busy database (issue 16): reads never wait for another desk's write lock, a long import does not
stop other desks reading, and a database held too long by another desk is explained in Japanese —
never the driver's raw 「database is locked」."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3
import time

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError

from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import AuditLog, Organization
from kyodo_desk.services import audit_writer
from kyodo_desk.services.base import SYSTEM, DatabaseBusy, is_database_busy
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.organizations import OrganizationInput


def _seed(services, actor):
    org = services.organizations.create(
        actor, OrganizationInput(kind="npo", name="森山子育ての会", phone="076-111-2222")
    )
    cat = services.consultation_categories.for_year(2025)[0].id
    consultation = services.consultations.create(
        actor,
        ConsultationInput(
            received_at=dt.datetime(2025, 5, 1, 10), organization_id=org.id, category_ids=(cat,), summary="会計の相談"
        ),
    )
    return org, consultation


def _views(services, actor, org_id: int, consultation_id: int) -> dict[str, float]:
    """What a desk does when it only looks: open, list, search.  Seconds per view."""
    out: dict[str, float] = {}
    for name, view in (
        ("相談を開く", lambda: services.consultations.get(actor, consultation_id)),
        ("相談の一覧", lambda: services.consultations.page(actor, limit=50)),
        ("団体の一覧", lambda: services.organizations.page(actor)),
        ("団体を開く", lambda: services.organizations.get(actor, org_id)),
        ("検索", lambda: services.search.search_grouped(actor, "森山")),
        ("コード", lambda: services.search.resolve_code(actor, "O-000001")),
    ):
        started = time.perf_counter()
        view()
        out[name] = time.perf_counter() - started
    return out


def test_views_never_write_while_another_desk_holds_the_sqlite_write_lock(services, staff_actor):
    """Another connection holds BEGIN IMMEDIATE; every view still answers, and the only statement a
    view tries under the write lock is its audit row (queued by services/audit_writer.py)."""
    if not services.db.is_sqlite:
        pytest.skip("SQLite's single write lock")
    org, consultation = _seed(services, staff_actor)
    writes: list[str] = []

    def before(conn, cursor, statement, params, context, executemany):
        if statement.split()[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE"):
            writes.append(" ".join(statement.split()[:3]))

    holder = sqlite3.connect(str(services.db.sqlite_path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    event.listen(services.db.engine, "before_cursor_execute", before)
    try:
        timings = _views(services, staff_actor, org.id, consultation.id)
    finally:
        event.remove(services.db.engine, "before_cursor_execute", before)
        holder.execute("ROLLBACK")
        holder.close()
    print("views under another desk's write lock (s):", {k: round(v, 3) for k, v in timings.items()})
    assert {w.split()[2] for w in writes} <= {"audit_log"}, writes
    assert audit_writer.flush(services.db, timeout=30)
    with services.db.read() as s:
        shown = s.scalars(select(AuditLog.action).where(AuditLog.action.in_(("view", "list", "search")))).all()
    assert len(shown) >= 4  # the queued audit rows were written once the lock was free


def _busy_sqlite_database(url: str, wait_ms: int) -> Database:
    db = Database.from_url(url)

    @event.listens_for(db.engine, "connect")
    def _short_wait(dbapi_conn, _record):  # after engine.py's own listener: a short wait for the test
        dbapi_conn.execute(f"PRAGMA busy_timeout = {wait_ms}")

    return db


def test_a_database_busy_beyond_the_wait_is_explained_in_japanese(db_url, services, staff_actor, qtbot):
    from kyodo_desk.services.container import Services
    from kyodo_desk.ui.errors import report_error

    org, _c = _seed(services, staff_actor)
    if services.db.is_sqlite:
        other = _busy_sqlite_database(db_url, 200)
        holder = sqlite3.connect(str(services.db.sqlite_path), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        release = lambda: (holder.execute("ROLLBACK"), holder.close())  # noqa: E731
    else:
        other = Database.from_url(db_url)
        event.listen(other.engine, "connect", lambda c, r: c.execute("SET lock_timeout = '200ms'"))
        holder_conn = services.db.engine.connect()
        holder_conn.execute(text("SELECT id FROM organization WHERE id = :i FOR UPDATE"), {"i": org.id})
        release = lambda: (holder_conn.rollback(), holder_conn.close())  # noqa: E731
    desk = Services(other)
    current = desk.organizations.get(staff_actor, org.id)
    try:
        with pytest.raises(OperationalError) as caught:
            desk.organizations.update(
                staff_actor, org.id, current.version, OrganizationInput(kind="npo", name="森山子育ての会(改)")
            )
    finally:
        release()
    assert is_database_busy(caught.value)
    box = report_error(None, caught.value, "/tmp/kyodo-desk.log")
    qtbot.addWidget(box)
    assert box.text() == str(DatabaseBusy())
    assert "混み合っています" in box.text() and "locked" not in box.text().lower() and "lock" not in box.text().lower()
    other.dispose()
    # once the other desk is done, the same save goes through
    desk2 = Services(Database.from_url(db_url))
    desk2.organizations.update(
        staff_actor, org.id, current.version, OrganizationInput(kind="npo", name="森山子育ての会(改)")
    )
    assert services.organizations.get(staff_actor, org.id).name == "森山子育ての会(改)"
    desk2.db.dispose()


# ---- a reader process during an import writer process ------------------------------------------

ROWS = 3000


def _importer(url: str, rows: int, out) -> None:
    from kyodo_desk.i18n import setup_i18n
    from kyodo_desk.services.container import Services
    from kyodo_desk.services.imports import ImportService

    setup_i18n("ja")
    db = Database.from_url(url)
    held: list[float] = []
    write = db.write

    import contextlib

    @contextlib.contextmanager
    def timed():
        started = time.perf_counter()
        with write() as s:
            yield s
        held.append(time.perf_counter() - started)

    imports = ImportService(db, Services(db).settings)
    body = "団体名,種別,電話番号\n" + "".join(f"取込団体{i:05d},NPO法人,076-000-{i % 10000:04d}\n" for i in range(rows))
    table, mapping, values = imports.open_file(SYSTEM, "organizations", body.encode(), "roster.csv")
    db.write = timed  # type: ignore[method-assign]
    started = time.perf_counter()
    result = imports.run(SYSTEM, "organizations", table, mapping, values)
    out.put(("import", result.created, time.perf_counter() - started, max(held) if held else 0.0))
    db.dispose()


def _reader(url: str, actor_id: int, org_id: int, consultation_id: int, stop, out) -> None:
    from kyodo_desk.i18n import setup_i18n
    from kyodo_desk.services.container import Services

    setup_i18n("ja")
    db = Database.from_url(url)
    services = Services(db)
    actor = services.staff.get(actor_id).as_actor()
    reads, errors, longest = 0, [], 0.0
    while True:
        try:
            timings = _views(services, actor, org_id, consultation_id)
            reads += len(timings)
            longest = max(longest, *timings.values())
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors.append(type(exc).__name__ + (" (busy)" if is_database_busy(exc) else ""))
        if stop.is_set():
            break
    audit_writer.flush(db, timeout=60)
    out.put(("reader", reads, errors, longest))
    db.dispose()


def test_a_reader_desk_views_lists_and_searches_during_a_long_import(db_url, services, staff_actor):
    org, consultation = _seed(services, staff_actor)
    ctx = multiprocessing.get_context("spawn")
    out, stop = ctx.Queue(), ctx.Event()
    reader = ctx.Process(target=_reader, args=(db_url, staff_actor.staff_id, org.id, consultation.id, stop, out))
    reader.start()
    importer = ctx.Process(target=_importer, args=(db_url, ROWS, out))
    importer.start()
    first = out.get(timeout=600)
    stop.set()
    second = out.get(timeout=120)
    importer.join(60)
    reader.join(60)
    got = {first[0]: first, second[0]: second}
    _k, created, took, held = got["import"]
    _k, reads, errors, longest = got["reader"]
    print(
        f"import of {ROWS} organizations: {took:.2f} s, write transaction {held:.2f} s; "
        f"reader: {reads} views, longest {longest:.2f} s, errors {errors}"
    )
    assert created == ROWS
    assert errors == []
    assert reads > 0
    with services.db.read() as s:
        assert s.scalar(select(Organization.id).where(Organization.name == "取込団体02999")) is not None
