"""Writing the audit rows of reads without stalling the read.

Opening or listing personal records must leave an audit row, but a read must not wait behind
another desk's long write (SQLite has one write lock for the whole file).  So the row is written
at once when the lock is free or freed within a moment (``LOCK_WAIT_MS``, the normal case: the
desk's own writes take milliseconds); otherwise it is queued and a background thread writes the
queue as soon as the lock is free.  The queued row keeps the time the records were shown.

Nothing is dropped quietly: the thread keeps trying (each try waits the usual busy timeout) and
logs an error with the number of rows — never their contents — if it gives up after
``MAX_ATTEMPTS``; :func:`flush` waits for the queue (app shutdown, batch commands, tests).  It is
not a Qt thread: services never touch Qt.  PostgreSQL needs none of this (inserts do not wait for
other transactions), so rows are written directly there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy.exc import OperationalError

from kyodo_desk.db.engine import BUSY_TIMEOUT_MS, Database
from kyodo_desk.db.models import AuditLog

log = logging.getLogger(__name__)

LOCK_WAIT_MS = 300
MAX_ATTEMPTS = 40  # × BUSY_TIMEOUT_MS (15 s) ≈ 10 minutes of another desk holding the lock


def _locked(exc: OperationalError) -> bool:
    text = str(exc.orig if exc.orig is not None else exc).lower()
    return "locked" in text or "busy" in text


def _insert_now(db: Database, rows: Sequence[dict], wait_ms: int) -> bool:
    """Insert *rows* in one write transaction waiting at most *wait_ms* for SQLite's lock."""
    if not db.is_sqlite:
        with db.write() as s:
            s.execute(insert(AuditLog), list(rows))
        return True
    with db.engine.execution_options(kyodo_write=True).connect() as conn:
        raw = conn.connection.dbapi_connection  # no transaction yet: set the wait before BEGIN IMMEDIATE
        assert raw is not None
        raw.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
        try:
            conn.execute(insert(AuditLog), list(rows))
            conn.commit()
            return True
        except OperationalError as exc:
            conn.rollback()
            if _locked(exc):
                return False
            raise
        finally:
            raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


class _Backlog:
    """Rows waiting for SQLite's write lock, and the thread that writes them."""

    def __init__(self, db: Database):
        self.db = db
        self.rows: list[dict] = []
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def add(self, rows: Sequence[dict]) -> None:
        with self.lock:
            self.rows.extend(rows)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="kyodo-audit-backlog")
                self.thread.start()

    def _run(self) -> None:
        attempts = 0
        while True:
            with self.lock:
                batch = list(self.rows)
                if not batch:
                    self.thread = None
                    return
            try:
                written = _insert_now(self.db, batch, BUSY_TIMEOUT_MS)
            except Exception:  # noqa: BLE001 - logged; the rows stay queued
                log.exception("audit rows could not be written (%d waiting)", len(batch))
                written = False
            if written:
                attempts = 0
                with self.lock:
                    del self.rows[: len(batch)]
                continue
            attempts += 1
            if attempts >= MAX_ATTEMPTS:
                with self.lock:
                    lost = len(self.rows)
                    self.rows.clear()
                    self.thread = None
                log.error("gave up writing %d audit rows: the database stayed locked by another desk", lost)
                return

    def flush(self, timeout: float | None) -> bool:
        thread = self.thread
        if thread is not None:
            thread.join(timeout)
        with self.lock:
            return not self.rows


_CREATE_LOCK = threading.Lock()


def _backlog(db: Database, *, create: bool = True) -> _Backlog | None:
    """The backlog kept on the Database object itself (one per open database, no global state)."""
    with _CREATE_LOCK:
        found = db.__dict__.get("_audit_backlog")
        if found is None and create:
            found = db.__dict__["_audit_backlog"] = _Backlog(db)
        return found


def write_audit_rows(db: Database, rows: Sequence[dict]) -> None:
    """Write *rows* now if the lock is free within a moment; else queue them (see module doc)."""
    if not rows:
        return
    backlog = _backlog(db)
    assert backlog is not None
    if backlog.rows or not _insert_now(db, rows, LOCK_WAIT_MS):  # keep the order behind earlier queued rows
        backlog.add(rows)


def write_audit_row(db: Database, row: dict) -> None:
    write_audit_rows(db, [row])


def flush(db: Database, timeout: float | None = None) -> bool:
    """Wait until every queued audit row of *db* is written; True when none is left."""
    backlog = _backlog(db, create=False)
    return True if backlog is None else backlog.flush(timeout)


def pending(db: Database) -> int:
    backlog = _backlog(db, create=False)
    return 0 if backlog is None else len(backlog.rows)
