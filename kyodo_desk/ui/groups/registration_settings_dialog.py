"""The registration scheme's settings (administrators): the documents checked at an application,
the 登録番号 pattern, the renewal period and automatic lapse.  Ctrl+S saves; problems appear under
their field and what was typed stays."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.registration import check_number_pattern, format_number
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.registration_settings import RegistrationSettings
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen


def _spin(lo: int, hi: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setSuffix(suffix)
    return box


class RegistrationSettingsDialog(QDialog):
    saved = Signal(object)  # RegistrationSettings

    def __init__(self, ctx: AppContext, current: RegistrationSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.saving = False
        self.setObjectName("registrationSettingsDialog")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("登録制度の設定"))
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(_("「協働をすすめる市民団体」登録制度の設定")))
        form = QFormLayout()
        self.documents = QPlainTextEdit("\n".join(current.documents))
        self.documents.setTabChangesFocus(True)
        self.documents.setFixedHeight(90)
        self.documents.setToolTip(_("申請受付のときに確認する書類を、1行に1つずつ"))
        self.number_pattern = QLineEdit(current.number_pattern)
        self.number_example = plain_label()
        self.number_example.setObjectName("hint")
        self.renewal_months = _spin(1, 60, _(" か月"))
        self.renewal_months.setValue(current.renewal_months)
        self.auto_lapse = QCheckBox(_("更新の期限を過ぎた登録を自動で失効にする"))
        self.auto_lapse.setChecked(current.auto_lapse)
        self.grace_days = _spin(0, 365, _(" 日"))
        self.grace_days.setValue(current.grace_days)
        self.notice_days = _spin(0, 180, _(" 日前から"))
        self.notice_days.setValue(current.notice_days)
        self.errors.add_row(form, "documents", _("提出書類(1行に1つ)"), self.documents)
        self.errors.add_row(form, "number_pattern", _("登録番号の形式"), self.number_pattern)
        form.addRow("", self.number_example)
        self.errors.add_row(form, "renewal_months", _("更新までの期間"), self.renewal_months)
        self.errors.add_row(form, "auto_lapse", "", self.auto_lapse)
        self.errors.add_row(form, "grace_days", _("失効までの猶予"), self.grace_days)
        self.errors.add_row(form, "notice_days", _("更新の案内"), self.notice_days)
        layout.addLayout(form)
        note = plain_label(
            _("登録番号の形式: {year} は年度(2025)、{wareki} は和暦の年度(R7)、{seq:03d} は3桁の通し番号です。")
        )
        note.setWordWrap(True)
        note.setObjectName("hint")
        layout.addWidget(note)
        layout.addStretch(1)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("保存 (Ctrl+S)"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(_("キャンセル"), QDialogButtonBox.ButtonRole.RejectRole)
        for b in (self.save_button, cancel):
            b.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self.number_pattern.textChanged.connect(self._show_example)
        self.number_pattern.returnPressed.connect(self.save)
        self._show_example()
        fit_to_screen(self, 640, 520)
        self.documents.setFocus()

    def _show_example(self) -> None:
        pattern = self.number_pattern.text().strip()
        problem = check_number_pattern(pattern)
        self.number_example.setText(problem or _("例: {example}").format(example=format_number(pattern, 2025, 1)))

    def collect(self) -> RegistrationSettings:
        return RegistrationSettings(
            documents=tuple(line.strip() for line in self.documents.toPlainText().splitlines() if line.strip()),
            number_pattern=self.number_pattern.text(),
            renewal_months=self.renewal_months.value(),
            auto_lapse=self.auto_lapse.isChecked(),
            grace_days=self.grace_days.value(),
            notice_days=self.notice_days.value(),
        )

    def save(self) -> None:
        if self.saving:
            return
        data = self.collect()
        self.saving = True
        self.save_button.setEnabled(False)
        actor, reg = self.ctx.require_actor(), self.ctx.services.registration
        self.ctx.tasks.run(
            lambda _p: reg.update_settings(actor, data),
            on_done=self._done,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _done(self, value: RegistrationSettings) -> None:
        self.saving = False
        self.saved.emit(value)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            if first:
                self.errors.widgets[first].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            report_error(self, exc, self.ctx.log_file)
