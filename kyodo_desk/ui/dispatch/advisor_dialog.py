"""Create or edit one advisor: contact, fields, dispatch types, fees, weekly availability and
single-date exceptions.  Ctrl+S saves; errors appear under their field and the input stays."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.dispatch import DispatchType, Field
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.advisors import AdvisorInput, AdvisorRecord
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.availability import ExceptionsEditor, WeeklyAvailabilityEditor
from kyodo_desk.ui.dispatch.common import banner, show_text
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.date_edit import date_problem
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import page_title
from kyodo_desk.ui.widgets.screen import fit_to_screen, scrolling


def _checks(choices: list[tuple[str, str]], columns: int) -> tuple[QWidget, dict[str, QCheckBox]]:
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    boxes = {}
    for i, (value, label) in enumerate(choices):
        boxes[value] = QCheckBox(label)
        grid.addWidget(boxes[value], i // columns, i % columns)
    return box, boxes


def _yen_spin() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, 1_000_000)
    spin.setSingleStep(500)
    spin.setSuffix(_(" 円"))
    spin.setGroupSeparatorShown(True)
    return spin


class AdvisorDialog(QDialog):
    saved = Signal(object)  # AdvisorRecord

    def __init__(self, ctx: AppContext, record: AdvisorRecord | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.record = ctx, record
        self.saving = False
        self.setObjectName("advisorDialog")
        self.setStyleSheet(STYLE_SHEET)
        title = _("アドバイザーの新規登録") if record is None else _("アドバイザー {name}").format(name=record.name)
        self.setWindowTitle(title)
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(title))
        self.error_banner = banner()
        layout.addWidget(self.error_banner)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        basics = QGroupBox(_("基本情報"))
        form = QFormLayout()
        self.name = QLineEdit()
        self.name_kana = QLineEdit()
        self.name_kana.setPlaceholderText(_("カタカナかひらがな"))
        fields_box, self.fields = _checks(Field.choices(), 2)
        types_box, self.dispatch_types = _checks(DispatchType.choices(), 1)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(_("例: {example}").format(example="076-000-0000"))
        self.email = QLineEdit()
        self.email.setPlaceholderText(_("例: {example}").format(example="advisor@example.jp"))
        money = QWidget()
        mrow = QHBoxLayout(money)
        mrow.setContentsMargins(0, 0, 0, 0)
        self.fee = _yen_spin()
        self.travel_cost = _yen_spin()
        mrow.addWidget(self.fee)
        mrow.addWidget(self.travel_cost)
        self.active = QCheckBox(_("派遣を受けている(外すと候補に出ません)"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().height() * 3 + 14)
        self.errors.add_row(form, "name", _("氏名"), self.name)
        self.errors.add_row(form, "name_kana", _("氏名(カナ)"), self.name_kana)
        self.errors.add_row(form, "fields", _("専門分野"), fields_box)
        self.errors.add_row(form, "dispatch_types", _("対応する派遣"), types_box)
        self.errors.add_row(form, "phone", _("電話番号"), self.phone)
        self.errors.add_row(form, "email", _("メールアドレス"), self.email)
        self.errors.add_row(form, "fee", _("謝金・交通費(1回)"), money)
        self.errors.add_row(form, "active", "", self.active)
        self.errors.add_row(form, "notes", _("備考"), self.notes)
        form_column = QVBoxLayout()
        form_column.addLayout(form)
        form_column.addStretch(1)
        outer = QVBoxLayout(basics)
        outer.addLayout(form_column)
        columns.addWidget(basics, 1)

        right = QVBoxLayout()
        weekly = QGroupBox(_("対応できる時間帯(毎週)"))
        wcol = QVBoxLayout(weekly)
        self.windows = WeeklyAvailabilityEditor()
        wform = QFormLayout()
        self.errors.add_row(wform, "windows", "", self.windows)
        wcol.addLayout(wform)
        right.addWidget(weekly, 3)
        exceptions = QGroupBox(_("日ごとの例外(出張・特別に対応できる日など)"))
        ecol = QVBoxLayout(exceptions)
        self.exceptions = ExceptionsEditor(ctx)
        ecol.addWidget(self.exceptions)
        right.addWidget(exceptions, 2)
        columns.addLayout(right, 1)
        body = QWidget()  # scrolls when a large text size makes it wider than the screen; buttons stay below
        body_column = QVBoxLayout(body)
        body_column.setContentsMargins(0, 0, 0, 0)
        body_column.addLayout(columns)
        layout.addWidget(scrolling(body), 1)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(_("保存 (Ctrl+S)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(_("閉じる"), QDialogButtonBox.ButtonRole.RejectRole)
        for b in (self.save_button, self.close_button):
            b.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self._fill(record or AdvisorInput())
        if record is not None:
            self.exceptions.set_advisor(record.id, record.exceptions)
        fit_to_screen(self, 1180, 720)
        self.name.setFocus()

    def _fill(self, data: AdvisorInput) -> None:
        self.name.setText(data.name)
        self.name_kana.setText(data.name_kana)
        for value, box in self.fields.items():
            box.setChecked(value in data.fields)
        for value, box in self.dispatch_types.items():
            box.setChecked(value in data.dispatch_types)
        self.phone.setText(data.phone)
        self.email.setText(data.email)
        self.fee.setValue(data.fee)
        self.travel_cost.setValue(data.travel_cost)
        self.active.setChecked(data.active)
        self.notes.setPlainText(data.notes)
        self.windows.set_values(data.windows)

    def collect(self) -> AdvisorInput:
        return AdvisorInput(
            name=self.name.text(),
            name_kana=self.name_kana.text(),
            fields=tuple(v for v, b in self.fields.items() if b.isChecked()),
            dispatch_types=tuple(v for v, b in self.dispatch_types.items() if b.isChecked()),
            phone=self.phone.text(),
            email=self.email.text(),
            fee=self.fee.value(),
            travel_cost=self.travel_cost.value(),
            active=self.active.isChecked(),
            notes=self.notes.toPlainText(),
            windows=self.windows.values(),
        )

    def save(self) -> None:
        if self.saving:
            return
        problem = date_problem(self.windows)  # a time that cannot be read: the field says why
        if problem is not None:
            show_text(self.error_banner, problem)
            return
        self.saving = True
        self.save_button.setEnabled(False)
        show_text(self.error_banner, "")
        data, record = self.collect(), self.record
        actor, advisors = self.ctx.require_actor(), self.ctx.services.advisors
        self.ctx.tasks.run(
            lambda _p: advisors.save(actor, data, record.id if record else None, record.version if record else None),
            on_done=self._saved,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _saved(self, record: AdvisorRecord) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.errors.clear()
        self.record = record
        self.ctx.events.emit_changed("advisor", [record.id])
        self.saved.emit(record)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            show_text(self.error_banner, "\n".join(self.errors.unknown(exc.errors)))
            if first:
                self.errors.widgets[first].setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, StaleEdit):
            show_text(self.error_banner, str(exc))
        else:
            report_error(self, exc, self.ctx.log_file)
