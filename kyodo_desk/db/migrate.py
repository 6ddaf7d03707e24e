"""Apply the shipped Alembic migrations.

Before an upgrade of an existing SQLite file a consistent copy is taken with SQLite's backup API
(safe while WAL is active) into the backup folder.  On SQLite migrations run with foreign keys off
(Alembic's batch mode recreates tables, and with foreign keys on that silently deletes child rows)
and ``PRAGMA foreign_key_check`` runs before the commit; a violation rolls the whole upgrade back,
so the database stays at its old revision and the backup is left intact.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from kyodo_desk.db.engine import Database
from kyodo_desk.i18n import _

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    script = ScriptDirectory.from_config(_bare_config())
    head = script.get_current_head()
    assert head is not None
    return head


def _bare_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _has_tables(db: Database) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(db.engine).get_table_names())


def backup_sqlite(source: Path, backup_dir: Path, label: str) -> Path:
    """Consistent copy of a live SQLite database (WAL included) via the backup API."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backup_dir / f"{source.stem}-{stamp}-{label}.db"
    n = 1
    while target.exists():
        n += 1
        target = backup_dir / f"{source.stem}-{stamp}-{label}-{n}.db"
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def _raw_sqlite(conn):
    """The sqlite3 connection under *conn* (PRAGMA foreign_keys only works outside a transaction)."""
    raw = conn.connection.dbapi_connection
    if raw is None:  # pragma: no cover - a checked-out connection always has one
        raise RuntimeError("connection is closed")
    return raw


def upgrade(db: Database, backup_dir: Path | None = None, revision: str = "head") -> UpgradeResult:
    """Bring the database to *revision*; returns what happened (and where the backup went)."""
    before = current_revision(db)
    target = head_revision() if revision == "head" else revision
    if before == target:
        return UpgradeResult(before, target, None)
    backup = None
    path = db.sqlite_path
    if path is not None and path.exists() and backup_dir is not None and _has_tables(db):
        backup = backup_sqlite(path, backup_dir, f"before-upgrade-{before or 'none'}")
        log.info("backup before upgrade written to %s", backup)
    cfg = alembic_config(db)
    with db.engine.connect() as conn:
        if db.is_sqlite:  # must be set outside a transaction to take effect
            _raw_sqlite(conn).execute("PRAGMA foreign_keys = OFF")
        try:
            # One transaction around every step and the check: a failed check leaves the database
            # exactly as it was (SQLite and PostgreSQL both roll back DDL).
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if db.is_sqlite:
                    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise MigrationError(
                            _(
                                "データベースの更新を中止しました。更新後の検査で、存在しない記録を指している行が"
                                "{n}件見つかりました(表: {tables})。データベースは更新前の版 {rev} のままです。"
                                "更新前のバックアップ: {backup}"
                            ).format(
                                n=len(problems),
                                tables=", ".join(sorted({str(p[0]) for p in problems})),
                                rev=before or "-",
                                backup=backup or "-",
                            )
                        )
        finally:
            if db.is_sqlite:
                _raw_sqlite(conn).execute("PRAGMA foreign_keys = ON")
    after = current_revision(db)
    log.info("database upgraded %s → %s", before, after)
    return UpgradeResult(before, after or target, backup)


def needs_upgrade(db: Database) -> bool:
    return current_revision(db) != head_revision()
