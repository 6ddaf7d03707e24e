"""Restore drill: a backup taken while a desk keeps writing, restored, holds every row that was
acknowledged before the backup began, and the restored database is sound.  SQLite (the file,
``kyodo-desk restore``'s path) and PostgreSQL (``kyodo-desk backup``'s pg_dump, put back with
pg_restore as the restore text says)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kyodo_desk.db import backup_files
from kyodo_desk.db.engine import Database
from kyodo_desk.services import backup
from kyodo_desk.services.base import SYSTEM
from kyodo_desk.services.container import Services
from kyodo_desk.services.organizations import OrganizationInput
from tests.conftest import PG_URL


class Writer:
    """Another desk saving organizations one after another until told to stop."""

    def __init__(self, db_url: str):
        self.db = Database.from_url(db_url)
        self.services = Services(self.db)
        self.acked: list[int] = []
        self.lock = threading.Condition()
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        n = 0
        try:
            while not self.stop.is_set():
                rec = self.services.organizations.create(
                    SYSTEM, OrganizationInput(name=f"訓練団体{n}", name_kana="クンレン")
                )
                with self.lock:
                    self.acked.append(rec.id)  # acknowledged: the save returned to the desk
                    self.lock.notify_all()
                n += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
            with self.lock:
                self.lock.notify_all()

    def wait_for(self, count: int) -> list[int]:
        with self.lock:
            assert self.lock.wait_for(lambda: len(self.acked) >= count or self.error is not None, timeout=60)
            assert self.error is None, self.error
            return list(self.acked)

    def __enter__(self) -> "Writer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=60)
        self.db.dispose()


@pytest.mark.skipif(bool(PG_URL), reason="the SQLite file")
def test_sqlite_restore_drill(db_url, tmp_path):
    path = make_url(db_url).database
    folder = tmp_path / "backups"
    with Writer(db_url) as desk:
        before = desk.wait_for(10)  # acknowledged before the backup starts
        made = backup.backup_now(Path(path), folder)
        after = desk.wait_for(len(before) + 10)  # the desk went on writing during and after the copy
    assert desk.error is None
    restored = backup.restore(SYSTEM, Path(path), made, folder)
    with sqlite3.connect(path) as conn:
        ids = {r[0] for r in conn.execute("select id from organization")}
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("pragma foreign_key_check").fetchall() == []
    assert set(before) <= ids  # every acknowledged row is there
    assert after[-1] not in ids  # and the restore really went back in time
    assert restored.kept_copy is not None and set(after) <= {
        r[0] for r in sqlite3.connect(restored.kept_copy).execute("select id from organization")
    }  # nothing written after the backup is lost for good: it is in the kept copy
    assert backup_files.check(restored.kept_copy) == "ok"


@pytest.fixture
def scratch_pg_name():
    base = make_url(PG_URL)
    name = f"{base.database}_drill_{os.getpid()}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield name
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.mark.skipif(not PG_URL or shutil.which("pg_restore") is None, reason="needs PostgreSQL and its client tools")
def test_postgres_restore_drill(db_url, tmp_path, scratch_pg_name):
    from kyodo_desk.db.migrate import current_revision, head_revision

    with Writer(db_url) as desk:
        before = desk.wait_for(10)
        made = backup.pg_backup(db_url, tmp_path / "backups")
        desk.wait_for(len(before) + 10)
    target = make_url(PG_URL).set(database=scratch_pg_name)
    libpq = target.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        ["pg_restore", "--no-owner", f"--dbname={libpq}", str(made)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    restored = Database.from_url(target.render_as_string(hide_password=False))
    try:
        with restored.engine.connect() as conn:
            ids = {r[0] for r in conn.execute(text("select id from organization"))}
        assert set(before) <= ids
        assert current_revision(restored) == head_revision()
    finally:
        restored.dispose()
