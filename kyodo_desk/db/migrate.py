"""Apply the shipped Alembic migrations.

Before an upgrade of an existing SQLite file a consistent copy is taken with SQLite's backup API
(safe while WAL is active) into the backup folder.  On SQLite migrations run with foreign keys off
(Alembic's batch mode recreates tables, and with foreign keys on that silently deletes child rows)
and ``PRAGMA foreign_key_check`` runs before the commit; a violation rolls the whole upgrade back,
so the database stays at its old revision and the backup is left intact.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kyodo_desk import __version__
from kyodo_desk.db.backup_files import backup_sqlite, prune_backups
from kyodo_desk.db.engine import Database
from kyodo_desk.i18n import _

if TYPE_CHECKING:  # alembic is imported only when a migration has to run (not on every start)
    from alembic.config import Config

__all__ = ["MigrationError", "NewerDatabaseError", "UpgradeResult", "backup_sqlite", "upgrade"]

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


APP_VERSION_KEY = "app.schema_written_by"  # setting row: the app version that last migrated the schema


class MigrationError(RuntimeError):
    pass


class NewerDatabaseError(MigrationError):
    """The database was migrated by a newer version of the app than this one."""

    def __init__(self, db_revision: str, our_revision: str, written_by: str | None):
        self.db_revision, self.our_revision, self.written_by = db_revision, our_revision, written_by
        newer = (
            _("データベースの版 {rev}(協働デスク {app} で更新)").format(rev=db_revision, app=written_by)
            if written_by
            else _("データベースの版 {rev}").format(rev=db_revision)
        )
        super().__init__(
            _(
                "このデータベースは、この端末より新しい協働デスクで使われています。\n"
                "{newer} / この端末: 協働デスク {ours}(データベースの版 {our_rev} まで)\n"
                "この端末の協働デスクを新しい版に更新してから開いてください。"
                "データベースには何も書き込んでいません(バックアップも作っていません)。"
            ).format(newer=newer, ours=__version__, our_rev=our_revision)
        )


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def alembic_config(db: Database) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_bare_config())
    head = script.get_current_head()
    assert head is not None
    return head


def _bare_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(_bare_config()).walk_revisions()}


def is_newer_revision(revision: str | None) -> bool:
    """True for a revision this version does not ship (written by a newer app)."""
    return revision is not None and revision not in known_revisions()


def written_by(db: Database) -> str | None:
    """The app version that last migrated *db* (None when no version recorded it)."""
    from sqlalchemy import text

    try:
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": APP_VERSION_KEY}).first()
    except Exception:  # noqa: BLE001 - no setting table (yet): simply not known
        return None
    if row is None:
        return None
    return str(row[0]).strip('"') or None


def refuse_newer(db: Database) -> None:
    """Raise :class:`NewerDatabaseError` when *db* is from a newer app version (writes nothing)."""
    before = current_revision(db)
    if is_newer_revision(before):
        assert before is not None
        raise NewerDatabaseError(before, head_revision(), written_by(db))


def _shipped_head_without_alembic() -> str | None:
    """The head revision read from the shipped migration files (None when that is not certain)."""
    import re

    revisions, downs = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev = re.search(r"^revision\s*(?::[^=]*)?=\s*[\"']([^\"']+)[\"']", source, re.M)
        if rev is None:
            continue
        revisions.add(rev.group(1))
        down = re.search(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", source, re.M)
        if down is not None:
            downs.update(re.findall(r"[\"']([^\"']+)[\"']", down.group(1)))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


def _stored_revision_without_alembic(db: Database) -> str | None:
    """The one row of alembic_version (None when there is no such table or not exactly one row)."""
    from sqlalchemy import text

    try:
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except Exception:  # noqa: BLE001 - a new database: alembic decides below
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def _record_app_version(conn) -> None:
    import json

    from sqlalchemy import text

    value = json.dumps(__version__)
    updated = conn.execute(text("UPDATE setting SET value = :v WHERE key = :k"), {"v": value, "k": APP_VERSION_KEY})
    if not updated.rowcount:
        conn.execute(
            text("INSERT INTO setting (key, value, updated_at) VALUES (:k, :v, CURRENT_TIMESTAMP)"),
            {"k": APP_VERSION_KEY, "v": value},
        )


def _has_tables(db: Database) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(db.engine).get_table_names())


def _raw_sqlite(conn):
    """The sqlite3 connection under *conn* (PRAGMA foreign_keys only works outside a transaction)."""
    raw = conn.connection.dbapi_connection
    if raw is None:  # pragma: no cover - a checked-out connection always has one
        raise RuntimeError("connection is closed")
    return raw


def upgrade(
    db: Database, backup_dir: Path | None = None, revision: str = "head", *, keep: int | None = None
) -> UpgradeResult:
    """Bring the database to *revision*; returns what happened (and where the backup went).

    A database from a newer app version is refused (:class:`NewerDatabaseError`) before anything
    is written.  The before-upgrade copy counts towards the backup folder's keep-N (*keep*).
    A database already at the shipped head is recognised without importing alembic (every start).
    """
    if revision == "head":
        head = _shipped_head_without_alembic()
        if head is not None and _stored_revision_without_alembic(db) == head:
            return UpgradeResult(head, head, None)
    from alembic import command

    before = current_revision(db)
    refuse_newer(db)
    target = head_revision() if revision == "head" else revision
    if before == target:
        return UpgradeResult(before, target, None)
    backup = None
    path = db.sqlite_path
    if path is not None and path.exists() and backup_dir is not None and _has_tables(db):
        backup = backup_sqlite(path, backup_dir, f"before-upgrade-{before or 'none'}")
        log.info("backup before upgrade written to %s", backup)
        if keep is not None:
            prune_backups(backup_dir, path.stem, keep)
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
                _record_app_version(conn)
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
