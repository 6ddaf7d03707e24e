"""The only place that creates engines and configures SQLite.

SQLite (the default, one file in the data folder):
  journal_mode=WAL, foreign_keys=ON, busy_timeout, synchronous=FULL, secure_delete=ON.
  pysqlite's own transaction handling is switched off so that we emit BEGIN ourselves:
  read sessions use a plain (deferred) BEGIN, write sessions use BEGIN IMMEDIATE, which takes
  the write lock up front and waits ``busy_timeout`` for it instead of failing half-way with
  "database is locked".

Statement parameters are hidden from error text and echo logging (``hide_parameters=True``):
they are consultation text, names and phone numbers, and an error's text reaches the log file.

PostgreSQL (several desks): the same code; write sessions run at READ COMMITTED and rely on
constraints and row locks for races.  A deadlock or serialization failure rolls the transaction
back on the server; :mod:`kyodo_desk.services.conflict_retry` re-runs the whole service call then,
and :meth:`Database.commits_sent` tells it whether a COMMIT already left this thread (then never).

A SQLite file on a network share is refused: WAL needs shared memory on one machine, and SMB/NFS
locking is unreliable, so two desks would corrupt the file.  Use PostgreSQL instead.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from kyodo_desk.config import PRIVATE_DIR_MODE, create_private_file, database_side_files, private_file
from kyodo_desk.db import input_rules
from kyodo_desk.i18n import _

BUSY_TIMEOUT_MS = 15_000
_NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "9p", "fuse.sshfs", "afs", "ncpfs", "davfs", "fuse.davfs2"}


class NetworkShareError(RuntimeError):
    """The SQLite database path is on a network share."""


def is_network_path(path: Path) -> bool:
    """True for UNC paths, mapped network drives (Windows) and network file systems (Linux)."""
    text = str(path)
    if text.startswith("\\\\") or text.startswith("//"):
        return True
    if sys.platform == "win32":
        import ctypes
        import ntpath

        drive = ntpath.splitdrive(ntpath.abspath(text))[0]
        if drive:
            DRIVE_REMOTE = 4
            return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == DRIVE_REMOTE
        return False
    mounts = _mount_table()
    best, best_fs = "", ""
    resolved = str(Path(text).resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        if (resolved == mount_point or resolved.startswith(mount_point.rstrip("/") + "/")) and len(mount_point) > len(
            best
        ):
            best, best_fs = mount_point, parts[2]
    return best_fs in _NETWORK_FS


def _mount_table() -> list[str]:
    """Lines of /proc/mounts (device, mount point, file system type, ...); empty if unreadable."""
    try:
        return Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return []


def check_sqlite_location(path: Path) -> None:
    if is_network_path(path):
        raise NetworkShareError(
            _(
                "データベースファイル {path} はネットワーク上の共有フォルダにあります。"
                "SQLite のファイルを共有フォルダに置くと、複数の窓口から同時に書き込んだときに壊れるおそれがあるため使えません。"
                "このPCのフォルダ(既定のデータフォルダ)を使うか、複数の窓口で共有する場合は PostgreSQL サーバーを "
                "--database postgresql+psycopg://... で指定してください。"
            ).format(path=path)
        )


def secure_database_file(path: Path) -> None:
    """Owner-only database file (0600, created so before SQLite opens it; SQLite gives its
    -wal/-shm the same mode) in a folder made 0700 if this creates it (POSIX)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    create_private_file(path)
    for side in database_side_files(path):
        private_file(side)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no branch
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see module doc)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA secure_delete = ON")
        cur.close()
        _record.info["journal_mode"] = mode[0] if mode else None

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get("kyodo_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            path = Path(database)
            check_sqlite_location(path)
            secure_database_file(path)
        engine = create_engine(url, echo=echo, hide_parameters=True, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)
    if parsed.get_backend_name() == "postgresql":
        from kyodo_desk.db.pg_session import configure_postgresql

        configure_postgresql(engine)
    return engine


@dataclass
class Database:
    """Engine plus two session factories: ``read()`` for loads, ``write()`` for changes.

    Both are context managers that open a session, commit (write) or roll back (read, and write
    on error) and close it, so a transaction never outlives the call that needed it.
    """

    engine: Engine

    def __post_init__(self) -> None:
        self._local = threading.local()
        event.listen(self.engine, "commit", self._on_commit)  # fires just before COMMIT is sent
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.engine.execution_options(kyodo_write=True), expire_on_commit=False)
        # every text checked before it is stored: too long or with a NUL is refused alike on both databases
        event.listen(self._write, "before_flush", input_rules.check_session)
        if self.engine.dialect.name == "postgresql":  # NOTIFY other desks of changes, in the same transaction
            from kyodo_desk.db import change_notify

            change_notify.install(self._write)

    def _on_commit(self, _conn) -> None:
        self._local.commits = getattr(self._local, "commits", 0) + 1

    def commits_sent(self) -> int:
        """How many COMMITs this thread has sent (or begun to send) on this database: a caller that
        wants to re-run a unit of work compares it before and after (a COMMIT sent is never repeated)."""
        return getattr(self._local, "commits", 0)

    @classmethod
    def from_url(cls, url: str, *, echo: bool = False) -> "Database":
        return cls(create_db_engine(url, echo=echo))

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.engine.url.database or self.engine.url.database == ":memory:":
            return None
        return Path(self.engine.url.database)

    def describe(self) -> str:
        """Short text for the status bar."""
        if self.is_sqlite:
            return f"SQLite: {self.sqlite_path}"
        u = self.engine.url
        return f"PostgreSQL: {u.host or 'localhost'}:{u.port or 5432}/{u.database}"

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        session = self._read()
        try:
            yield session
        finally:
            session.close()  # ends the transaction; loaded objects stay readable (not expired)

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        session = self._write()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
