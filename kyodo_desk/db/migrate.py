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

__all__ = [
    "MigrationError",
    "NewerDatabaseError",
    "OlderSchemaError",
    "UpgradeResult",
    "backup_sqlite",
    "check_schema",
    "prepare_at_start",
    "upgrade",
]

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


APP_VERSION_KEY = "app.schema_written_by"  # setting row: the app version that last migrated the schema
UPGRADE_LOCK_KEY = 4_610_530_016  # pg_advisory_xact_lock key held while a PostgreSQL schema is upgraded


class MigrationError(RuntimeError):
    pass


def _side(revision: str | None, app: str | None) -> str:
    """「0012(協働デスク 0.3.0 が更新)」: a schema revision and, when known, the app version that wrote it."""
    if revision is None:
        return _("なし(まだ表がありません)")
    if app:
        return _("{rev}(協働デスク {app} が更新)").format(rev=revision, app=app)
    return revision


class NewerDatabaseError(MigrationError):
    """The database was migrated by a newer version of the app than this one (this desk is older)."""

    def __init__(self, db_revision: str, our_revision: str, written_by: str | None):
        self.db_revision, self.our_revision, self.written_by = db_revision, our_revision, written_by
        super().__init__(
            _(
                "データベースのスキーマは {theirs}、この窓口は {our_rev}(協働デスク {ours})です。\n"
                "このデータベースは、この端末より新しい協働デスクで使われています。"
                "この端末の協働デスクを新しい版に更新してから開いてください。\n"
                "データベースには何も書き込んでいません(バックアップも作っていません)。"
            ).format(theirs=_side(db_revision, written_by), our_rev=our_revision, ours=__version__)
        )


class OlderSchemaError(MigrationError):
    """A shared (PostgreSQL) schema is older than this desk: only an administrator upgrades it.

    A desk never migrates a database other desks are using: the first PC updated would change the
    tables under every other desk.  ``kyodo-desk db upgrade`` (after a pg_dump) is the explicit step.
    """

    def __init__(self, db_revision: str | None, our_revision: str, written_by: str | None):
        self.db_revision, self.our_revision, self.written_by = db_revision, our_revision, written_by
        super().__init__(
            _(
                "データベースのスキーマは {theirs}、この窓口は {our_rev}(協働デスク {ours})です。\n"
                "共有のデータベースは、各窓口では更新しません(ほかの窓口が使っているため)。"
                "管理者に、すべての窓口を閉じてバックアップを取ったうえで "
                "kyodo-desk db upgrade を実行するよう依頼してください。\n"
                "データベースには何も書き込んでいません。"
            ).format(theirs=_side(db_revision, written_by), our_rev=our_revision, ours=__version__)
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
                if not db.is_sqlite:  # two administrators upgrading at once: the second waits, then finds it done
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK_KEY})")
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


def check_schema(db: Database) -> str:
    """The schema revision of a shared database when it is exactly this desk's; otherwise raise.

    :class:`NewerDatabaseError` when a newer app migrated it (update this PC's app),
    :class:`OlderSchemaError` when it is older or has no tables yet (the administrator runs
    ``kyodo-desk db upgrade``).  Reads only: a desk role without DDL rights can call it.
    """
    head = _shipped_head_without_alembic()
    stored = _stored_revision_without_alembic(db)
    if head is not None and stored == head:
        return head
    head = head_revision()
    stored = current_revision(db) if _has_tables(db) else None
    if stored == head:
        return head
    if is_newer_revision(stored):
        assert stored is not None
        raise NewerDatabaseError(stored, head, written_by(db))
    raise OlderSchemaError(stored, head, written_by(db) if stored else None)


def prepare_at_start(db: Database, backup_dir: Path | None = None, *, keep: int | None = None) -> UpgradeResult:
    """What a desk (GUI or batch command) does with its database before working.

    SQLite (this PC's own file): upgraded automatically, with the before-upgrade copy.
    PostgreSQL (shared by several desks): checked only — never migrated from a desk
    (see :func:`check_schema`); the administrator upgrades it with ``kyodo-desk db upgrade``.
    """
    if db.is_sqlite:
        return upgrade(db, backup_dir, keep=keep)
    revision = check_schema(db)
    return UpgradeResult(revision, revision, None)
