"""SQLite database files on disk: consistent copies, checks, the backup folder.

Backups are named ``<stem>-YYYYMMDD-HHMMSS-<label>.db`` (``kyodo_desk-20260401-083012-daily.db``);
labels: ``daily`` (first start of a day), ``backup`` (``kyodo-desk backup`` / 今すぐバックアップ),
``before-upgrade-<rev>`` (before a migration), ``before-restore`` (the file a restore replaced).
Keep-N applies to all of them together.  Every file and folder written here is owner-only (POSIX).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kyodo_desk.config import create_private_file, database_side_files, private_dir, private_file

log = logging.getLogger(__name__)
_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<label>[A-Za-z0-9_.-]+?)(?:-(?P<n>\d+))?\.(?P<ext>db|dump)$"
)


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken_at: dt.datetime
    label: str

    @property
    def kind(self) -> str:
        """daily / backup / before-upgrade / before-restore / pgdump."""
        return "before-upgrade" if self.label.startswith("before-upgrade") else self.label


def parse_backup_name(path: Path, stem: str | None = None) -> BackupFile | None:
    match = _NAME.match(path.name)
    if match is None or (stem is not None and match["stem"] != stem):
        return None
    taken = dt.datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
    return BackupFile(path, taken, match["label"])


def list_backups(folder: Path, stem: str, ext: str = "db") -> list[BackupFile]:
    """Backups of the database *stem* in *folder*, newest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"{stem}-*.{ext}"):
        item = parse_backup_name(path, stem)
        if item is not None:
            found.append(item)
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def prune_backups(folder: Path, stem: str, keep: int, ext: str = "db") -> list[Path]:
    """Delete all but the *keep* newest backups of *stem* (every kind counts); returns the deleted."""
    removed = []
    for old in list_backups(folder, stem, ext)[max(1, int(keep)) :]:
        for path in (old.path, *database_side_files(old.path)):
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            if path == old.path:
                removed.append(path)
    if removed:
        log.info("pruned %d old backup(s) of %s in %s", len(removed), stem, folder)
    return removed


def backup_target(folder: Path, stem: str, label: str, ext: str = "db", now: dt.datetime | None = None) -> Path:
    """A new, unused backup file name in *folder* (created owner-only)."""
    private_dir(folder)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{stem}-{stamp}-{label}.{ext}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{stamp}-{label}-{n}.{ext}"
    create_private_file(target)
    return target


def backup_sqlite(source: Path, backup_dir: Path, label: str) -> Path:
    """Consistent copy of a live SQLite database (WAL included) via the backup API."""
    target = backup_target(backup_dir, source.stem, label)
    try:
        copy_database(source, target)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target


def copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup from *source* into *target* (safe while other desks write)."""
    src = sqlite3.connect(str(source), timeout=15)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    private_file(target)


def raw_copy(source: Path, target: Path) -> None:
    """Byte copy of *source* and its side files (for a file SQLite cannot read any more)."""
    shutil.copyfile(source, target)
    private_file(target)
    for side, copy in zip(database_side_files(source), database_side_files(target)):
        if side.exists():
            shutil.copyfile(side, copy)
            private_file(copy)


def check(path: Path, *, full: bool = False) -> str:
    """``ok``, or the first problem SQLite reports (``PRAGMA quick_check`` / ``integrity_check``)."""
    if not path.is_file():
        return "missing"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=15)
    except sqlite3.Error as exc:
        return f"cannot open ({type(exc).__name__})"
    try:
        rows = conn.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    finally:
        conn.close()
    results = [str(r[0]) for r in rows]
    return "ok" if results == ["ok"] else "; ".join(results[:3])


def file_revision(path: Path) -> str | None:
    """The Alembic revision stored in a database file (None: no alembic_version table or row)."""
    conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=15)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return row[0] if row else None


def newest_good_backup(folder: Path, stem: str) -> BackupFile | None:
    """The newest backup of *stem* that passes ``PRAGMA quick_check``."""
    for item in list_backups(folder, stem):
        if check(item.path) == "ok":
            return item
    return None


def is_open_elsewhere(path: Path) -> bool:
    """True while any connection (another window, a running command) has *path* open.

    An idle WAL connection keeps a shared lock on the file, so an exclusive-mode transaction
    with no waiting fails exactly while someone has it open.
    """
    if not path.exists():
        return False
    conn = sqlite3.connect(str(path), timeout=0, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:  # damaged: nobody could be using it
        return False
    finally:
        conn.close()
    return False
