"""Device models (機種) with their accessory checklist: the list the desk ticks at checkout and
return.  Staff and administrators edit; others see them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.lending import DeviceKind
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.inventory import Accessory, DeviceModelRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.lending.common import LENDING_STYLE, MessageLine, choice_combo, confirm_shortcuts, no_default_buttons
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen


class DeviceModelsDialog(QDialog):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.can_edit = ctx.require_actor().can(Permission.INVENTORY_EDIT)
        self.setObjectName("deviceModelsDialog")
        self.setStyleSheet(STYLE_SHEET + LENDING_STYLE)
        self.setWindowTitle(_("機種と付属品"))
        self.errors = FieldErrors()
        self.models: list[DeviceModelRecord] = []
        self.current_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(_("機種と付属品")))
        self.message = MessageLine()
        layout.addWidget(self.message)
        if not self.can_edit:
            self.message.show_message(_("あなたの役割では機種を変更できません。閲覧のみです。"), "warn")
        body = QHBoxLayout()
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._picked)
        left.addWidget(self.list, 1)
        self.new_button = QPushButton(_("新しい機種"))
        self.new_button.clicked.connect(self.new_model)
        self.new_button.setEnabled(self.can_edit)
        left.addWidget(self.new_button)
        body.addLayout(left, 1)

        right = QVBoxLayout()
        form = QFormLayout()
        self.kind = choice_combo(DeviceKind.choices())
        self.maker = QLineEdit()
        self.model_name = QLineEdit()
        self.loan_days = QSpinBox()
        self.loan_days.setRange(0, 90)
        self.loan_days.setSpecialValueText(_("種別の標準"))
        self.loan_days.setSuffix(_(" 日"))
        self.errors.add_row(form, "kind", _("種別"), self.kind)
        self.errors.add_row(form, "maker", _("メーカー"), self.maker)
        self.errors.add_row(form, "model_name", _("型番"), self.model_name)
        self.errors.add_row(form, "loan_days", _("貸出日数"), self.loan_days)
        right.addLayout(form)
        right.addWidget(plain_label(_("付属品(貸出・返却のときのチェックリスト)")))
        self.accessories = QTableWidget(0, 2)
        self.accessories.setObjectName("accessoryTable")
        self.accessories.setHorizontalHeaderLabels([_("名前"), _("個数")])
        self.accessories.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.accessories.verticalHeader().hide()
        self.errors.add_row(form, "accessories", "", plain_label())
        right.addWidget(self.accessories, 1)
        acc_buttons = QHBoxLayout()
        self.add_acc = QPushButton(_("付属品を追加"))
        self.add_acc.clicked.connect(lambda: self.add_accessory("", 1, focus=True))
        self.remove_acc = QPushButton(_("選んだ付属品を削除"))
        self.remove_acc.clicked.connect(lambda: self.accessories.removeRow(self.accessories.currentRow()))
        acc_buttons.addWidget(self.add_acc)
        acc_buttons.addWidget(self.remove_acc)
        acc_buttons.addStretch(1)
        right.addLayout(acc_buttons)
        self.save_button = QPushButton(_("この機種を保存"))
        self.save_button.clicked.connect(self.save)
        right.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        body.addLayout(right, 2)
        layout.addLayout(body, 1)
        close = QPushButton(_("閉じる"))
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        for w in (self.kind, self.loan_days, self.add_acc, self.remove_acc, self.save_button):
            w.setEnabled(self.can_edit)
        for w in (self.maker, self.model_name):
            w.setReadOnly(not self.can_edit)
        if not self.can_edit:
            self.accessories.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # Enter in メーカー/型番 saves the model (what this form is for); it never presses 新しい機種,
        # which would throw the typing away
        no_default_buttons(self)
        confirm_shortcuts(self, self.save)
        for line in (self.maker, self.model_name):
            line.returnPressed.connect(self.save)
        fit_to_screen(self, 860, 560)
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        actor, inventory = self.ctx.require_actor(), self.ctx.services.inventory
        self.ctx.tasks.run(lambda _p: inventory.models(actor), on_done=lambda m: self._loaded(m, select_id), owner=self)

    def _loaded(self, models: list[DeviceModelRecord], select_id: int | None) -> None:
        self.models = models
        self.list.blockSignals(True)
        self.list.clear()
        for m in models:
            item = QListWidgetItem(f"{m.label}({DeviceKind(m.kind).label()})")
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        rows = [i for i, m in enumerate(models) if m.id == (select_id or self.current_id)]
        if rows:
            self.list.setCurrentRow(rows[0])
        elif models and self.current_id is None:
            self.list.setCurrentRow(0)

    def _picked(self, row: int) -> None:
        if 0 <= row < len(self.models):
            self.show_model(self.models[row])

    def show_model(self, m: DeviceModelRecord | None) -> None:
        self.errors.clear()
        self.current_id = m.id if m else None
        self.kind.setCurrentIndex(max(0, self.kind.findData(m.kind if m else DeviceKind.TABLET.value)))
        self.maker.setText(m.maker if m else "")
        self.model_name.setText(m.model_name if m else "")
        self.loan_days.setValue(m.loan_days if m else 0)
        self.accessories.setRowCount(0)
        for acc in m.accessories if m else ():
            self.add_accessory(acc.name, acc.count)

    def new_model(self) -> None:
        self.list.clearSelection()
        self.show_model(None)
        self.maker.setFocus()

    def add_accessory(self, name: str, count: int, *, focus: bool = False) -> None:
        row = self.accessories.rowCount()
        self.accessories.insertRow(row)
        self.accessories.setItem(row, 0, QTableWidgetItem(name))
        self.accessories.setItem(row, 1, QTableWidgetItem(str(count)))
        if focus:
            self.accessories.setCurrentCell(row, 0)
            self.accessories.editItem(self.accessories.item(row, 0))

    def collect_accessories(self) -> list[Accessory]:
        out = []
        for row in range(self.accessories.rowCount()):
            name = (self.accessories.item(row, 0).text() if self.accessories.item(row, 0) else "").strip()
            raw = self.accessories.item(row, 1).text() if self.accessories.item(row, 1) else "1"
            try:
                count = int(raw.strip() or 1)
            except ValueError:
                count = 0
            if name or count != 1:
                out.append(Accessory(name, count))
        return out

    def save(self) -> None:
        if not (self.can_edit and self.save_button.isEnabled()):  # read-only, or already saving
            return
        actor, inventory = self.ctx.require_actor(), self.ctx.services.inventory
        args = (
            self.kind.currentData(),
            self.maker.text(),
            self.model_name.text(),
            self.collect_accessories(),
            self.loan_days.value() or None,
        )
        model_id = self.current_id
        shown = next((m for m in self.models if m.id == model_id), None)
        expected = shown.version if shown is not None else None  # another desk's save since: StaleEdit
        self.save_button.setEnabled(False)
        self.errors.clear()
        self.message.show_message("")
        self.ctx.tasks.run(
            lambda _p: inventory.save_model(actor, *args, model_id=model_id, expected_version=expected),
            on_done=self._saved,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _saved(self, record: DeviceModelRecord) -> None:
        self.save_button.setEnabled(True)
        self.current_id = record.id
        self.message.show_message(_("「{name}」を保存しました。").format(name=record.label), "ok")
        self.ctx.events.emit_changed("device_model", [record.id])
        self.changed.emit()
        self.reload(record.id)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.errors.show(exc.errors)
            self.message.show_message("\n".join(exc.errors.values()), "error")
        elif isinstance(exc, ServiceError):  # StaleEdit too: what was typed stays in the form
            self.message.show_message(str(exc), "error")
        else:
            report_error(self, exc, self.ctx.log_file)
