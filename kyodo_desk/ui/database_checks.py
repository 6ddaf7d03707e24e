"""Start-up steps around the database file (SQLite): the integrity check before anything opens
it, and the day's first backup after the upgrade.  Both run off the GUI thread."""

from __future__ import annotations

import logging
from pathlib import Path

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
        if show_damaged(ctx, exc):
            return check_database_file(ctx)  # restored: check the restored file like any other
        return False
    return True


def show_damaged(ctx: AppContext, exc: backup.DamagedDatabase) -> bool:
    """Refuse the damaged file; offer to restore the newest good backup (default: 閉じる).
    True when that restore was done."""
    text = str(exc)
    if exc.good is not None:
        text += "\n\n" + _("「このバックアップから復元して起動」を押すと、ここで戻して起動します。")
    box = QMessageBox(QMessageBox.Icon.Critical, _("データベースが壊れています"), text)
    box.setObjectName("damagedDatabaseBox")
    restore_button = None
    if exc.good is not None:
        restore_button = box.addButton(_("このバックアップから復元して起動"), QMessageBox.ButtonRole.AcceptRole)
    close_button = box.addButton(_("閉じる"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(close_button)
    box.exec()
    if restore_button is None or exc.good is None or box.clickedButton() is not restore_button:
        return False
    return restore_at_start(ctx, exc.path, exc.good.path)


def restore_at_start(ctx: AppContext, path: Path, good: Path) -> bool:
    """Put *good* in place of the damaged *path* before anything opened it (the damaged file is kept)."""
    from kyodo_desk.services.base import batch_actor

    ctx.db.dispose()
    folder, keep = ctx.paths.backup_dir, backup.DEFAULT_KEEP
    try:
        result = ctx.tasks.call(
            lambda progress: backup.restore(batch_actor("restore"), path, good, folder, keep, progress),
            _("復元しています…"),
            write=True,
        )
    except Exception as exc:  # noqa: BLE001 - say why, then stop: the file stays as it was
        log.error("restore at start-up failed: %s", safe_message(exc))
        QMessageBox.critical(
            None, _("復元できませんでした"), str(exc) if isinstance(exc, backup.BackupError) else safe_message(exc)
        )
        return False
    QMessageBox.information(
        None,
        _("復元しました"),
        _("{name} から復元しました。壊れたファイルは {kept} として残しました。このまま起動します。").format(
            name=result.restored_from.name, kept=result.kept_copy.name if result.kept_copy else "-"
        ),
    )
    return True


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
