"""Command-line front door.

``kyodo-desk`` with no sub-command starts the desktop app.  Sub-commands are the administrator's
batch tools; each is usable from a scheduler (exit code 0 = done, 1 = failed with a message on
stderr — for a busy or unreachable database the same Japanese explanation the desk's window shows
(:mod:`kyodo_desk.services.database_trouble`), never the driver's text — 2 = bad arguments).
Every command accepts ``--database URL|PATH`` (or ``$KYODO_DESK_DATABASE``).

Sub-commands live in ``kyodo_desk/commands/<name>.py``; each module has ``register(subparsers)``
which adds its parser and sets ``func(args, ctx)``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from dataclasses import dataclass

from kyodo_desk import __version__
from kyodo_desk.config import (
    AppPaths,
    apply_preferences,
    default_paths,
    load_preferences,
    resolve_database_url,
    setup_logging,
)
from kyodo_desk.i18n import _, setup_i18n

COMMAND_MODULES = [
    "demo",
    "db",
    "staff",
    "report",
    "labels",
    "handbook",
    "form",
    "retention",
    "person",
    "backup",
    "restore",
    "audit",
    "bench",
    "import_",
    "stocktake",
]
log = logging.getLogger(__name__)


@dataclass
class CliContext:
    paths: AppPaths
    database_url: str

    _services = None

    def services(self, *, upgrade: bool = True, create_shared: bool = False):
        """Open the database and build the services.

        *upgrade*: a SQLite file is upgraded first (with a backup); a shared PostgreSQL schema is
        only checked (``kyodo-desk db upgrade`` migrates it).  *create_shared*: a command that builds
        a new database (demo) may migrate PostgreSQL too."""
        if self._services is None:
            from kyodo_desk.db.engine import Database
            from kyodo_desk.db.migrate import prepare_at_start
            from kyodo_desk.db.migrate import upgrade as do_upgrade
            from kyodo_desk.services.container import Services

            db = Database.from_url(self.database_url)
            if upgrade:
                migrate = do_upgrade if create_shared else prepare_at_start
                result = migrate(db, self.paths.backup_dir)
                if result.changed:
                    print(
                        _("データベースを更新しました: {a} → {b}").format(
                            a=result.from_revision or "-", b=result.to_revision
                        ),
                        file=sys.stderr,
                    )
            self._services = Services(db)
        return self._services


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kyodo-desk",
        description=_(
            "協働デスク — 金沢市市民活動サポートセンターの窓口アプリ。サブコマンドなしで起動すると画面が開きます。"
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--database",
        metavar="URL|PATH",
        help=_(
            "使うデータベース(SQLite のファイルか postgresql+psycopg://...)。既定は環境変数 KYODO_DESK_DATABASE、なければデータフォルダの SQLite"
        ),
    )
    parser.add_argument(
        "--home",
        metavar="DIR",
        help=_("設定・データ・ログ・バックアップをすべてこのフォルダに置く(持ち運び用・検証用)"),
    )
    parser.add_argument("--lang", choices=["ja", "en"], help=_("表示言語"))
    parser.add_argument("--verbose", action="store_true", help=_("詳しいログを記録する"))
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_("この端末で協働デスクが動くかを確かめる(一時フォルダで。終了コード 0 = 正常)"),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("コマンド"))
    for name in COMMAND_MODULES:
        importlib.import_module(f"kyodo_desk.commands.{name}").register(sub)
    _accept_database_after_command(parser)
    return parser


def _accept_database_after_command(parser: argparse.ArgumentParser) -> None:
    """``kyodo-desk demo --database X`` works as well as ``kyodo-desk --database X demo``:
    scheduler entries are written both ways."""
    for action in parser._actions:  # noqa: SLF001 - argparse offers no public walk
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for child in action.choices.values():
                child.add_argument(
                    "--database", metavar="URL|PATH", default=argparse.SUPPRESS, help=_("使うデータベース(上と同じ)")
                )
                _accept_database_after_command(child)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Language must be active before the parser's help texts are built.
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--home")
    pre.add_argument("--lang")
    known, _rest = pre.parse_known_args(argv)
    paths = default_paths(known.home)
    prefs = load_preferences(paths)
    setup_i18n(known.lang or prefs.language)
    paths = apply_preferences(paths, prefs)

    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(paths, verbose=args.verbose)

    if args.self_test:
        from kyodo_desk.commands.self_test import run_self_test

        return run_self_test()
    if not args.command:
        from kyodo_desk.app import run_gui

        return run_gui(paths=paths, database=args.database, language=args.lang)

    ctx = CliContext(paths=paths, database_url=resolve_database_url(args.database, paths))
    try:
        return int(args.func(args, ctx) or 0)
    except KeyboardInterrupt:
        print(_("中断しました。"), file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - report every failure to the operator
        from kyodo_desk.db.engine import NetworkShareError
        from kyodo_desk.db.migrate import MigrationError
        from kyodo_desk.domain.validation import ValidationError
        from kyodo_desk.redact import safe_message
        from kyodo_desk.services.base import ServiceError
        from kyodo_desk.services.database_trouble import explain

        trouble = explain(exc, command=True)  # the GUI's words for a busy or unreachable database
        if trouble is not None:
            log.warning("command %s: the database was %s (%s)", args.command, trouble.kind, type(exc).__name__)
            print(_("エラー: {message}").format(message=f"{trouble.title}\n{trouble.text}"), file=sys.stderr)
        elif isinstance(exc, (ServiceError, ValidationError, NetworkShareError, MigrationError)):
            print(_("エラー: {message}").format(message=exc), file=sys.stderr)
        else:
            log.exception("command %s failed", args.command)
            print(
                _("エラー: {message}\n詳しくはログ {log} を見てください。").format(
                    message=safe_message(exc),
                    log=paths.log_file,  # a database error's text quotes the row's values
                ),
                file=sys.stderr,
            )
        return 1


if __name__ == "__main__":
    sys.exit(main())
