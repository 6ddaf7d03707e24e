"""Which records other desks changed — a feed that cannot miss a change.

Every write appends an audit row in its own transaction, so the audit log is the change log
(reads are audited too: those rows are not changes).  A desk keeps a :class:`ChangeCursor` and
asks :meth:`ChangeService.look` for the changes committed since its last look.

**SQLite** has one writer at a time, and a row takes its id inside the write transaction, so
ids are committed in order: "ids above the newest one seen" is exact.  The UI polls.

**PostgreSQL** hands out ids from a sequence at INSERT time and transactions commit in any
order: desk A takes id 10, desk B takes id 11 and commits, a look sees 11, then A commits 10.
``max(id)`` would never look back at 10.  The fast path is LISTEN/NOTIFY
(:mod:`kyodo_desk.db.change_notify` sends ``entity:entity_id:audit_id`` in the writing
transaction; a listener thread, :class:`ChangeListener`, receives it at commit).  The catch-up
read (at connect, after a lost connection, and every ``IDLE_LOOK_S`` as a safety net) uses the
server's snapshots instead of a guessed grace window:

* The cursor keeps a *floor* (every audit id at or below it that will ever exist has been seen),
  the ids seen above it, and the *gaps*: ids below the newest seen that were missing.
* A look reads the rows above the floor in one REPEATABLE READ snapshot together with that
  snapshot's ``pg_snapshot_xmin`` (every xid below it has finished).  A gap first missed in a
  look gets a *fence*: ``pg_current_xact_id()`` taken right after that look.
* Why a gap may be dropped once a later snapshot's xmin ≥ its fence: the gap's id was taken
  before the newer id above it (cache-1 sequence), whose transaction had committed before the
  snapshot; the gap's transaction took its xid before the id (``change_notify`` assigns it in
  ``before_flush``), hence before the fence.  xmin ≥ fence says that transaction has finished;
  had it committed, the row would be visible — so it rolled back and the id never appears.
  Until then the gap holds the floor down and is re-read at every look: a transaction that
  commits minutes later (a long import) is still found, with no window to tune.

This reads only rows above the floor (the primary key's index), never ``audit_log.xmin`` (which
has no index, so filtering on it would scan the whole log).  Rows seen twice (a notification
and a look) are announced once: both paths go through the cursor's set of seen ids.

The first look of a cursor announces nothing (the desk has just loaded its screens) and has no
earlier look to compare with, so on PostgreSQL it asks the server which transactions could still
add an id below the newest row.  In the same REPEATABLE READ snapshot it reads
``pg_current_snapshot()`` (xmin, xmax, the in-progress xids ``xip``) and takes an xid of its own,
*own*, which the server assigns after that snapshot.  A transaction that could still commit an
audit id below the newest row took its xid before its id (see above), and that id before the
snapshot (ids rise, and the newest row committed before the snapshot), so it was in progress at
the snapshot with an xid below *own*: it is in ``xip`` or in ``[xmax, own)``.

* Both empty (a quiet server: ``xip = {}`` and ``xmax = own``): no id below the newest can still
  appear — the floor is the newest id and there is no gap to keep.  Exact, however long the log.
* Otherwise every missing id down to ``MAX_GAPS`` below the newest is a gap with a fence, as in
  any later look: kept and re-read until those transactions have ended.  The snapshot says which
  transactions are open, not which ids they hold, so ``MAX_GAPS`` is a bound, not a proof: a
  transaction open at start-up whose id is further down than that is still announced when it
  commits by the listener, whose LISTEN is in place before the first look.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import func, select, text

from kyodo_desk.db.change_notify import CHANNEL, parse_payload
from kyodo_desk.db.engine import Database
from kyodo_desk.db.models import AuditLog
from kyodo_desk.domain.enums import READ_ACTIONS
from kyodo_desk.services.base import no_permission_needed
from kyodo_desk.services.conflict_retry import conflict_retrying

log = logging.getLogger(__name__)

MAX_GAPS = 50_000  # a sequence jump (setval) is not a list of transactions still to come
SEEN_KEPT_BELOW_FLOOR = 20_000  # ids under the floor still remembered (a late duplicate notification)
IDLE_LOOK_S = 30.0  # PostgreSQL: a catch-up look when no notification came for this long
_READS = frozenset(str(a) for a in READ_ACTIONS)


@dataclass(frozen=True)
class Change:
    entity: str
    entity_id: int | None
    audit_id: int


@dataclass(frozen=True)
class _Row:
    id: int
    entity: str
    entity_id: int | None
    action: str


class ChangeCursor:
    """Where one desk is in the change log (see module doc).  Thread-safe: the listener thread
    and a catch-up look on the task runner may use it at once."""

    def __init__(self) -> None:
        self.floor: int | None = None
        self.seen: set[int] = set()
        self.gaps: dict[int, int | None] = {}  # audit id -> fence xid (None: fence still to take)
        self.lock = threading.Lock()

    @property
    def started(self) -> bool:
        return self.floor is not None

    def note(self, change: Change) -> bool:
        """A notified change: True when the cursor had not seen it."""
        with self.lock:
            if change.audit_id in self.seen:
                return False
            if self.floor is not None and change.audit_id <= self.floor - SEEN_KEPT_BELOW_FLOOR:
                return True  # older than the memory of seen ids: better announced twice than never
            self.seen.add(change.audit_id)
            self.gaps.pop(change.audit_id, None)
            return True

    def absorb(
        self, rows: Iterable[_Row], *, floor: int, snapshot_xmin: int | None, fence: Callable[[], int] | None
    ) -> list[Change]:
        """Take in one look's rows (all audit rows above *floor* in one snapshot).  SQLite passes
        no snapshot: its ids commit in order, so nothing below the newest row can still come."""
        first = self.floor is None
        new: list[Change] = []
        top = floor
        for r in rows:
            top = max(top, r.id)
            if r.id in self.seen:
                continue
            self.seen.add(r.id)
            self.gaps.pop(r.id, None)
            if not first and r.action not in _READS:
                new.append(Change(r.entity, r.entity_id, r.id))
        if first:
            self.floor = floor
        if snapshot_xmin is not None:
            for gap, gap_fence in list(self.gaps.items()):
                if gap_fence is not None and snapshot_xmin >= gap_fence:
                    del self.gaps[gap]  # its transaction finished without the row: it rolled back
                    self.seen.add(gap)  # accounted for: never a gap again
            start = max(floor, top - MAX_GAPS)
            for i in range(start + 1, top):
                if i not in self.seen and i not in self.gaps:
                    self.gaps[i] = None
            if fence is not None and any(f is None for f in self.gaps.values()):
                value = fence()
                for gap in self.gaps:
                    if self.gaps[gap] is None:
                        self.gaps[gap] = value
        else:
            self.gaps.clear()
        self.floor = (min(self.gaps) - 1) if self.gaps else max(top, self.floor or 0)
        keep_from = self.floor - SEEN_KEPT_BELOW_FLOOR
        if len(self.seen) > 2 * SEEN_KEPT_BELOW_FLOOR:
            self.seen = {i for i in self.seen if i > keep_from}
        return new


def first_look_floor(newest: int, *, xmax: int, xip: Iterable[int], own: int) -> int:
    """PostgreSQL, a cursor's first look: the floor below which no audit id can still appear, from
    the look's snapshot (its *xmax* and in-progress *xip*) and the xid *own* the look took after it
    (module doc).  No transaction open at the snapshot: the newest id.  Some: ``MAX_GAPS`` below it,
    the missing ids above becoming gaps."""
    if not list(xip) and own <= xmax:
        return newest
    return max(0, newest - MAX_GAPS)


@conflict_retrying
class ChangeService:
    def __init__(self, db: Database):
        self.db = db

    # ---- the plain marker (kept for batch tools and simple checks) ----------------------
    def marker(self) -> int:
        with self.db.read() as s:
            return s.scalar(select(func.max(AuditLog.id))) or 0

    def changed_entities_since(self, marker: int) -> list[tuple[str, int | None]]:
        """Changes with an id above *marker* — exact on SQLite only; desks use :meth:`look`."""
        with self.db.read() as s:
            rows = s.execute(
                select(AuditLog.entity, AuditLog.entity_id)
                .where(AuditLog.id > marker, AuditLog.action.not_in(list(_READS)))
                .limit(500)
            ).all()
            return [(r.entity, r.entity_id) for r in rows]

    # ---- the feed ---------------------------------------------------------------------------
    @property
    def can_listen(self) -> bool:
        return self.db.engine.dialect.name == "postgresql"

    @no_permission_needed("kinds and ids of changed records (no values), to refresh screens")
    def cursor(self) -> ChangeCursor:
        return ChangeCursor()

    @no_permission_needed("kinds and ids of changed records (no values), to refresh screens")
    def look(self, cursor: ChangeCursor) -> list[Change]:
        """The changes committed since *cursor*'s last look (none at its first look)."""
        with cursor.lock:
            if self.can_listen:
                return self._look_postgresql(cursor)
            with self.db.read() as s:
                floor = cursor.floor
                if floor is None:
                    floor = s.scalar(select(func.max(AuditLog.id))) or 0
                rows = self._rows_above(s.connection(), floor)
            return cursor.absorb(rows, floor=floor, snapshot_xmin=None, fence=None)

    @staticmethod
    def _rows_above(conn, floor: int) -> list[_Row]:
        stmt = (
            select(AuditLog.id, AuditLog.entity, AuditLog.entity_id, AuditLog.action)
            .where(AuditLog.id > floor)
            .order_by(AuditLog.id)
        )
        return [_Row(r.id, r.entity, r.entity_id, r.action) for r in conn.execute(stmt)]

    def _look_postgresql(self, cursor: ChangeCursor) -> list[Change]:
        engine = self.db.engine
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            # the first statement fixes the snapshot the rows below are read in
            floor = cursor.floor
            if floor is None:
                snap = conn.execute(
                    text(
                        "SELECT pg_snapshot_xmin(s)::text::bigint AS xmin, pg_snapshot_xmax(s)::text::bigint AS xmax,"
                        " ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) AS x) AS xip,"
                        " pg_current_xact_id()::text::bigint AS own FROM pg_current_snapshot() AS s"
                    )
                ).one()
                xmin = int(snap.xmin)
                newest = conn.scalar(select(func.max(AuditLog.id))) or 0
                floor = first_look_floor(newest, xmax=int(snap.xmax), xip=snap.xip, own=int(snap.own))
            else:
                xmin = int(conn.scalar(text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")))
            if cursor.floor is None:  # the first look announces nothing: the ids are enough (the index alone)
                ids = conn.scalars(select(AuditLog.id).where(AuditLog.id > floor).order_by(AuditLog.id))
                rows = [_Row(i, "", None, "") for i in ids]
            else:
                rows = self._rows_above(conn, floor)
            conn.rollback()

        def fence() -> int:
            with engine.connect() as c:
                value = int(c.scalar(text("SELECT pg_current_xact_id()::text::bigint")))
                c.commit()
                return value

        return cursor.absorb(rows, floor=floor, snapshot_xmin=xmin, fence=fence)

    @no_permission_needed("starts the listener of change notifications (kinds and ids only)")
    def listen(
        self,
        cursor: ChangeCursor,
        on_changes: Callable[[list[Change]], None],
        on_connected: Callable[[bool], None] | None = None,
    ) -> "ChangeListener":
        """PostgreSQL: start a background thread that LISTENs and calls *on_changes* (from that
        thread) with every change another transaction commits; see :class:`ChangeListener`."""
        listener = ChangeListener(self, cursor, on_changes, on_connected)
        listener.start()
        return listener


class ChangeListener:
    """A thread with its own psycopg connection (autocommit, outside the pool): LISTEN, then a
    catch-up look, then notifications as they come plus a look every ``IDLE_LOOK_S``.  When the
    connection is lost it reconnects with growing pauses and catches up again.  Never touches Qt:
    *on_changes* is called on this thread (the UI turns it into a queued signal)."""

    RETRY_S = (1.0, 2.0, 5.0, 10.0)

    def __init__(
        self,
        service: ChangeService,
        cursor: ChangeCursor,
        on_changes: Callable[[list[Change]], None],
        on_connected: Callable[[bool], None] | None = None,
        *,
        idle_look_s: float = IDLE_LOOK_S,
        wait_s: float = 0.5,
    ):
        self.service, self.cursor = service, cursor
        self.on_changes, self.on_connected = on_changes, on_connected
        self.idle_look_s, self.wait_s = idle_look_s, wait_s
        self._stop = threading.Event()
        self.connected = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="kyodo-change-listener", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _connect(self):
        import psycopg

        engine = self.service.db.engine
        args, kwargs = engine.dialect.create_connect_args(engine.url)
        kwargs = {**kwargs, "autocommit": True}
        kwargs.setdefault("connect_timeout", 10)
        conn = psycopg.connect(*args, **kwargs)
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    def _state(self, up: bool) -> None:
        (self.connected.set if up else self.connected.clear)()
        if self.on_connected is not None:
            self.on_connected(up)

    def _deliver(self, changes: list[Change]) -> None:
        if changes:
            self.on_changes(changes)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            conn = None
            try:
                conn = self._connect()
                self._deliver(self.service.look(self.cursor))  # after LISTEN: nothing falls between
                failures = 0
                self._state(True)
                last_look = time.monotonic()
                while not self._stop.is_set():
                    batch: list[Change] = []
                    for note in conn.notifies(timeout=self.wait_s):
                        parsed = parse_payload(note.payload)
                        if parsed is not None:
                            change = Change(*parsed)
                            if self.cursor.note(change):
                                batch.append(change)
                    self._deliver(batch)
                    if time.monotonic() - last_look >= self.idle_look_s:
                        self._deliver(self.service.look(self.cursor))
                        last_look = time.monotonic()
            except Exception as exc:  # noqa: BLE001 - logged; the thread reconnects
                if self._stop.is_set():
                    break
                if self.connected.is_set() or failures == 0:
                    log.warning("change notifications: connection lost or refused (%s)", type(exc).__name__)
                self._state(False)
                pause = self.RETRY_S[min(failures, len(self.RETRY_S) - 1)]
                failures += 1
                self._stop.wait(pause)
            finally:
                if conn is not None:
                    try:
                        conn.close()
                    except Exception:  # noqa: BLE001 - closing a broken connection
                        pass
