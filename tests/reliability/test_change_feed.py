"""Two desk processes, commits out of order: the change feed still sees every change.

Desk A (a process of its own) writes and holds its transaction open; desk B (another process)
writes and commits; this desk looks; only then A commits.  On PostgreSQL A's audit id is below
B's, so "ids above the newest seen" misses A — the feed must not.  On SQLite the second writer
waits for the first (one writer at a time), and polling sees both.
"""

from __future__ import annotations

import queue
import subprocess
import sys

import pytest

from kyodo_desk.db.engine import Database
from kyodo_desk.services.changes import Change, ChangeListener, ChangeService

WRITER = r"""
import sys
from kyodo_desk.db.engine import Database
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.services.base import SYSTEM, audit

url, entity_id, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
db = Database.from_url(url)
try:
    with db.write() as s:
        audit(s, SYSTEM, AuditAction.UPDATE, "organization", entity_id, "two-desk test")
        s.flush()
        print("flushed", flush=True)
        if mode == "hold" and sys.stdin.readline().strip() == "rollback":
            raise SystemExit(3)
    print("committed", flush=True)
finally:
    db.dispose()
"""


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _end_writers():
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


class Desk:
    """A writer process with its own connection."""

    def __init__(self, url: str, entity_id: int, *, hold: bool):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, url, str(entity_id), "hold" if hold else "go"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        _STARTED.append(self.proc)

    def expect(self, word: str) -> None:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        assert line == word, f"writer said {line!r}, expected {word!r}"

    def finish(self, how: str = "commit") -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write(how + "\n")
        self.proc.stdin.flush()
        self.proc.stdin.close()
        if how == "commit":
            self.expect("committed")
        return self.proc.wait(60)


@pytest.fixture
def feed(db_url):
    database = Database.from_url(db_url)
    yield ChangeService(database)
    database.dispose()


def org_ids(changes: list[Change]) -> list[int | None]:
    return [c.entity_id for c in changes if c.entity == "organization"]


def _postgres(feed: ChangeService) -> None:
    if not feed.can_listen:
        pytest.skip("PostgreSQL only (set KYODO_DESK_TEST_DATABASE)")


def test_a_slower_transaction_committing_after_a_newer_one_is_seen(feed, db_url):
    _postgres(feed)
    cursor = feed.cursor()
    assert feed.look(cursor) == []  # first look: where the log is
    before = feed.marker()
    a = Desk(db_url, 101, hold=True)
    a.expect("flushed")  # A has its audit id, not committed
    b = Desk(db_url, 202, hold=False)
    b.expect("flushed")
    b.expect("committed")
    assert b.proc.wait(60) == 0
    assert org_ids(feed.look(cursor)) == [202]
    seen_marker = feed.marker()
    assert a.finish() == 0
    assert org_ids(feed.look(cursor)) == [101]  # A's smaller id, committed last
    # the old marker (newest id) had moved past A's id: it misses A altogether
    assert (("organization", 101) in feed.changed_entities_since(seen_marker)) is False
    assert ("organization", 101) in feed.changed_entities_since(before)
    assert feed.look(cursor) == []  # and nothing is announced twice


def test_a_rolled_back_transaction_does_not_hold_the_feed_back(feed, db_url):
    _postgres(feed)
    cursor = feed.cursor()
    feed.look(cursor)
    a = Desk(db_url, 303, hold=True)
    a.expect("flushed")
    b = Desk(db_url, 404, hold=False)
    b.expect("flushed")
    b.expect("committed")
    b.proc.wait(60)
    assert org_ids(feed.look(cursor)) == [404]
    assert cursor.gaps  # A's id is still to come, or not
    assert a.finish("rollback") == 3
    assert feed.look(cursor) == []  # no phantom change
    c = Desk(db_url, 505, hold=False)
    c.expect("flushed")
    c.expect("committed")
    c.proc.wait(60)
    assert org_ids(feed.look(cursor)) == [505]
    # the gap is dropped once every transaction older than its fence has ended (another session's
    # long transaction anywhere on the server keeps it a little longer); the rules themselves are
    # checked with given snapshots in test_cursor_*


def test_a_transaction_far_below_the_newest_id_at_the_first_look_is_announced(feed, db_url):
    """The first look keeps every id an open transaction may still commit, however far below the
    newest it is (it used to look at the newest 2,000 ids only)."""
    _postgres(feed)
    from sqlalchemy import insert

    from kyodo_desk.db.models import AuditLog
    from kyodo_desk.domain.enums import AuditAction
    from kyodo_desk.services.base import SYSTEM, audit_row

    a = Desk(db_url, 313, hold=True)
    a.expect("flushed")  # A has taken its audit id and holds its transaction open
    with feed.db.write() as s:  # other desks write 2,500 rows meanwhile, all committed
        s.execute(insert(AuditLog), [audit_row(SYSTEM, AuditAction.UPDATE, "organization", 414) for _ in range(2500)])
    cursor = feed.cursor()
    assert feed.look(cursor) == []  # the desk starts: its first look
    assert cursor.gaps and feed.marker() - min(cursor.gaps) >= 2500  # A's id, far down, is kept
    assert a.finish() == 0
    assert org_ids(feed.look(cursor)) == [313]
    assert feed.look(cursor) == []


def test_first_look_keeps_no_gap_when_no_transaction_was_open():
    from kyodo_desk.services.changes import MAX_GAPS, ChangeCursor, first_look_floor

    # quiet server: nothing in progress at the snapshot, the look's own xid is the next one
    assert first_look_floor(100_000, xmax=900, xip=[], own=900) == 100_000
    cursor = ChangeCursor()
    assert cursor.absorb([], floor=100_000, snapshot_xmin=900, fence=lambda: 901) == []
    assert cursor.floor == 100_000 and not cursor.gaps
    # a transaction in progress (listed, or with an xid at or above xmax): ids below may still come
    assert first_look_floor(100_000, xmax=900, xip=[899], own=900) == 100_000 - MAX_GAPS
    assert first_look_floor(100_000, xmax=900, xip=[], own=902) == 100_000 - MAX_GAPS
    assert first_look_floor(10, xmax=900, xip=[899], own=900) == 0
    cursor = ChangeCursor()
    cursor.absorb(_rows(7, 10), floor=0, snapshot_xmin=899, fence=lambda: 905)
    assert cursor.gaps == dict.fromkeys((1, 2, 3, 4, 5, 6, 8, 9), 905) and cursor.floor == 0


def _rows(*ids: int, action: str = "update"):
    from kyodo_desk.services.changes import _Row

    return [_Row(i, "organization", i * 10, action) for i in ids]


def test_cursor_keeps_a_gap_until_its_transaction_must_have_ended():
    from kyodo_desk.services.changes import ChangeCursor

    cursor = ChangeCursor()
    fences = iter([500, 600])
    assert cursor.absorb(_rows(1, 2, 3), floor=0, snapshot_xmin=400, fence=lambda: next(fences)) == []
    assert cursor.floor == 3 and not cursor.gaps
    # 4 is taken by a slow transaction, 5 committed: 4 is a gap fenced at xid 500
    assert [c.audit_id for c in cursor.absorb(_rows(5), floor=3, snapshot_xmin=450, fence=lambda: next(fences))] == [5]
    assert cursor.gaps == {4: 500} and cursor.floor == 3
    # older transactions still running (xmin 480 < 500): the gap stays, whatever time has passed
    assert cursor.absorb(_rows(5), floor=3, snapshot_xmin=480, fence=None) == []
    assert cursor.gaps == {4: 500}
    # the slow transaction commits: its row is announced, the floor moves past both
    got = cursor.absorb(_rows(4, 5), floor=3, snapshot_xmin=490, fence=None)
    assert [(c.audit_id, c.entity_id) for c in got] == [(4, 40)]
    assert cursor.floor == 5 and not cursor.gaps


def test_cursor_drops_a_rolled_back_gap_and_announces_nothing_twice():
    from kyodo_desk.services.changes import Change, ChangeCursor

    cursor = ChangeCursor()
    cursor.absorb(_rows(1), floor=0, snapshot_xmin=10, fence=lambda: 20)
    cursor.absorb(_rows(3), floor=1, snapshot_xmin=15, fence=lambda: 30)
    assert cursor.gaps == {2: 30}
    assert cursor.absorb(_rows(3), floor=1, snapshot_xmin=30, fence=None) == []
    assert not cursor.gaps and cursor.floor == 3  # every xid below the fence ended: 2 never comes
    assert cursor.note(Change("organization", 40, 4)) is True  # notified first ...
    assert cursor.absorb(_rows(4), floor=3, snapshot_xmin=31, fence=None) == []  # ... then read: once
    assert cursor.note(Change("organization", 40, 4)) is False
    assert cursor.absorb(_rows(5, action="view"), floor=4, snapshot_xmin=31, fence=None) == []  # reads are no change


def test_listener_hears_each_commit_once_in_commit_order_and_catches_up_after_a_break(feed, db_url):
    _postgres(feed)
    heard: queue.Queue[Change] = queue.Queue()
    cursor = feed.cursor()

    def on_changes(changes: list[Change]) -> None:
        for c in changes:
            heard.put(c)

    listener = ChangeListener(feed, cursor, on_changes, wait_s=0.2)
    listener.start()
    try:
        assert listener.connected.wait(20)
        a = Desk(db_url, 505, hold=True)
        a.expect("flushed")
        b = Desk(db_url, 606, hold=False)
        b.expect("flushed")
        b.expect("committed")
        b.proc.wait(60)
        assert heard.get(timeout=20).entity_id == 606
        assert heard.empty()  # NOTIFY is sent with A's transaction: nothing before A commits
        assert a.finish() == 0
        assert heard.get(timeout=20).entity_id == 505
    finally:
        listener.stop()
    assert not listener.running

    # while no listener runs (a lost connection): A flushed before B, both commit, B first
    a = Desk(db_url, 707, hold=True)
    a.expect("flushed")
    b = Desk(db_url, 808, hold=False)
    b.expect("flushed")
    b.expect("committed")
    b.proc.wait(60)
    assert a.finish() == 0
    again = ChangeListener(feed, cursor, on_changes, wait_s=0.2)
    again.start()
    try:
        assert again.connected.wait(20)
        got = {heard.get(timeout=20).entity_id, heard.get(timeout=20).entity_id}
        assert got == {707, 808}
        assert heard.empty()
    finally:
        again.stop()


def test_listener_reconnects_after_the_server_drops_its_connection(feed, db_url):
    _postgres(feed)
    heard: queue.Queue[Change] = queue.Queue()
    listener = ChangeListener(feed, feed.cursor(), lambda cs: [heard.put(c) for c in cs], wait_s=0.2)
    listener.RETRY_S = (0.2,)
    listener.start()
    try:
        assert listener.connected.wait(20)
        from sqlalchemy import create_engine, text

        from tests.conftest import PG_URL

        # the owner's connection (PG_URL): a desk role may neither see other sessions' queries nor
        # end them — here the test plays the server (or its administrator) dropping the listener
        owner = create_engine(PG_URL)
        with owner.connect() as conn:
            dropped = conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE query LIKE 'LISTEN kyodo_desk_changes%' AND pid <> pg_backend_pid()"
                    " AND datname = current_database()"
                )
            )
        owner.dispose()
        assert dropped >= 1
        desk = Desk(db_url, 909, hold=False)
        desk.expect("flushed")
        desk.expect("committed")
        desk.proc.wait(60)
        assert heard.get(timeout=30).entity_id == 909  # by notification or by the catch-up look
    finally:
        listener.stop()


def test_polling_on_sqlite_sees_both_desks_writes(feed, db_url):
    if feed.can_listen:
        pytest.skip("SQLite's polling path")
    cursor = feed.cursor()
    assert feed.look(cursor) == []
    a = Desk(db_url, 111, hold=True)
    a.expect("flushed")  # A holds SQLite's write lock
    b = Desk(db_url, 222, hold=False)  # B waits for it (busy_timeout), it does not fail
    assert feed.look(cursor) == []  # nothing committed yet
    assert a.finish() == 0
    b.expect("flushed")
    b.expect("committed")
    assert b.proc.wait(60) == 0
    assert org_ids(feed.look(cursor)) == [111, 222]
    assert feed.look(cursor) == []
