"""Backups and restore of the desk's database (no Qt: the GUI and ``kyodo-desk`` share this).

SQLite (one file on this PC):
* a consistent copy (SQLite's online backup, safe while the desk writes) at the first start of
  each day, by ``kyodo-desk backup`` and by 今すぐバックアップ; the folder keeps the newest N files of
  every kind together (center setting ``backup_keep``);
* start-up runs ``PRAGMA quick_check`` and refuses a damaged file, naming the newest good backup;
* restore refuses while anything has the database open, checks the backup (``integrity_check``,
  a Kyodo Desk database, schema revision not newer than this app's), keeps the current file as a
  ``before-restore`` backup, removes the -wal/-shm that belonged to it and puts the backup in place.

PostgreSQL: ``pg_dump`` when it is on PATH, otherwise the command to run; restore is done on the
server with ``pg_restore`` (the text says how).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kyodo_desk.config import database_side_files, private_dir, private_file
from kyodo_desk.db import backup_files as files
from kyodo_desk.db.backup_files import BackupFile
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, ServiceError, audit, require

log = logging.getLogger(__name__)
DEFAULT_KEEP = 14


class BackupError(ServiceError):
    """A backup or restore that cannot be done; the message says why and what to do."""


class DatabaseInUse(BackupError):
    def __init__(self, path: Path):
        super().__init__(
            _(
                "データベース {path} は、いま別の画面かコマンドが開いているため復元できません。\n"
                "このPCで開いている協働デスクの画面をすべて閉じ、実行中の kyodo-desk コマンド(予約したバックアップなど)"
                "が終わってから、もう一度復元してください。閉じても変わらないときは、PCを再起動してから行ってください。"
            ).format(path=path)
        )


class DamagedDatabase(BackupError):
    def __init__(self, path: Path, problem: str, good: BackupFile | None):
        self.path, self.problem, self.good = path, problem, good
        if good is not None:
            advice = _(
                "最新の正常なバックアップ: {backup}({when})\n"
                "このバックアップから戻すには、協働デスクを閉じてから次のコマンドを実行してください"
                "(壊れたファイルはバックアップフォルダに残します):\n"
                'kyodo-desk restore "{backup}"'
            ).format(backup=good.path, when=good.taken_at.strftime("%Y-%m-%d %H:%M"))
        else:
            advice = _("正常なバックアップが見つかりません。管理者に連絡してください。ファイルには手を加えていません。")
        super().__init__(
            _(
                "データベースファイル {path} が壊れているため、協働デスクを起動できません(検査結果: {problem})。\n\n{advice}"
            ).format(path=path, problem=problem, advice=advice)
        )


@dataclass(frozen=True)
class BackupCheck:
    """What a backup file holds, checked before anything is replaced."""

    path: Path
    revision: str | None
    taken_at: dt.datetime | None
    problem: str | None  # None = usable

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    revision: str
    kept_copy: Path | None  # the replaced database, in the backup folder
    removed: tuple[Path, ...]  # stale -wal/-shm that were deleted


# ---- SQLite: backups ----------------------------------------------------------------------------


def backup_now(db_path: Path, backup_dir: Path, keep: int = DEFAULT_KEEP, label: str = "backup") -> Path:
    """A consistent copy of *db_path* in *backup_dir*; older copies beyond *keep* are deleted."""
    if not db_path.is_file() or db_path.stat().st_size == 0:
        raise BackupError(_("データベースファイル {path} がありません。").format(path=db_path))
    target = files.backup_sqlite(db_path, backup_dir, label)
    files.prune_backups(backup_dir, db_path.stem, keep)
    log.info("backup (%s) written to %s", label, target)
    return target


def daily_backup_due(db_path: Path, backup_dir: Path, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return not any(
        b.label.startswith("daily") and b.taken_at.date() == today for b in files.list_backups(backup_dir, db_path.stem)
    )


def daily_backup_if_due(
    db_path: Path, backup_dir: Path, keep: int = DEFAULT_KEEP, today: dt.date | None = None
) -> Path | None:
    """The first start of each day backs the database up (None when today's copy exists)."""
    if not db_path.is_file() or db_path.stat().st_size == 0 or not daily_backup_due(db_path, backup_dir, today):
        return None
    return backup_now(db_path, backup_dir, keep, label="daily")


def backups(db_path: Path, backup_dir: Path) -> list[BackupFile]:
    """The backups of this database, newest first."""
    return files.list_backups(backup_dir, db_path.stem)


# ---- SQLite: checks -------------------------------------------------------------------------------


def check_at_start(db_path: Path, backup_dir: Path) -> None:
    """``PRAGMA quick_check``; raises :class:`DamagedDatabase` (naming the newest good backup)."""
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return  # a new database: nothing to check
    problem = files.check(db_path)
    if problem == "ok":
        return
    log.error("database %s failed quick_check: %s", db_path, problem)
    raise DamagedDatabase(db_path, problem, files.newest_good_backup(backup_dir, db_path.stem))


def inspect_backup(path: Path) -> BackupCheck:
    """Integrity and schema revision of a backup file (on a private copy: the file is not touched)."""
    from kyodo_desk.db.migrate import head_revision, is_newer_revision

    parsed = files.parse_backup_name(path)
    taken = parsed.taken_at if parsed else None
    if not path.is_file():
        return BackupCheck(path, None, taken, _("ファイル {path} がありません。").format(path=path))
    with open(path, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            return BackupCheck(
                path,
                None,
                taken,
                _("{name} は協働デスクのデータベース(SQLite)のファイルではありません。").format(name=path.name),
            )
    with tempfile.TemporaryDirectory(prefix="kyodo-check-") as folder:  # 0700, removed afterwards
        scratch = Path(folder) / "check.db"
        try:
            files.copy_database(path, scratch)
        except Exception as exc:  # noqa: BLE001 - an unreadable backup is a finding, not a crash
            return BackupCheck(
                path, None, taken, _("バックアップを読めません({error})。").format(error=type(exc).__name__)
            )
        return _inspect_copy(path, scratch, taken, head_revision(), is_newer_revision)


def _inspect_copy(path: Path, copy: Path, taken, head: str, is_newer) -> BackupCheck:
    problem = files.check(copy, full=True)
    if problem != "ok":
        return BackupCheck(
            path, None, taken, _("バックアップが壊れています(検査結果: {problem})。").format(problem=problem)
        )
    revision = files.file_revision(copy)
    if revision is None:
        return BackupCheck(
            path,
            None,
            taken,
            _("{name} は協働デスクのデータベースではありません(版の記録がありません)。").format(name=path.name),
        )
    if is_newer(revision):
        from kyodo_desk import __version__

        return BackupCheck(
            path,
            revision,
            taken,
            _(
                "このバックアップは、この端末より新しい協働デスクで作られています"
                "(バックアップの版 {rev} / この端末: 協働デスク {app}、版 {head} まで)。"
                "この端末の協働デスクを新しい版に更新してから復元してください。"
            ).format(rev=revision, app=__version__, head=head),
        )
    return BackupCheck(path, revision, taken, None)


# ---- SQLite: restore ------------------------------------------------------------------------------


def _no_progress(_done: int, _total: int, _text: str) -> None:
    return None


def restore(
    actor: Actor,
    db_path: Path,
    backup_file: Path,
    backup_dir: Path,
    keep: int = DEFAULT_KEEP,
    progress: Callable[[int, int, str], None] | None = None,
) -> RestoreResult:
    """Put *backup_file* in place of *db_path* (nothing may have the database open).

    The backup is copied and checked first; only then is the current file kept as a
    ``before-restore`` backup, its -wal/-shm removed and the checked copy moved in.
    """
    require(actor, Permission.SETTINGS_EDIT)
    step: Callable[[int, int, str], None] = progress or _no_progress
    backup_file = Path(backup_file).resolve()
    db_path = Path(db_path)
    if backup_file == db_path.resolve():
        raise BackupError(
            _("復元するファイルに、いま使っているデータベースそのものが選ばれています。バックアップを選んでください。")
        )
    step(0, 4, _("バックアップを検査しています…"))
    private_dir(db_path.parent)
    staged = db_path.with_name(db_path.name + ".restoring")
    for leftover in (staged, *database_side_files(staged)):
        leftover.unlink(missing_ok=True)
    files.create_private_file(staged)
    try:
        try:
            files.copy_database(backup_file, staged)
        except Exception as exc:  # noqa: BLE001
            raise BackupError(
                _("バックアップ {path} を読めません({error})。").format(path=backup_file, error=type(exc).__name__)
            ) from exc
        from kyodo_desk.db.migrate import head_revision, is_newer_revision

        parsed = files.parse_backup_name(backup_file)
        checked = _inspect_copy(
            backup_file, staged, parsed.taken_at if parsed else None, head_revision(), is_newer_revision
        )
        if not checked.ok:
            raise BackupError(checked.problem)
        assert checked.revision is not None
        step(1, 4, _("データベースが使われていないか確かめています…"))
        if files.is_open_elsewhere(db_path):
            raise DatabaseInUse(db_path)
        step(2, 4, _("いまのデータベースを残しています…"))
        kept = _keep_current(db_path, backup_dir)
        removed = []
        for side in database_side_files(db_path):
            if side.exists():
                side.unlink()
                removed.append(side)
        step(3, 4, _("バックアップを戻しています…"))
        try:
            os.replace(staged, db_path)
        except PermissionError as exc:  # Windows: a process still holds the file
            raise DatabaseInUse(db_path) from exc
        private_file(db_path)
    finally:
        for leftover in (staged, *database_side_files(staged)):
            leftover.unlink(missing_ok=True)
    problem = files.check(db_path)
    if problem != "ok":  # pragma: no cover - the copy was checked a moment ago
        raise BackupError(_("復元したデータベースの検査に失敗しました(検査結果: {problem})。").format(problem=problem))
    files.prune_backups(backup_dir, db_path.stem, keep)
    _audit_restore(actor, db_path, backup_file, kept)
    step(4, 4, "")
    log.info(
        "restored %s from %s (revision %s; previous file kept as %s)", db_path, backup_file, checked.revision, kept
    )
    return RestoreResult(backup_file, checked.revision, kept, tuple(removed))


def _keep_current(db_path: Path, backup_dir: Path) -> Path | None:
    """Copy the file being replaced into the backup folder (byte copy when SQLite cannot read it)."""
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    target = files.backup_target(backup_dir, db_path.stem, "before-restore")
    try:
        files.copy_database(db_path, target)
        if files.check(target) != "ok":
            raise ValueError("copy of a damaged file")
    except Exception:  # noqa: BLE001 - a damaged file is kept as it is, bytes and -wal together
        files.raw_copy(db_path, target)
    return target


def _audit_restore(actor: Actor, db_path: Path, backup_file: Path, kept: Path | None) -> None:
    """Record the restore in the restored database's own audit log (file names only)."""
    from kyodo_desk.db.engine import Database

    db = Database.from_url("sqlite:///" + str(db_path).replace("\\", "/"))
    try:
        with db.write() as s:
            from kyodo_desk.db.models import Staff

            who = (
                actor
                if actor.staff_id is None or s.get(Staff, actor.staff_id) is not None
                else Actor(None, actor.name, actor.role)
            )
            audit(
                s,
                who,
                AuditAction.UPDATE,
                "database",
                None,
                f"restore from={backup_file.name} kept={kept.name if kept else '-'}",
            )
    except Exception:  # noqa: BLE001 - an older schema may lack a column; the log has the restore
        log.warning("restore not recorded in the audit log (older schema?)", exc_info=True)
    finally:
        db.dispose()


# ---- PostgreSQL -----------------------------------------------------------------------------------


def _libpq_url(url: str) -> tuple[str, str | None]:
    """(libpq URL without the password, the password) for a SQLAlchemy PostgreSQL URL."""
    from urllib.parse import quote, urlencode

    from sqlalchemy.engine import URL, make_url

    parsed = make_url(url)
    password = parsed.password
    plain = URL.create("postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database)
    libpq = plain.render_as_string(hide_password=False)
    if parsed.query:  # percent-encoded: libpq reads "+" as a plus sign, not the space SQLAlchemy means by it
        libpq += "?" + urlencode(parsed.query, doseq=True, quote_via=quote)
    return libpq, (str(password) if password is not None else None)


def _pg_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database or "kyodo_desk"


def pg_backups(url: str, backup_dir: Path) -> list[BackupFile]:
    """pg_dump files of this PostgreSQL database in the backup folder, newest first."""
    return files.list_backups(backup_dir, _pg_name(url), ext="dump")


def pg_dump_command(url: str, target: Path) -> list[str]:
    libpq, _password = _libpq_url(url)
    return ["pg_dump", "--format=custom", f"--file={target}", f"--dbname={libpq}"]


def pg_backup(
    url: str, backup_dir: Path, keep: int = DEFAULT_KEEP, which: Callable[[str], str | None] = shutil.which
) -> Path:
    """``pg_dump --format=custom`` into the backup folder; without pg_dump, say what to run."""
    dbname = _pg_name(url)
    tool = which("pg_dump")
    if tool is None:
        example = " ".join(pg_dump_command(url, Path(f"{dbname}-{dt.date.today():%Y%m%d}.dump")))
        raise BackupError(
            _(
                "pg_dump が見つかりません(PostgreSQL のクライアントツールがこのPCにありません)。\n"
                "データベースサーバーで次のように実行してバックアップしてください(パスワードは聞かれたら入力):\n{command}\n"
                "このPCで行うには PostgreSQL のクライアントツールを入れ、pg_dump を PATH に加えてください。"
            ).format(command=example)
        )
    target = files.backup_target(backup_dir, dbname, "pgdump", ext="dump")
    libpq, password = _libpq_url(url)
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = password  # never on the command line (other users can read it there)
    argv = [tool, "--format=custom", f"--file={target}", f"--dbname={libpq}"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        first = (done.stderr or "").strip().splitlines()
        raise BackupError(
            _("pg_dump が失敗しました(終了コード {code}): {error}").format(
                code=done.returncode, error=first[0] if first else "-"
            )
        )
    private_file(target)
    files.prune_backups(backup_dir, dbname, keep, ext="dump")
    log.info("pg_dump written to %s", target)
    return target


def pg_restore_instructions(url: str, backup_file: Path) -> str:
    libpq, _password = _libpq_url(url)
    return _(
        "PostgreSQL のデータベースは、この画面やコマンドからは復元しません(ほかの窓口が使っているため)。\n"
        "1. すべての窓口の協働デスクを閉じてください。\n"
        "2. データベースサーバーで次を実行してください:\n"
        '   pg_restore --clean --if-exists --no-owner --dbname="{url}" "{file}"\n'
        "3. 古い版のバックアップを戻したときは、管理者が kyodo-desk db upgrade でスキーマを更新してから、"
        "各窓口の協働デスクを起動してください(窓口は起動時に版を確かめるだけで、共有のデータベースを自分では更新しません)。"
    ).format(url=libpq, file=backup_file)
