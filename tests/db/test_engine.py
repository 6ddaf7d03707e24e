"""db/engine.py: the SQLite set-up is really in force, writes take the lock up front, and a
database file on a network share is refused with an explanation."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from kyodo_desk.config import default_paths, resolve_database_url
from kyodo_desk.db.engine import BUSY_TIMEOUT_MS, Database, NetworkShareError, check_sqlite_location, is_network_path
from tests.db.conftest import sqlite_only

# ---------------------------------------------------------------- pragmas


@sqlite_only
def test_every_new_sqlite_connection_has_the_house_settings(db):
    with db.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL
        assert pragma("secure_delete") == 1
        assert pragma("busy_timeout") == BUSY_TIMEOUT_MS


@sqlite_only
def test_foreign_keys_are_enforced(db):
    with pytest.raises(Exception, match="FOREIGN KEY"):
        with db.write() as s:
            s.execute(
                text(
                    "INSERT INTO audit_log (at, staff_id, action, entity, detail) VALUES ('2025-01-01', 999, 'view', 'x', '')"
                )
            )


# ---------------------------------------------------------------- transaction mode


def _raw_write(path: Path) -> None:
    con = sqlite3.connect(str(path), timeout=0, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
    finally:
        con.close()


@sqlite_only
def test_write_session_holds_the_write_lock_from_its_first_statement(db):
    with db.write() as s:
        s.execute(text("SELECT 1"))  # a read, but inside a write session: BEGIN IMMEDIATE
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            _raw_write(db.sqlite_path)
    _raw_write(db.sqlite_path)  # released on commit


@sqlite_only
def test_read_session_does_not_block_writers(db):
    with db.read() as s:
        s.execute(text("SELECT count(*) FROM organization"))
        _raw_write(db.sqlite_path)  # no exception


@sqlite_only
def test_second_write_session_waits_for_the_first_instead_of_failing(db):
    other = Database.from_url(str(db.engine.url))  # a second desk on the same file
    events: list[str] = []
    first_has_lock = threading.Event()

    def first():
        with db.write() as s:
            s.execute(text("SELECT 1"))
            first_has_lock.set()
            time.sleep(0.4)
            s.execute(text("INSERT INTO setting (key, value, updated_at) VALUES ('a', '1', '2025-01-01')"))
            events.append("first commits")

    def second():
        first_has_lock.wait(5)
        with other.write() as s:
            s.execute(text("SELECT 1"))
            events.append("second has lock")
            s.execute(text("UPDATE setting SET value = '2' WHERE key = 'a'"))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    other.dispose()
    assert events == ["first commits", "second has lock"]
    with db.read() as s:
        assert s.execute(text("SELECT value FROM setting WHERE key = 'a'")).scalar() == "2"


def test_write_session_rolls_back_on_error(db):
    with pytest.raises(RuntimeError):
        with db.write() as s:
            s.execute(text("INSERT INTO setting (key, value, updated_at) VALUES ('b', '1', '2025-01-01')"))
            raise RuntimeError("boom")
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM setting WHERE key = 'b'")).scalar() == 0


# ---------------------------------------------------------------- network shares


@pytest.mark.parametrize("path", ["\\\\server\\share\\desk.db", "//server/share/desk.db", "//nas/kyodo/kyodo_desk.db"])
def test_unc_paths_are_network_paths(path):
    assert is_network_path(Path(path))


def test_local_folder_is_not_a_network_path(tmp_path):
    assert not is_network_path(tmp_path / "desk.db")


def test_mounted_network_file_system_is_detected(monkeypatch, tmp_path):
    from kyodo_desk.db import engine

    mount = tmp_path / "nas"
    monkeypatch.setattr(
        engine, "_mount_table", lambda: [f"//fileserver/kyodo {mount} cifs rw 0 0", "/dev/sda1 / ext4 rw 0 0"]
    )
    assert is_network_path(mount / "desk.db")
    assert not is_network_path(tmp_path / "local.db")


def test_network_share_is_refused_with_a_japanese_explanation():
    with pytest.raises(NetworkShareError) as err:
        check_sqlite_location(Path("//server/share/desk.db"))
    message = str(err.value)
    assert "共有フォルダ" in message and "PostgreSQL" in message and "//server/share/desk.db" in message


def test_unc_database_option_is_refused_before_anything_is_created(tmp_path):
    url = resolve_database_url("\\\\server\\share\\desk.db", default_paths(tmp_path))
    with pytest.raises(NetworkShareError):
        Database.from_url(url)


def test_describe_names_the_database(db):
    assert db.describe().startswith(("SQLite: ", "PostgreSQL: "))
