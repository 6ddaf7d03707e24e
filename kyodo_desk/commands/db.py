"""``kyodo-desk db upgrade|current|copy`` — the administrator's database steps.

* ``db upgrade``: the one place a shared PostgreSQL schema is migrated (desks only check it at
  start).  A pg_dump backup is taken first (refused without one unless ``--no-backup``); a SQLite
  file gets its usual before-upgrade copy.
* ``db current``: the schema revision of the database and of this app.
* ``db copy --to postgresql+psycopg://…``: this desk's database into an empty PostgreSQL one,
  verified table by table (:mod:`kyodo_desk.db.copy`).
"""

from __future__ import annotations

import sys

from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("db", help=_("データベースの更新・確認・PostgreSQL へのコピー"))
    dbsub = p.add_subparsers(dest="db_command", required=True, metavar=_("操作"))
    up = dbsub.add_parser(
        "upgrade",
        help=_(
            "データベースを最新の形に更新する(SQLite はファイルを、PostgreSQL は pg_dump で先にバックアップ)。"
            "共有の PostgreSQL を更新するのはこのコマンドだけです"
        ),
    )
    up.add_argument(
        "--no-backup",
        action="store_true",
        help=_("更新前のバックアップを取らない(サーバーで別にバックアップを取った場合だけ)"),
    )
    up.set_defaults(func=_upgrade)
    cur = dbsub.add_parser("current", help=_("データベースの版を表示する"))
    cur.set_defaults(func=_current)
    cp = dbsub.add_parser(
        "copy",
        help=_("このデータベースを空の PostgreSQL データベースにコピーし、表ごとに件数とチェックサムで照合する"),
    )
    cp.add_argument("--to", required=True, metavar="postgresql+psycopg://…", help=_("コピー先(空のデータベース)"))
    cp.set_defaults(func=_copy)


def _pg_backup_first(ctx) -> bool:
    """pg_dump before a PostgreSQL upgrade; False (and the reason on stderr) when it could not be made."""
    from kyodo_desk.commands.backup import keep_setting
    from kyodo_desk.services import backup

    try:
        target = backup.pg_backup(
            ctx.database_url, ctx.paths.backup_dir, keep_setting(ctx.database_url, backup.DEFAULT_KEEP)
        )
    except backup.BackupError as exc:
        print(
            _(
                "{error}\n更新前のバックアップを取れなかったため、データベースは更新していません。"
                "サーバーで別にバックアップを取った場合は --no-backup を付けて実行してください。"
            ).format(error=exc),
            file=sys.stderr,
        )
        return False
    print(_("更新前のバックアップ: {path}").format(path=target))
    return True


def _upgrade(args, ctx) -> int:
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import current_revision, head_revision, refuse_newer, upgrade

    db = Database.from_url(ctx.database_url)
    try:
        refuse_newer(db)
        if not db.is_sqlite and current_revision(db) != head_revision():
            if args.no_backup:
                print(_("更新前のバックアップは取りません(--no-backup)。"))
            elif not _pg_backup_first(ctx):
                return 1
        result = upgrade(db, None if args.no_backup else ctx.paths.backup_dir)
    finally:
        db.dispose()
    if result.changed:
        print(_("更新しました: {a} → {b}").format(a=result.from_revision or _("(空)"), b=result.to_revision))
        if result.backup:
            print(_("更新前のバックアップ: {path}").format(path=result.backup))
    else:
        print(_("データベースはすでに最新です({rev})。").format(rev=result.to_revision))
    return 0


def _current(args, ctx) -> int:
    from kyodo_desk import __version__
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import current_revision, head_revision, written_by

    db = Database.from_url(ctx.database_url)
    rev = current_revision(db)
    by = written_by(db)
    print(
        f"{db.describe()}\n{_('現在の版')}: {rev or '-'}"
        + (f"({_('協働デスク {app} が更新').format(app=by)})" if by else "")
        + f"\n{_('最新の版')}: {head_revision()}({_('この協働デスク {app}').format(app=__version__)})"
    )
    return 0


def _copy(args, ctx) -> int:
    from sqlalchemy.engine import make_url

    from kyodo_desk.db.copy import CopyError, copy_database
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import upgrade

    target_url = args.to
    if make_url(target_url).get_backend_name() != "postgresql":
        print(
            _("--to には PostgreSQL の URL(postgresql+psycopg://ユーザー@サーバー/データベース)を指定してください。"),
            file=sys.stderr,
        )
        return 2
    source = Database.from_url(ctx.database_url)
    target = Database.from_url(target_url)
    print(_("コピー元: {src}\nコピー先: {dst}").format(src=source.describe(), dst=target.describe()))
    last: list = ["", -100]

    def progress(done: int, total: int, label: str) -> None:
        pct = int(100 * done / max(1, total))
        if label != last[0] or pct >= last[1] + 5:  # a line per table, and every 5% within a large one
            last[0], last[1] = label, pct
            print(f"[{pct:3d}%] {label}", flush=True)

    try:
        if source.is_sqlite:  # this desk's own file: brought to the app's version first, as at any start
            result = upgrade(source, ctx.paths.backup_dir)
            if result.changed:
                print(
                    _("コピー元を更新しました: {a} → {b}").format(a=result.from_revision or "-", b=result.to_revision)
                )
        copied = copy_database(source, target, progress)
    except CopyError as exc:
        print(_("エラー: {message}").format(message=exc), file=sys.stderr)
        return 1
    finally:
        source.dispose()
        target.dispose()
    phases = dict(copied.phases)
    print(
        _(
            "{rows:,}行をコピーしました({copy:.1f}秒: スキーマ {schema:.1f}、行 {rows_s:.1f}、索引と外部キー {indexes:.1f}。"
            "照合 {verify:.1f}秒)。"
        ).format(
            rows=copied.rows,
            copy=copied.copy_seconds,
            schema=phases.get("schema", 0.0),
            rows_s=phases.get("rows", 0.0),
            indexes=phases.get("indexes", 0.0),
            verify=copied.verify_seconds,
        )
    )
    print(format_checks(copied.checks))
    if not copied.ok:
        bad = ", ".join(c.table for c in copied.checks if not c.ok)
        print(
            _("照合で一致しない表があります: {tables}。コピー先は使わないでください。").format(tables=bad),
            file=sys.stderr,
        )
        return 1
    print(_("すべての表が一致しました。各窓口の --database(または KYODO_DESK_DATABASE)をコピー先にしてください。"))
    return 0


def _pad(text: str, width: int, right: bool = False) -> str:
    """*text* padded to *width* terminal columns (a Japanese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    fill = " " * max(0, width - used)
    return fill + text if right else text + fill


def format_checks(checks) -> str:
    """The verification as a table: rows on each side, the checksum, 一致/不一致."""
    width = max([len(c.table) for c in checks] + [10])
    cells = [_pad(_("表"), width), _pad(_("コピー元"), 12, True), _pad(_("コピー先"), 12, True), _pad("SHA-256", 13)]
    lines = ["  ".join([*cells, _("結果")])]
    for c in checks:
        mark = _("一致") if c.ok else _("不一致")
        same = c.source_sha256 == c.target_sha256
        sha = c.source_sha256[:12] if same else f"{c.source_sha256[:6]}≠{c.target_sha256[:6]}"
        lines.append(f"{c.table:<{width}}  {c.source_rows:>12,}  {c.target_rows:>12,}  {sha:<13}  {mark}")
    return "\n".join(lines)
