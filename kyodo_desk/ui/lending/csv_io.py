"""Inventory CSV import and export, off the GUI thread.

An import is all-or-nothing: when any row is bad, a dialog lists every bad row's number and
reason and nothing is registered.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QMessageBox, QPlainTextEdit, QVBoxLayout, QWidget

from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.inventory_csv import HEADERS, InventoryImportError, export_devices, import_devices
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.widgets.page import page_title, plain_label


class ImportErrorsDialog(QDialog):
    def __init__(self, errors: list[tuple[int, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importErrors")
        self.setWindowTitle(_("CSVを取り込めませんでした"))
        self.errors = errors
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(_("CSVを取り込めませんでした")))
        summary = plain_label(
            _(
                "{n} 行に問題があったため、取り込みを中止しました。何も登録していません。\n"
                "CSVを直してから、もう一度取り込んでください。"
            ).format(n=format_number(len(errors)))
        )
        summary.setObjectName("errorBanner")
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setPlainText("\n".join(_("{row}行目: {reason}").format(row=r, reason=m) for r, m in errors))
        layout.addWidget(self.text, 1)
        hint = plain_label(_("1行目(見出し)は次のとおりにします: {headers}").format(headers=",".join(HEADERS)))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("閉じる"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 440)


class InventoryCsv(QObject):
    imported = Signal(int)
    failed = Signal(object)  # ImportErrorsDialog or the exception
    exported = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget):
        super().__init__(parent)
        self.ctx, self.parent_widget = ctx, parent
        self.dialog: QDialog | None = None

    def choose_and_import(self) -> None:
        path, _f = QFileDialog.getOpenFileName(
            self.parent_widget, _("在庫のCSVを取り込む"), str(Path.home()), _("CSV (*.csv);;すべてのファイル (*)")
        )
        if path:
            self.import_file(path)

    def import_file(self, path: str | Path) -> None:
        actor, inventory = self.ctx.require_actor(), self.ctx.services.inventory

        def work(progress):
            return import_devices(inventory, actor, Path(path).read_bytes(), progress=progress)

        self.ctx.tasks.run(
            work,
            _("CSVを取り込んでいます…"),
            on_done=self._imported,
            on_error=self._failed,
            write=True,
            owner=self.parent_widget,
            parent=self.parent_widget.window(),
        )

    def _imported(self, count: int) -> None:
        self.ctx.events.emit_changed("device", [])
        self.dialog = QMessageBox(
            QMessageBox.Icon.Information,
            _("取り込みました"),
            _("{n} 台の機器を登録しました。").format(n=format_number(count)),
            parent=self.parent_widget,
        )
        self.dialog.setObjectName("importDone")
        self.dialog.open()
        self.imported.emit(count)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, InventoryImportError):
            self.dialog = ImportErrorsDialog(exc.errors, self.parent_widget)
            self.dialog.open()
            self.failed.emit(self.dialog)
        else:
            self.dialog = report_error(self.parent_widget, exc, self.ctx.log_file)
            self.failed.emit(exc)

    def choose_and_export(self) -> None:
        path, _f = QFileDialog.getSaveFileName(
            self.parent_widget, _("在庫をCSVで保存"), str(Path.home() / _("機器一覧.csv")), _("CSV (*.csv)")
        )
        if path:
            self.export_file(path)

    def export_file(self, path: str | Path) -> None:
        actor, inventory = self.ctx.require_actor(), self.ctx.services.inventory

        def work(_p):
            Path(path).write_bytes(export_devices(inventory, actor))
            return str(path)

        self.ctx.tasks.run(
            work,
            _("CSVを保存しています…"),
            on_done=self.exported.emit,
            owner=self.parent_widget,
            parent=self.parent_widget.window(),
        )
