"""Register or edit one device, and change a device's state with a reason.

Staff and administrators edit; an ICT推進員 sees the same dialog read-only (the service refuses
their writes anyway).  Field errors appear under their fields; a stale save keeps the input.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.lending import DeviceState
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.inventory import DeviceInput, DeviceModelRecord, DeviceRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.lending.common import LENDING_STYLE, MessageLine
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.date_edit import OptionalDateEdit, date_problem
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import page_title


class _WriteDialog(QDialog):
    """Shared: a banner for errors without a field, save off the GUI thread, field errors."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None):
        super().__init__(parent)
        self.ctx = ctx
        self.can_edit = ctx.require_actor().can(Permission.INVENTORY_EDIT)
        self.setStyleSheet(STYLE_SHEET + LENDING_STYLE)
        self.setWindowTitle(title)
        self.errors = FieldErrors()
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 16, 20, 16)
        self.layout_.addWidget(page_title(title))
        self.message = MessageLine()
        self.layout_.addWidget(self.message)
        if not self.can_edit:
            self.message.show_message(
                _("あなたの役割({role})では在庫を変更できません。閲覧のみです。").format(
                    role=ctx.require_actor().role.label()
                ),
                "warn",
            )
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(_("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        close = self.buttons.addButton(
            _("キャンセル") if self.can_edit else _("閉じる"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.save_button.clicked.connect(self.save)
        close.clicked.connect(self.reject)
        self.save_button.setVisible(self.can_edit)
        self.save_button.setEnabled(self.can_edit)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.buttons)

    def write(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def save(self) -> None:
        if not self.can_edit:
            return
        if date_problem(self) is not None:  # a date that cannot be read: its field says why and keeps it
            return
        self.save_button.setEnabled(False)
        self.errors.clear()
        self.message.show_message("")
        fn = self.write()
        self.ctx.tasks.run(lambda _p: fn(), on_done=self._done, on_error=self._failed, write=True, owner=self)

    def _done(self, record) -> None:
        self.save_button.setEnabled(True)
        self.ctx.events.emit_changed("device", [getattr(record, "id", None)])
        self.saved.emit(record)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            others = self.errors.unknown(exc.errors)
            if others:
                self.message.show_message("\n".join(others), "error")
            if first:
                self.errors.widgets[first].setFocus()
        elif isinstance(exc, ServiceError):
            self.message.show_message(str(exc), "error")
        else:
            report_error(self, exc, self.ctx.log_file)


class DeviceDialog(_WriteDialog):
    def __init__(
        self,
        ctx: AppContext,
        models: list[DeviceModelRecord],
        record: DeviceRecord | None = None,
        parent: QWidget | None = None,
    ):
        title = _("機器の新規登録") if record is None else _("機器 {tag}").format(tag=record.asset_tag)
        super().__init__(ctx, title, parent)
        self.setObjectName("deviceDialog")
        self.record = record
        self.model_choice = QComboBox()
        self.model_choice.setObjectName("deviceModel")
        for m in models:
            self.model_choice.addItem(f"{m.label}({_kind_label(m.kind)})", m.id)
        self.serial = QLineEdit()
        self.purchase_date = OptionalDateEdit()
        self.storage_place = QLineEdit()
        self.storage_place.setPlaceholderText(_("例: 事務室 棚A"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        if record is not None:
            state = QLineEdit(record.state_label)
            state.setReadOnly(True)
            self.form.addRow(_("状態"), state)
        self.errors.add_row(self.form, "model_id", _("機種"), self.model_choice)
        self.errors.add_row(self.form, "serial", _("シリアル番号"), self.serial)
        self.errors.add_row(self.form, "purchase_date", _("購入日"), self.purchase_date)
        self.errors.add_row(self.form, "storage_place", _("保管場所"), self.storage_place)
        self.errors.add_row(self.form, "notes", _("備考"), self.notes)
        self.finish_layout()
        if record is not None:
            self.model_choice.setCurrentIndex(max(0, self.model_choice.findData(record.model.id)))
            self.serial.setText(record.serial)
            self.purchase_date.setValue(record.purchase_date)
            self.storage_place.setText(record.storage_place)
            self.notes.setPlainText(record.notes)
        if not self.can_edit:
            for w in (self.serial, self.storage_place, self.notes):
                w.setReadOnly(True)
            self.model_choice.setEnabled(False)
            self.purchase_date.setReadOnly(True)
        self.resize(560, 440)

    def collect(self) -> DeviceInput:
        return DeviceInput(
            model_id=self.model_choice.currentData() or 0,
            serial=self.serial.text(),
            purchase_date=self.purchase_date.value(),
            storage_place=self.storage_place.text(),
            notes=self.notes.toPlainText(),
        )

    def write(self):
        actor, inventory, data, record = (
            self.ctx.require_actor(),
            self.ctx.services.inventory,
            self.collect(),
            self.record,
        )
        if record is None:
            return lambda: inventory.create(actor, data)
        return lambda: inventory.update(actor, record.id, record.version, data)


class StateDialog(_WriteDialog):
    """修理中・紛失・廃棄, or back to 貸出可 after an inspection — always with who and why in the history."""

    def __init__(self, ctx: AppContext, record: DeviceRecord, parent: QWidget | None = None):
        super().__init__(ctx, _("{tag} の状態を変える").format(tag=record.asset_tag), parent)
        self.setObjectName("stateDialog")
        self.record = record
        self.state = QComboBox()
        for s in DeviceState:
            if s is not DeviceState.ON_LOAN:
                self.state.addItem(s.label(), s.value)
        self.state.setCurrentIndex(max(0, self.state.findData(record.state)))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("例: 画面割れのため修理に出す"))
        current = QLineEdit(record.state_label)
        current.setReadOnly(True)
        self.form.addRow(_("いまの状態"), current)
        self.errors.add_row(self.form, "state", _("新しい状態"), self.state)
        self.errors.add_row(self.form, "reason", _("理由"), self.reason)
        self.finish_layout()
        self.state.setEnabled(self.can_edit)
        self.reason.setReadOnly(not self.can_edit)
        self.resize(480, 260)

    def write(self):
        actor, inventory, rid, state, reason = (
            self.ctx.require_actor(),
            self.ctx.services.inventory,
            self.record.id,
            self.state.currentData(),
            self.reason.text(),
        )
        seen = self.record.version  # another desk's change since this was shown is refused, not overwritten
        return lambda: inventory.set_state(actor, rid, state, reason, expected_version=seen)


def _kind_label(kind: str) -> str:
    from kyodo_desk.domain.lending import DeviceKind

    return DeviceKind(kind).label()
