"""``kyodo-desk db upgrade|current`` — apply migrations by hand, show the schema revision."""

from __future__ import annotations

from kyodo_desk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("db", help=_("データベースの更新・確認"))
    dbsub = p.add_subparsers(dest="db_command", required=True, metavar=_("操作"))
    up = dbsub.add_parser(
        "upgrade", help=_("データベースを最新の形に更新する(更新前に SQLite ファイルを自動でバックアップ)")
    )
    up.set_defaults(func=_upgrade)
    cur = dbsub.add_parser("current", help=_("データベースの版を表示する"))
    cur.set_defaults(func=_current)


def _upgrade(args, ctx) -> int:
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import upgrade

    db = Database.from_url(ctx.database_url)
    result = upgrade(db, ctx.paths.backup_dir)
    if result.changed:
        print(_("更新しました: {a} → {b}").format(a=result.from_revision or _("(空)"), b=result.to_revision))
        if result.backup:
            print(_("更新前のバックアップ: {path}").format(path=result.backup))
    else:
        print(_("データベースはすでに最新です({rev})。").format(rev=result.to_revision))
    return 0


def _current(args, ctx) -> int:
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import current_revision, head_revision

    db = Database.from_url(ctx.database_url)
    rev = current_revision(db)
    print(f"{db.describe()}\n{_('現在の版')}: {rev or '-'}\n{_('最新の版')}: {head_revision()}")
    return 0
