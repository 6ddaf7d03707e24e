"""設定 → バックアップ: the backup folder's copies, 今すぐバックアップ, how many to keep, and (for
administrators) 復元: the checked backup replaces the database and the app restarts.

The work is in :mod:`kyodo_desk.services.backup`; this screen only asks and tells.  Before a restore
this desk closes its own connections (the service refuses while anything has the file open) and
after it the app restarts, so no screen keeps showing rows of the replaced database.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QProcess, Qt
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import N_, _
from kyodo_desk.services import backup
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.settings.common import admin_only_note
from kyodo_desk.ui.widgets.page import plain_label

KIND_LABELS = {
    "daily": N_("毎日の自動バックアップ"),
    "backup": N_("手動のバックアップ"),
    "before-upgrade": N_("版の更新前の写し"),
    "before-restore": N_("復元前のデータベース"),
    "pgdump": N_("pg_dump"),
}


def relaunch_app() -> None:
    """Start a new copy of the app with the same arguments, then quit this one."""
    args = sys.argv[1:]
    if getattr(sys, "frozen", False):
        QProcess.startDetached(sys.executable, args)
    else:
        QProcess.startDetached(sys.executable, ["-m", "kyodo_desk", *args])
    QApplication.quit()


class BackupRestoreForm(QWidget):
    def __init__(self, ctx: AppContext, restart: Callable[[], None] = relaunch_app):
        super().__init__()
        self.ctx = ctx
        self.restart = restart
        self.can_manage = ctx.require_actor().can(Permission.SETTINGS_EDIT)
        self.db_path = ctx.db.sqlite_path
        self.last_box: QMessageBox | None = None
        layout = QVBoxLayout(self)
        if not self.can_manage:
            layout.addWidget(admin_only_note())
        if self.db_path is not None:
            text = _(
                "バックアップフォルダ: {folder}\n毎日最初に協働デスクを起動したときに、自動でバックアップを作ります。"
                "バックアップと同じPCの故障には備えられないので、ときどき別の媒体(暗号化したUSBメモリなど)にも写してください。"
            ).format(folder=ctx.paths.backup_dir)
        else:
            text = _(
                "このデスクは PostgreSQL サーバーのデータベースを使っています。バックアップはサーバーで pg_dump を"
                "毎日実行してください(このPCに pg_dump があれば「今すぐバックアップ」でも作れます)。\nバックアップフォルダ: {folder}"
            ).format(folder=ctx.paths.backup_dir)
        intro = plain_label(text)
        intro.setObjectName("banner")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        keep_row = QHBoxLayout()
        keep_row.addWidget(plain_label(_("残すバックアップの数")))
        self.keep = QSpinBox()
        self.keep.setRange(1, 365)
        self.keep.setValue(backup.DEFAULT_KEEP)
        self.keep.setEnabled(self.can_manage)
        self.keep.setAccessibleName(_("残すバックアップの数"))
        keep_row.addWidget(self.keep)
        self.keep_save = QPushButton(_("数を保存"))
        self.keep_save.setVisible(self.can_manage)
        self.keep_save.clicked.connect(self.save_keep)
        keep_row.addWidget(self.keep_save)
        hint = plain_label(_("(毎日・手動・更新前・復元前のすべてを合わせた数。古いものから消します)"))
        hint.setObjectName("hint")
        keep_row.addWidget(hint)
        keep_row.addStretch(1)
        layout.addLayout(keep_row)

        self.list = QListWidget()
        self.list.setObjectName("backupList")
        self.list.setAccessibleName(_("バックアップの一覧"))
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.list.itemActivated.connect(lambda _item: self.restore_selected())
        layout.addWidget(self.list, 1)

        buttons = QHBoxLayout()
        self.backup_button = QPushButton(_("今すぐバックアップ"))
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton(_("選んだバックアップから復元…"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton(_("ファイルを選んで復元…"))
        self.restore_file_button.clicked.connect(self.restore_from_file)
        for button in (self.backup_button, self.restore_button, self.restore_file_button):
            buttons.addWidget(button)
        self.status = plain_label()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        layout.addLayout(buttons)
        self.backup_button.setVisible(self.can_manage)
        self.restore_button.setVisible(self.can_manage)
        self.restore_file_button.setVisible(self.can_manage)
        self.load()

    # ---- list ----------------------------------------------------------------------------------
    def load(self) -> None:
        folder, path, url = self.ctx.paths.backup_dir, self.db_path, self.ctx.database_url
        settings = self.ctx.services.settings

        def read(_p):
            items = backup.backups(path, folder) if path is not None else backup.pg_backups(url, folder)
            return settings.get().backup_keep, [(b, b.path.stat().st_size) for b in items if b.path.exists()]

        self.ctx.tasks.run(read, on_done=self._fill, owner=self)

    def _fill(self, loaded) -> None:
        keep, items = loaded
        self.keep.setValue(int(keep))
        self.list.clear()
        for item, size in items:
            label = _(KIND_LABELS.get(item.kind, item.kind))
            text = f"{item.taken_at:%Y-%m-%d %H:%M}    {label}    {size / 1_048_576:.1f} MB    {item.path.name}"
            row = QListWidgetItem(text)
            row.setData(Qt.ItemDataRole.UserRole, str(item.path))
            self.list.addItem(row)
        if not items:
            self.list.addItem(QListWidgetItem(_("バックアップはまだありません。")))
        self._update_buttons()

    def selected_file(self) -> Path | None:
        item = self.list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return Path(value) if value else None

    def _update_buttons(self) -> None:
        sqlite = self.db_path is not None
        self.restore_button.setEnabled(self.can_manage and sqlite and self.selected_file() is not None)
        self.restore_file_button.setEnabled(self.can_manage)

    # ---- keep-N and backup -----------------------------------------------------------------------
    def save_keep(self) -> None:
        actor, settings, keep = self.ctx.require_actor(), self.ctx.services.settings, self.keep.value()
        self.ctx.tasks.run(
            lambda _p: settings.update(actor, replace(settings.get(), backup_keep=keep)),
            on_done=lambda _s: self._said(_("保存しました。次のバックアップから {n} 個を残します。").format(n=keep)),
            write=True,
            owner=self,
        )

    def backup_now(self) -> None:
        folder, path, keep, url = self.ctx.paths.backup_dir, self.db_path, self.keep.value(), self.ctx.database_url

        def work(_p):
            if path is None:
                return backup.pg_backup(url, folder, keep)
            return backup.backup_now(path, folder, keep)

        def done(target: Path) -> None:
            self._said(_("バックアップを作成しました: {path}").format(path=target.name))
            self.load()

        self.ctx.tasks.run(work, _("バックアップしています…"), on_done=done, on_error=self._failed, owner=self)

    # ---- restore -------------------------------------------------------------------------------
    def restore_selected(self) -> None:
        chosen = self.selected_file()
        if chosen is not None and self.can_manage:
            self.start_restore(chosen)

    def restore_from_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            _("復元するバックアップを選ぶ"),
            str(self.ctx.paths.backup_dir),
            _("データベース (*.db *.dump);;すべて (*)"),
        )
        if name:
            self.start_restore(Path(name))

    def start_restore(self, chosen: Path) -> None:
        """Check the backup (off the GUI thread), then ask before anything is replaced."""
        if self.db_path is None:
            self._show(
                QMessageBox.Icon.Information, _("復元"), backup.pg_restore_instructions(self.ctx.database_url, chosen)
            )
            return
        self.ctx.tasks.run(
            lambda _p: backup.inspect_backup(chosen),
            _("バックアップを検査しています…"),
            on_done=self._confirm,
            owner=self,
        )

    def _confirm(self, checked: backup.BackupCheck) -> None:
        if not checked.ok:
            self._show(QMessageBox.Icon.Warning, _("このバックアップは使えません"), checked.problem or "")
            return
        when = f"{checked.taken_at:%Y-%m-%d %H:%M}" if checked.taken_at else "-"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("バックアップから復元"),
            _(
                "{name}(作成 {when}、データベースの版 {rev})に戻します。\n\n"
                "・それより後に入力した内容はなくなります。\n"
                "・いまのデータベースはバックアップフォルダに「復元前のデータベース」として残します。\n"
                "・復元のあと、協働デスクを再起動します(サインインし直してください)。\n\n復元しますか?"
            ).format(name=checked.path.name, when=when, rev=checked.revision),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("restoreConfirmBox")
        box.button(QMessageBox.StandardButton.Yes).setText(_("復元する"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.last_box = box
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.finished.connect(lambda _r: self._run_restore(checked.path) if box.clickedButton() is yes else None)
        box.open()

    def _run_restore(self, chosen: Path) -> None:
        ctx, path, actor, keep = self.ctx, self.db_path, self.ctx.require_actor(), self.keep.value()
        assert path is not None
        ctx.events.stop_polling()
        ctx.tasks.wait_for_done()
        ctx.db.dispose()  # this desk's own connections; the service refuses while any are open

        def work(progress):
            return backup.restore(actor, path, chosen, ctx.paths.backup_dir, keep, progress)

        ctx.tasks.run(
            work, _("復元しています…"), on_done=self._restored, on_error=self._restore_failed, write=True, owner=self
        )

    def _restored(self, result: backup.RestoreResult) -> None:
        kept = result.kept_copy.name if result.kept_copy else "-"
        box = self._show(
            QMessageBox.Icon.Information,
            _("復元しました"),
            _(
                "{name} から復元しました。置き換える前のデータベースは {kept} として残しました。\n\nOK を押すと協働デスクを再起動します。"
            ).format(name=result.restored_from.name, kept=kept),
        )
        box.finished.connect(lambda _r: self.restart())

    def _restore_failed(self, exc: BaseException) -> None:
        self.ctx.events.start_polling()  # nothing was replaced: this desk goes on as before
        self._failed(exc)

    # ---- messages ------------------------------------------------------------------------------
    def _said(self, text: str) -> None:
        self.status.setText(text)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(_("できませんでした。"))
        self.last_box = report_error(self, exc, self.ctx.log_file)

    def _show(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("backupMessageBox")
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.last_box = box
        box.open()
        return box
