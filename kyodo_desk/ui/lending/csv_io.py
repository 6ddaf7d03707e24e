"""Inventory CSV export, off the GUI thread.  (Importing: the import dialog, ui/imports — the
export re-imports unchanged there.)"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from kyodo_desk.i18n import _
from kyodo_desk.services.inventory_csv import export_devices
from kyodo_desk.ui.context import AppContext


class InventoryCsv(QObject):
    exported = Signal(str)  # (importing: ui/imports, 「Excel・CSV から取り込む…」)

    def __init__(self, ctx: AppContext, parent: QWidget):
        super().__init__(parent)
        self.ctx, self.parent_widget = ctx, parent
        self.dialog: QDialog | None = None

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
