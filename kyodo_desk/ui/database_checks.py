"""Start-up steps around the database file (SQLite): the integrity check before anything opens
it, and the day's first backup after the upgrade.  Both run off the GUI thread."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox

from kyodo_desk.i18n import _
from kyodo_desk.redact import safe_message
from kyodo_desk.services import backup
from kyodo_desk.ui.context import AppContext

log = logging.getLogger(__name__)


def backup_keep(ctx: AppContext) -> int:
    """The center setting 残すバックアップの数 (the default when the database cannot say yet)."""
    try:
        return int(ctx.services.settings.get().backup_keep)
    except Exception:  # noqa: BLE001 - a brand-new or older database: the default applies
        return backup.DEFAULT_KEEP


def check_database_file(ctx: AppContext) -> bool:
    """``PRAGMA quick_check`` on this desk's SQLite file; a damaged file is refused with the
    newest good backup named.  False = do not start."""
    path = ctx.db.sqlite_path
    if path is None:
        return True
    folder = ctx.paths.backup_dir
    try:
        ctx.tasks.call(lambda _p: backup.check_at_start(path, folder), _("データベースを検査しています…"))
    except backup.DamagedDatabase as exc:
        show_damaged(exc)
        return False
    return True


def show_damaged(exc: backup.DamagedDatabase) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Critical, _("データベースが壊れています"), str(exc))
    box.setObjectName("damagedDatabaseBox")
    box.exec()
    return box


def daily_backup(ctx: AppContext) -> None:
    """The first start of each day copies the database into the backup folder (keep-N applies)."""
    path = ctx.db.sqlite_path
    if path is None:
        return
    keep = backup_keep(ctx)
    try:
        made = ctx.tasks.call(
            lambda _p: backup.daily_backup_if_due(path, ctx.paths.backup_dir, keep),
            _("今日のバックアップを作っています…"),
        )
    except Exception as exc:  # noqa: BLE001 - the desk can work; the administrator must learn of it
        log.error("daily backup failed: %s", safe_message(exc))
        QMessageBox.warning(
            None,
            _("バックアップできませんでした"),
            _(
                "今日のバックアップを作れませんでした({error})。作業は続けられます。管理者に伝えてください。\nログ: {log}"
            ).format(error=safe_message(exc), log=ctx.paths.log_file),
        )
        return
    if made is not None:
        log.info("daily backup written to %s", made)
