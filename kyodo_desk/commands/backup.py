"""``kyodo-desk backup [--out DIR]`` — a consistent copy of the SQLite database (safe while desks
are working: SQLite's online backup API).  For PostgreSQL use ``pg_dump`` on the server."""

from __future__ import annotations

from pathlib import Path

from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("backup", help=_("データベースのバックアップを取る(SQLite)"))
    p.add_argument("--out", type=Path, default=None, help=_("保存先フォルダ(既定はバックアップフォルダ)"))
    p.add_argument("--keep", type=int, default=30, help=_("残すバックアップの数(古いものから削除、既定30)"))
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import backup_sqlite

    db = Database.from_url(ctx.database_url)
    path = db.sqlite_path
    if path is None:
        print(_("PostgreSQL のデータベースは、サーバー側で pg_dump を使ってバックアップしてください。"))
        return 2
    if not path.exists():
        print(_("データベースファイル {path} がありません。").format(path=path))
        return 1
    folder = args.out or ctx.paths.backup_dir
    target = backup_sqlite(path, folder, "backup")
    copies = sorted(folder.glob(f"{path.stem}-*-backup*.db"))
    for old in copies[: max(0, len(copies) - args.keep)]:
        old.unlink()
    print(_("バックアップを作成しました: {path}").format(path=target))
    return 0
