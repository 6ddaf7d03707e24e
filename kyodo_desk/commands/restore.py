"""``kyodo-desk restore FILE [--yes]`` — put a backup in place of the desk's SQLite database.

Refused while any window or command has the database open.  The backup is checked first
(``PRAGMA integrity_check``, a Kyodo Desk database, schema revision not newer than this app's);
the file it replaces is kept in the backup folder (``…-before-restore.db``) and the -wal/-shm that
belonged to it are removed.  PostgreSQL is restored on the server with pg_restore (the command
prints how).
"""

from __future__ import annotations

import sys
from pathlib import Path

from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("restore", help=_("バックアップからデータベースを復元する(協働デスクを閉じてから)"))
    p.add_argument("file", type=Path, metavar=_("バックアップファイル"))
    p.add_argument("--yes", action="store_true", help=_("確認せずに復元する"))
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from kyodo_desk.commands.backup import keep_setting, sqlite_file
    from kyodo_desk.db.migrate import head_revision
    from kyodo_desk.services import backup
    from kyodo_desk.services.base import batch_actor

    path = sqlite_file(ctx.database_url)
    if path is None:
        print(backup.pg_restore_instructions(ctx.database_url, args.file.resolve()), file=sys.stderr)
        return 1
    checked = backup.inspect_backup(args.file)
    if not checked.ok:
        print(_("エラー: {message}").format(message=checked.problem), file=sys.stderr)
        return 1
    when = checked.taken_at.strftime("%Y-%m-%d %H:%M") if checked.taken_at else "-"
    print(
        _("復元するバックアップ: {file}(作成 {when}、データベースの版 {rev})\n復元先: {db}").format(
            file=args.file, when=when, rev=checked.revision, db=path
        )
    )
    if not args.yes:
        try:
            answer = input(_("いまのデータベースはバックアップフォルダに残してから置き換えます。復元しますか? [y/N] "))
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "はい"):
            print(_("復元をやめました。"), file=sys.stderr)
            return 1
    keep = (
        keep_setting(ctx.database_url, backup.DEFAULT_KEEP)
        if path.is_file() and path.stat().st_size
        else backup.DEFAULT_KEEP
    )
    result = backup.restore(batch_actor("restore"), path, args.file, ctx.paths.backup_dir, keep)
    print(_("復元しました: {file}").format(file=result.restored_from))
    if result.kept_copy is not None:
        print(_("置き換える前のデータベースは {path} に残しました。").format(path=result.kept_copy))
    if result.revision != head_revision():
        print(
            _(
                "このバックアップは前の版のものです。次に協働デスクを起動したときに新しい版へ更新します(更新前の写しも残します)。"
            )
        )
    return 0
