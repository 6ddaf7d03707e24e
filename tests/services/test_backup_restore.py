"""Backups and restore of the desk's database (services.backup), as an administrator meets them."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from kyodo_desk.db import backup_files
from kyodo_desk.db.engine import Database
from kyodo_desk.db.migrate import head_revision
from kyodo_desk.services import backup
from kyodo_desk.services.base import SYSTEM, PermissionDenied
from kyodo_desk.services.organizations import OrganizationInput
from tests.conftest import PG_URL

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="the SQLite file itself")


def _org(services, name: str) -> int:
    return services.organizations.create(SYSTEM, OrganizationInput(name=name, name_kana="テスト")).id


def _names(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("select name from organization")}


def _old_backup(folder: Path, db_path: Path, label: str, when: dt.datetime) -> Path:
    target = backup_files.backup_target(folder, db_path.stem, label, now=when)
    backup_files.copy_database(db_path, target)
    return target


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@sqlite_only
def test_first_start_of_the_day_backs_up_once_and_keep_n_counts_every_kind(db, services, tmp_path):
    _org(services, "広坂町会")
    folder = tmp_path / "backups"
    path = db.sqlite_path
    old = [
        _old_backup(folder, path, "before-upgrade-0003", dt.datetime(2026, 1, 1, 9)),
        _old_backup(folder, path, "backup", dt.datetime(2026, 1, 2, 9)),
        _old_backup(folder, path, "before-restore", dt.datetime(2026, 1, 3, 9)),
        _old_backup(folder, path, "daily", dt.datetime(2026, 1, 4, 9)),
    ]
    made = backup.daily_backup_if_due(path, folder, keep=3)
    assert made is not None and "daily" in made.name and "広坂町会" in _names(made)
    assert backup.daily_backup_if_due(path, folder, keep=3) is None  # the second start of the day
    left = [b.path for b in backup.backups(path, folder)]
    assert left == [made, old[3], old[2]]  # newest three, whatever their kind
    assert not old[0].exists()  # before-upgrade copies are pruned with the rest


@sqlite_only
def test_database_logs_and_backups_are_owner_only(db, services, tmp_path):
    _org(services, "広坂町会")
    path = db.sqlite_path
    with db.read() as s:  # an open connection: -wal and -shm exist now
        s.execute(__import__("sqlalchemy").text("select 1"))
        sides = [p for p in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")) if p.exists()]
        assert sides and all(_mode(p) == 0o600 for p in sides)
    assert _mode(path) == 0o600
    made = backup.backup_now(path, tmp_path / "bk")
    assert _mode(made) == 0o600 and _mode(tmp_path / "bk") == 0o700


def test_a_file_an_older_version_left_readable_is_tightened_on_start(tmp_path):
    from kyodo_desk.config import default_paths, setup_logging

    paths = default_paths(tmp_path / "home")
    paths.data_dir.mkdir(parents=True, mode=0o755)
    paths.backup_dir.mkdir(parents=True, mode=0o755)
    (paths.data_dir / "kyodo_desk.db").write_bytes(b"")
    (paths.backup_dir / "kyodo_desk-20260101-090000-daily.db").write_bytes(b"")
    for f in (paths.data_dir / "kyodo_desk.db", paths.backup_dir / "kyodo_desk-20260101-090000-daily.db"):
        f.chmod(0o644)
    log = setup_logging(paths)
    assert _mode(paths.data_dir) == _mode(paths.backup_dir) == _mode(paths.log_dir) == 0o700
    assert _mode(paths.data_dir / "kyodo_desk.db") == 0o600 == _mode(log)
    assert _mode(paths.backup_dir / "kyodo_desk-20260101-090000-daily.db") == 0o600


@sqlite_only
def test_restore_puts_the_backup_in_place_keeps_the_current_file_and_drops_a_stale_wal(db, services, tmp_path):
    path = db.sqlite_path
    _org(services, "残る町会")
    made = backup.backup_now(path, tmp_path / "bk")
    _org(services, "後から入力した町会")
    db.dispose()
    # A stale -wal from another moment of the file (what a manual copy over the .db leaves behind).
    writer = sqlite3.connect(path)
    writer.execute("pragma journal_mode=wal")
    writer.execute("update organization set name = 'WALにある行' where name = '後から入力した町会'")
    writer.commit()
    stale = path.read_bytes(), path.with_name(path.name + "-wal").read_bytes()
    writer.close()
    path.with_name(path.name + "-wal").write_bytes(stale[1])

    result = backup.restore(SYSTEM, path, made, tmp_path / "bk")

    assert not path.with_name(path.name + "-wal").exists() and not path.with_name(path.name + "-shm").exists()
    assert _names(path) == {"残る町会"}
    assert backup_files.check(path, full=True) == "ok"
    assert result.revision == head_revision() and result.kept_copy is not None
    assert "before-restore" in result.kept_copy.name and "WALにある行" in _names(result.kept_copy)
    assert _mode(path) == 0o600
    with sqlite3.connect(path) as conn:  # the restore itself is in the audit trail (file names only)
        detail = conn.execute("select detail from audit_log where entity = 'database'").fetchone()[0]
    assert made.name in detail


@sqlite_only
def test_restore_is_refused_while_the_database_is_open(db, services, tmp_path):
    path = db.sqlite_path
    _org(services, "広坂町会")
    made = backup.backup_now(path, tmp_path / "bk")
    _org(services, "開いている間の入力")  # this desk still has its connection open
    with pytest.raises(backup.DatabaseInUse) as refused:
        backup.restore(SYSTEM, path, made, tmp_path / "bk")
    assert "閉じ" in str(refused.value)
    assert "開いている間の入力" in _names(path)  # nothing replaced
    assert [b.kind for b in backup.backups(path, tmp_path / "bk")] == ["backup"]  # and no copy written


@sqlite_only
def test_restore_refuses_a_damaged_a_foreign_and_a_newer_backup(db, services, tmp_path, admin, staff_actor):
    path = db.sqlite_path
    _org(services, "広坂町会")
    good = backup.backup_now(path, tmp_path / "bk")
    db.dispose()
    damaged = tmp_path / "damaged.db"
    shutil.copyfile(good, damaged)
    with open(damaged, "r+b") as fh:  # scribble over the tables' pages
        fh.seek(4096 * 2)
        fh.write(os.urandom(4096 * 6))
    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("create table t(x)").connection.close()
    newer = tmp_path / "newer.db"
    shutil.copyfile(good, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("update alembic_version set version_num = '9999'")

    assert not backup.inspect_backup(damaged).ok
    assert "協働デスクのデータベースではありません" in backup.inspect_backup(foreign).problem
    problem = backup.inspect_backup(newer).problem
    assert "9999" in problem and head_revision() in problem and "更新してから" in problem
    for refused in (damaged, foreign, newer, tmp_path / "missing.db"):
        with pytest.raises(backup.BackupError):
            backup.restore(SYSTEM, path, refused, tmp_path / "bk")
    with pytest.raises(PermissionDenied):
        backup.restore(staff_actor, path, good, tmp_path / "bk")
    assert "広坂町会" in _names(path)
    assert [b.kind for b in backup.backups(path, tmp_path / "bk")] == ["backup"]


@sqlite_only
def test_start_up_check_refuses_a_damaged_file_and_names_the_newest_good_backup(db, services, tmp_path):
    path, folder = db.sqlite_path, tmp_path / "bk"
    _org(services, "広坂町会")
    good = _old_backup(folder, path, "daily", dt.datetime(2026, 3, 1, 9))
    bad = _old_backup(folder, path, "daily", dt.datetime(2026, 3, 2, 9))
    db.dispose()
    for victim in (bad, path):
        with open(victim, "r+b") as fh:
            fh.seek(4096 * 2)
            fh.write(os.urandom(4096 * 6))
    with pytest.raises(backup.DamagedDatabase) as refused:
        backup.check_at_start(path, folder)
    message = str(refused.value)
    assert "壊れている" in message and str(good) in message and str(bad) not in message
    assert f'kyodo-desk restore "{good}"' in message
    backup.restore(SYSTEM, path, good, folder)  # and that advice works
    backup.check_at_start(path, folder)
    assert _names(path) == {"広坂町会"}


def test_postgres_backup_without_pg_dump_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump anywhere
    url = "postgresql+psycopg://desk:secret@db.example:5433/kyodo"
    with pytest.raises(backup.BackupError) as refused:
        backup.pg_backup(url, tmp_path / "bk")
    message = str(refused.value)
    assert "pg_dump が見つかりません" in message
    assert "pg_dump --format=custom" in message and "postgresql://desk@db.example:5433/kyodo" in message
    assert "secret" not in message
    assert not (tmp_path / "bk").exists() or not list((tmp_path / "bk").iterdir())


@pytest.mark.skipif(not PG_URL or shutil.which("pg_dump") is None, reason="needs PostgreSQL and pg_dump")
def test_postgres_backup_with_pg_dump_is_restorable(services, tmp_path):
    import subprocess

    _org(services, "広坂町会")
    made = backup.pg_backup(PG_URL, tmp_path / "bk", keep=2)
    assert made.suffix == ".dump" and _mode(made) == 0o600
    listing = subprocess.run(["pg_restore", "--list", str(made)], capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public organization" in listing
    for _ in range(2):
        backup.pg_backup(PG_URL, tmp_path / "bk", keep=2)
    assert len(backup.pg_backups(PG_URL, tmp_path / "bk")) == 2  # keep-N applies to dumps too
    assert "pg_restore --clean" in backup.pg_restore_instructions(PG_URL, made)


def test_a_libpq_url_keeps_the_options_of_the_desk_url():
    """libpq percent-decodes a URI and reads "+" as a plus sign: a space in ``options`` must be %20."""
    libpq, password = backup._libpq_url("postgresql+psycopg://desk:secret@db:5432/kyodo?options=-c%20role%3Dkyodo_desk")
    assert libpq == "postgresql://desk@db:5432/kyodo?options=-c%20role%3Dkyodo_desk" and password == "secret"


@pytest.mark.skipif(not PG_URL or shutil.which("pg_dump") is None, reason="needs PostgreSQL and pg_dump")
def test_postgres_backup_through_the_desks_own_url(services, db_url, tmp_path):
    """The desk's URL as the tests use it (on PostgreSQL with ``options=-c role=…``: the desk role)."""
    import subprocess

    _org(services, "広坂町会")
    made = backup.pg_backup(db_url, tmp_path / "bk", keep=2)
    listing = subprocess.run(["pg_restore", "--list", str(made)], capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public organization" in listing


def test_restore_of_a_postgres_database_says_how(tmp_path):
    text = backup.pg_restore_instructions("postgresql+psycopg://desk:secret@db:5432/kyodo", tmp_path / "x.dump")
    assert "pg_restore" in text and "secret" not in text and "閉じて" in text
    assert "kyodo-desk db upgrade" in text  # a desk never upgrades the shared schema itself


def test_database_url_of_the_fixture_is_usable(db):
    assert isinstance(db, Database)
