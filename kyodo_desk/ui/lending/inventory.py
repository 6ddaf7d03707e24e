"""在庫: the lazy device list with filters, and what can be done with devices — register, edit,
change state, history, device models, CSV import/export, labels.  Editing is for staff and
administrators; an ICT推進員 sees everything read-only (the service refuses their writes too)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.lending import DeviceKind, DeviceState
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.inventory import DeviceRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.imports import import_button_text, open_import
from kyodo_desk.ui.lending.common import MessageLine, choice_combo
from kyodo_desk.ui.lending.csv_io import InventoryCsv
from kyodo_desk.ui.lending.device_dialog import DeviceDialog, StateDialog
from kyodo_desk.ui.lending.device_table import DeviceFilter, DeviceTableModel
from kyodo_desk.ui.widgets.page import plain_label
from kyodo_desk.ui.widgets.record_list import record_list
from kyodo_desk.ui.widgets.search_box import down_to_results

_WIDTHS = [90, 150, 220, 80, 130, 130, 96]


class InventoryTab(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.can_edit = ctx.require_actor().can(Permission.INVENTORY_EDIT)
        self.dialog = None
        self._select_after_load: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)

        filters = QHBoxLayout()
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(_("絞り込み: 管理番号・メーカー・型番・シリアル番号・保管場所"))
        self.text_filter.setClearButtonEnabled(True)
        self.state_filter = choice_combo(DeviceState.choices(), (_("すべての状態"), None))
        self.kind_filter = choice_combo(DeviceKind.choices(), (_("すべての種別"), None))
        self.count_label = plain_label()
        self.count_label.setObjectName("hint")
        filters.addWidget(self.text_filter, 1)
        filters.addWidget(self.state_filter)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.count_label)
        self.clear_filters_button = QPushButton(_("条件をクリア"))  # shown when the filters leave 0 台
        self.clear_filters_button.setAutoDefault(False)
        self.clear_filters_button.hide()
        self.clear_filters_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_filters_button)
        layout.addLayout(filters)

        self.message = MessageLine()
        layout.addWidget(self.message)
        if not self.can_edit:
            self.message.show_message(
                _(
                    "あなたの役割({role})では在庫の登録・変更はできません(閲覧・ラベルの印刷・CSVでの保存はできます)。"
                ).format(role=ctx.require_actor().role.label()),
                "warn",
            )

        self.model = DeviceTableModel(ctx)
        self.table = record_list(self.model, widths=_WIDTHS, stretch=2, name="deviceTable", several=True)
        self.table.activated.connect(lambda index: self.edit_row(index.row()))
        layout.addWidget(self.table, 1)
        down_to_results(self.text_filter, self.table)  # Tab or Down from the filter: the devices, not 種別

        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("新規登録"))
        self.edit_button = QPushButton(_("開く"))
        self.state_button = QPushButton(_("状態を変える…"))
        self.history_button = QPushButton(_("履歴…"))
        self.models_button = QPushButton(_("機種と付属品…"))
        self.import_button = QPushButton(import_button_text())
        self.import_button.setObjectName("importButton")
        self.export_button = QPushButton(_("CSVで保存…"))
        self.labels_button = QPushButton(_("ラベルを印刷…"))
        self.new_button.clicked.connect(self.new_device)
        self.edit_button.clicked.connect(lambda: self.edit_row(self.table.currentIndex().row()))
        self.state_button.clicked.connect(self.change_state)
        self.history_button.clicked.connect(self.show_history)
        self.models_button.clicked.connect(self.edit_models)
        self.csv = InventoryCsv(ctx, self)
        self.csv.exported.connect(
            lambda path: self.message.show_message(_("{path} に保存しました。").format(path=path), "ok")
        )
        self.import_button.clicked.connect(lambda: setattr(self, "import_dialog", open_import(ctx, "devices", self)))
        self.export_button.clicked.connect(self.csv.choose_and_export)
        self.labels_button.clicked.connect(self.print_labels)
        for b in (self.new_button, self.edit_button, self.state_button, self.history_button, self.models_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.import_button, self.export_button, self.labels_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        for b in (self.new_button, self.state_button, self.import_button):
            b.setEnabled(self.can_edit)
            if not self.can_edit:
                b.setToolTip(_("在庫の変更は職員・管理者だけができます。"))

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(250)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.text_filter.textChanged.connect(lambda _t: self._filter_timer.start())
        self.text_filter.returnPressed.connect(self.apply_filter)  # Enter: now, not after the pause
        self.state_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.model.modelReset.connect(self._show_count)
        self.model.loaded.connect(self._loaded)
        ctx.events.data_changed.connect(self._data_changed)
        self.model.reload()

    # ---- list -------------------------------------------------------------------------------
    def apply_filter(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(
            DeviceFilter(self.text_filter.text(), self.state_filter.currentData(), self.kind_filter.currentData())
        )

    def _show_count(self) -> None:
        if self.model.total is not None:
            count = _("{n} 台").format(n=format_number(self.model.total))
            active = [f"「{self.text_filter.text().strip()}」"] if self.text_filter.text().strip() else []
            active += [c.currentText() for c in (self.state_filter, self.kind_filter) if c.currentData() is not None]
            empty = self.model.total == 0 and bool(active)
            self.count_label.setText(
                _("{count}(絞り込み中: {filters})").format(count=count, filters="・".join(active)) if empty else count
            )
            self.clear_filters_button.setVisible(empty)

    def clear_filters(self) -> None:
        for combo in (self.state_filter, self.kind_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.text_filter.blockSignals(True)
        self.text_filter.clear()
        self.text_filter.blockSignals(False)
        self.apply_filter()

    def _loaded(self) -> None:
        if self._select_after_load is not None:
            row = self.model.row_of(self._select_after_load)
            self._select_after_load = None
            if row is not None:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind in ("device", "loan", "device_model"):
            current = self.current()
            if current is not None and self._select_after_load is None:
                self._select_after_load = current.id
            self.model.reload(keep_loaded=True)

    def current(self) -> DeviceRecord | None:
        return self.model.record(self.table.currentIndex().row())

    def selected(self) -> list[DeviceRecord]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [r for r in (self.model.record(row) for row in rows) if r is not None]

    # ---- dialogs ----------------------------------------------------------------------------
    def _open(self, dialog):
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.open()
        return dialog

    def _with_models(self, then) -> None:
        actor, inventory = self.ctx.require_actor(), self.ctx.services.inventory
        self.ctx.tasks.run(lambda _p: inventory.models(actor), on_done=then, owner=self)

    def new_device(self) -> None:
        if self.can_edit:
            self._with_models(lambda models: self._device_dialog(models, None))

    def edit_row(self, row: int) -> None:
        record = self.model.record(row)
        if record is not None:
            self._with_models(lambda models: self._device_dialog(models, record))

    def open_device(self, device_id: int) -> None:
        actor, inventory = self.ctx.require_actor(), self.ctx.services.inventory
        self.ctx.tasks.run(
            lambda _p: (inventory.models(actor), inventory.get(actor, device_id)),
            on_done=lambda r: self._device_dialog(*r),
            owner=self,
        )

    def _device_dialog(self, models, record) -> DeviceDialog:
        dialog = DeviceDialog(self.ctx, models, record, self.window())
        dialog.saved.connect(lambda rec: setattr(self, "_select_after_load", rec.id))
        return self._open(dialog)

    def change_state(self) -> None:
        record = self.current()
        if record is not None and self.can_edit:
            self._open(StateDialog(self.ctx, record, self.window()))

    def show_history(self) -> None:
        from kyodo_desk.ui.lending.history import DeviceHistoryDialog

        record = self.current()
        if record is not None:
            self._open(DeviceHistoryDialog(self.ctx, record, self.window()))

    def edit_models(self) -> None:
        from kyodo_desk.ui.lending.device_models import DeviceModelsDialog

        self._open(DeviceModelsDialog(self.ctx, self.window()))

    def print_labels(self) -> None:
        from kyodo_desk.ui.lending.labels_dialog import LabelDialog

        tags = [d.asset_tag for d in self.selected()]
        self._open(LabelDialog(self.ctx, tags, self.window()))
