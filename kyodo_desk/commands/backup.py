"""``kyodo-desk backup [--out DIR] [--keep N]`` — a copy of the database in the backup folder.

SQLite: a consistent copy made with SQLite's online backup (safe while desks are working).
PostgreSQL: ``pg_dump --format=custom`` when pg_dump is on PATH; otherwise the command to run on
the server is printed (exit code 1).  Older copies beyond N are deleted (every kind of backup
counts; N defaults to the center setting 残すバックアップの数).
"""

from __future__ import annotations

import sys
from pathlib import Path

from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser(
        "backup", help=_("データベースのバックアップを取る(SQLite はファイルの写し、PostgreSQL は pg_dump)")
    )
    p.add_argument("--out", type=Path, default=None, help=_("保存先フォルダ(既定はバックアップフォルダ)"))
    p.add_argument(
        "--keep", type=int, default=None, help=_("残すバックアップの数(古いものから削除。既定はセンター設定の値)")
    )
    p.set_defaults(func=run)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL), without opening or creating it."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    return Path(parsed.database or "")


def keep_setting(url: str, default: int) -> int:
    """The center setting 残すバックアップの数, or *default* when the database cannot say."""
    from kyodo_desk.db.engine import Database
    from kyodo_desk.services.settings import SettingsService

    db = Database.from_url(url)
    try:
        return int(SettingsService(db).get().backup_keep)
    except Exception:  # noqa: BLE001 - an empty or older database: the default applies
        return default
    finally:
        db.dispose()


def run(args, ctx) -> int:
    from kyodo_desk.services import backup

    folder = args.out or ctx.paths.backup_dir
    path = sqlite_file(ctx.database_url)
    if path is not None and (not path.is_file() or path.stat().st_size == 0):
        print(_("データベースファイル {path} がありません。").format(path=path), file=sys.stderr)
        return 1
    keep = args.keep if args.keep is not None else keep_setting(ctx.database_url, backup.DEFAULT_KEEP)
    if path is None:
        target = backup.pg_backup(ctx.database_url, folder, keep)
    else:
        target = backup.backup_now(path, folder, keep)
    print(_("バックアップを作成しました: {path}").format(path=target))
    return 0
