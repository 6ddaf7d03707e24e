"""A lost connection (issue 16): through a TCP proxy on 127.0.0.1 in front of the PostgreSQL
server that drops every connection and refuses new ones for a few seconds, a desk process keeps
writing consultations and loans; afterwards every save it was told was done exists exactly once,
and nothing was saved twice.  And the worst case on its own: the COMMIT reaches the server but the
reply is lost — the retry with the same request key returns the stored row.

PostgreSQL only (SQLite is a file on this PC: there is no connection to lose).  The machine's
PostgreSQL cluster is never stopped: only the proxy's connections are cut.
"""

from __future__ import annotations

import datetime as dt
import queue
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.engine import Database
from kyodo_desk.db.lending_models import Loan
from kyodo_desk.services.connection_loss import is_connection_lost
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.container import Services
from kyodo_desk.services.inventory import DeviceInput
from kyodo_desk.services.loans import CheckoutRequest
from kyodo_desk.services.organizations import OrganizationInput
from tests.conftest import PG_URL
from tests.reliability.tcp_proxy import TcpProxy

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs KYODO_DESK_TEST_DATABASE=postgresql+psycopg://...")

WRITER = Path(__file__).with_name("conn_writer.py")
DROP_S = (5.0, 10.0, 30.0)  # how long each drop refuses connections (the 30 s network drop last)
TERMINATIONS = 2  # the server ends the desk's sessions (「terminating connection due to administrator command」)
ACKS_BETWEEN = 10  # saves confirmed after each reconnection before the next drop


@pytest.fixture
def proxy(db_url):
    url = make_url(db_url)
    p = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    yield p
    p.close()


@pytest.fixture
def desk_data(services, admin, staff_actor):
    category = services.consultation_categories.for_year(dt.date.today().year)[-1].id
    model = services.inventory.save_model(admin, "tablet", "Apple", "iPad", [])
    devices = [services.inventory.create(admin, DeviceInput(model_id=model.id)).id for _ in range(80)]
    org = services.organizations.create(admin, OrganizationInput(kind="neighborhood", name="広坂町会"))
    return category, org.id, devices


class Writer:
    def __init__(self, url: str, args: list[str]):
        root = Path(__file__).resolve().parents[2]
        self.proc = subprocess.Popen(
            [sys.executable, str(WRITER), url, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.acks: list[tuple[str, int, str, int]] = []
        self.lost = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put("")

    def _take(self, timeout: float = 180) -> str:
        return self._handle(self.lines.get(timeout=timeout))

    def _handle(self, line: str) -> str:
        words = line.split()
        if words and words[0] == "ack":
            self.acks.append((words[1], int(words[2]), words[3], int(words[4])))
        elif words and words[0] == "lost":
            self.lost += 1
        return line

    def wait_for_acks(self, more: int) -> None:
        target = len(self.acks) + more
        while len(self.acks) < target:
            assert self._take() != "", "the writer stopped"

    def drain(self) -> None:
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                return
            if line == "":
                self.lines.put(line)  # the writer ended: the next wait says so
                return
            self._handle(line)

    def wait_for_lost(self) -> None:
        before = self.lost
        while self.lost == before:
            assert self._take() != "", "the writer stopped"

    def finish(self) -> tuple[int, int]:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        while True:
            line = self._take()
            assert line != "", "the writer ended without its summary"
            if line.startswith("done"):
                _done, acks, lost = line.split()
                assert self.proc.wait(60) == 0
                return int(acks), int(lost)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def test_a_desk_writing_through_dropped_connections_loses_nothing_and_saves_nothing_twice(
    db, db_url, proxy, desk_data, staff_actor
):
    category, org_id, devices = desk_data
    writer = Writer(
        proxy.url_for(db_url), [str(staff_actor.staff_id), str(category), str(org_id), ",".join(map(str, devices))]
    )
    try:
        writer.wait_for_acks(ACKS_BETWEEN)
        for seconds in DROP_S:
            proxy.go_down()
            writer.wait_for_lost()  # the desk noticed: its save is being retried
            threading.Event().wait(seconds)  # the server stays unreachable a while (not a timing assertion)
            proxy.come_up()
            writer.wait_for_acks(ACKS_BETWEEN)  # reconnected and saving again
        for _end in range(TERMINATIONS):  # as a server restart does: the server ends the sessions
            before = writer.lost
            for _try in range(300):  # until one of its saves is cut (an idle one just reconnects)
                _terminate_sessions(db)
                threading.Event().wait(0.05)
                writer.drain()
                if writer.lost > before:
                    break
            assert writer.lost > before, "no save was cut by ending the sessions"
            writer.wait_for_acks(ACKS_BETWEEN)
        acks, lost = writer.finish()
    finally:
        writer.kill()

    assert proxy.drops == len(DROP_S)
    assert acks == len(writer.acks) and lost >= len(DROP_S) + TERMINATIONS
    with db.read() as s:
        consultations = {r.request_key: r for r in s.scalars(select(Consultation))}
        loans = {r.request_key: r for r in s.scalars(select(Loan))}
        # every acknowledged save is there, once, under the id the desk was given
        for kind, seq, key, rec_id in writer.acks:
            rows = consultations if kind == "consultation" else loans
            assert key in rows, f"{kind} #{seq} acknowledged but not stored"
            assert rows[key].id == rec_id
        # nothing stored that the desk was not told about, and no logical save stored twice
        assert len(consultations) == sum(1 for a in writer.acks if a[0] == "consultation")
        assert len(loans) == sum(1 for a in writer.acks if a[0] == "loan")
        summaries = [r.summary for r in consultations.values()]
        purposes = [r.purpose for r in loans.values()]
        assert len(set(summaries)) == len(summaries) and len(set(purposes)) == len(purposes)
        for table in ("consultation", "loan"):
            dupes = s.execute(
                text(f"SELECT request_key FROM {table} GROUP BY request_key HAVING count(*) > 1")  # noqa: S608
            ).all()
            assert dupes == []
    print(
        f"\nlost-connection run: {len(writer.acks)} saves acknowledged "
        f"({len(consultations)} consultations, {len(loans)} loans), {len(DROP_S)} drops "
        f"({', '.join(f'{d:.0f}' for d in DROP_S)} s) and {TERMINATIONS} ends of the sessions by the server, "
        f"{lost} failed tries retried, duplicates 0"
    )


def _terminate_sessions(db) -> None:
    """End every other session on this test's own database (never another database's).  As the
    owner (PG_URL): the desk role the tests run as may not end the sessions of the user they
    signed in as — here the test plays the server dropping them."""
    owner = create_engine(PG_URL)
    with owner.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        )
        conn.commit()
    owner.dispose()


def _create(services, actor, category, key):
    return services.consultations.create(
        actor, ConsultationInput(summary="返答が届かなかった受付", category_ids=(category,)), request_key=key
    )


def _count(db, **where) -> int:
    with db.read() as s:
        stmt = select(func.count()).select_from(Consultation)
        for name, value in where.items():
            stmt = stmt.where(getattr(Consultation, name) == value)
        return s.scalar(stmt) or 0


def test_a_commit_whose_reply_is_lost_is_not_saved_twice_when_retried_with_its_key(
    db, db_url, proxy, desk_data, staff_actor
):
    category, org_id, devices = desk_data
    desk_db = Database.from_url(proxy.url_for(db_url))
    desk = Services(desk_db)
    try:
        key = str(uuid.uuid4())
        proxy.cut_after_commit()
        with pytest.raises(DBAPIError) as lost:
            _create(desk, staff_actor, category, key)
        assert is_connection_lost(lost.value)
        assert proxy.commit_cut.wait(10)
        assert _count(db, request_key=key) == 1  # the server did commit it
        again = _create(desk, staff_actor, category, key)  # the desk retries, same key
        assert _count(db, request_key=key) == 1
        with db.read() as s:
            assert s.scalar(select(Consultation.id).where(Consultation.request_key == key)) == again.id

        # a loan likewise: the retry returns the loan (its device is out on it), no refusal, no second loan
        loan_key = str(uuid.uuid4())
        due = desk.calendar.calendar().next_open_day(dt.date.today() + dt.timedelta(days=7))
        req = CheckoutRequest(
            organization_id=org_id,
            responsible_name="山田 太郎",
            contact_phone="090-1234-5678",
            device_ids=(devices[0],),
            due_on=due,
        )
        proxy.cut_after_commit()
        with pytest.raises(DBAPIError) as lost_loan:
            desk.loans.checkout(staff_actor, req, request_key=loan_key)
        assert is_connection_lost(lost_loan.value)
        assert proxy.commit_cut.wait(10)
        loan = desk.loans.checkout(staff_actor, req, request_key=loan_key)
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(Loan)) == 1
            assert s.scalar(select(Loan.id).where(Loan.request_key == loan_key)) == loan.id

        # without a key the same retry stores it twice: the key is what prevents it
        proxy.cut_after_commit()
        with pytest.raises(DBAPIError):
            _create(desk, staff_actor, category, None)
        assert proxy.commit_cut.wait(10)
        _create(desk, staff_actor, category, None)
        assert _count(db, summary="返答が届かなかった受付") == 3  # 1 with the key + 2 without
    finally:
        desk_db.dispose()
