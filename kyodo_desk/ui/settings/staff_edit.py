"""Edit one staff account: name, kana, role, active (administrators only; the service checks)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.staff import StaffRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.widgets.form import FieldErrors


def password_state(record: StaffRecord) -> str:
    """How this account signs in, for the administrator (never the password itself)."""
    if record.locked_until is not None:
        if record.locked_until > dt.datetime.now():
            return _("ロック中({time}まで)。仮パスワードを発行すると解除されます。").format(
                time=record.locked_until.strftime("%H:%M")
            )
    if not record.has_password:
        return _("未設定(次のサインインで本人が決めます)")
    if record.password_temporary:
        return _("仮パスワード(最初のサインインで変更)")
    return _("設定済み")


class StaffEditDialog(QDialog):
    def __init__(self, ctx: AppContext, record: StaffRecord, parent=None):
        super().__init__(parent)
        self.ctx, self.record, self.saved = ctx, record, None
        self.setWindowTitle(_("スタッフの編集 — {login}").format(login=record.login_name))
        column = QVBoxLayout(self)
        form = QFormLayout()
        self.errors = FieldErrors()
        self.name = QLineEdit(record.display_name)
        self.kana = QLineEdit(record.display_kana)
        self.role = QComboBox()
        for value, label in StaffRole.choices():
            self.role.addItem(label, value)
        self.role.setCurrentIndex(self.role.findData(record.role.value))
        self.active = QCheckBox(_("この窓口でサインインできる(有効)"))
        self.active.setChecked(record.active)
        self.errors.add_row(form, "display_name", _("氏名"), self.name)
        self.errors.add_row(form, "display_kana", _("氏名(カナ)"), self.kana)
        self.errors.add_row(form, "role", _("役割"), self.role)
        form.addRow("", self.active)
        # Sign-in: a forgotten password or a lock-out — a temporary password, changed at first use
        self.temporary_button = QPushButton(_("仮パスワードを発行…"))
        self.temporary_button.setObjectName("issueTemporaryPassword")
        self.temporary_button.setAutoDefault(False)
        self.temporary_button.clicked.connect(self.issue_temporary)
        self.password_state = QLabel(password_state(record))
        self.password_state.setWordWrap(True)
        form.addRow(_("パスワード"), self.password_state)
        form.addRow("", self.temporary_button)
        column.addLayout(form)
        self.banner = QLabel()
        self.banner.setObjectName("fieldError")
        self.banner.setWordWrap(True)
        self.banner.hide()
        column.addWidget(self.banner)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)

    def issue_temporary(self) -> None:
        """A new random password for this person (clears a lock-out); shown here once to hand over."""
        actor, staff, staff_id = self.ctx.require_actor(), self.ctx.services.staff, self.record.id
        self.temporary_button.setEnabled(False)
        self.ctx.tasks.run(
            lambda _p: staff.issue_temporary_password(actor, staff_id),
            on_done=self._issued,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _issued(self, temporary: str) -> None:
        self.temporary_password = temporary
        self.password_state.setText(
            _(
                "仮パスワード: {password}\n本人に渡してください(この画面を閉じると二度と表示されません)。"
                "最初のサインインで本人が新しいパスワードに変更します。"
            ).format(password=temporary)
        )
        self.password_state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ctx.events.emit_changed("staff", [self.record.id])

    def save(self) -> None:
        """Saved on the write worker (never on the GUI thread); errors come back to the form."""
        self.errors.clear()
        self.banner.hide()
        actor, staff, record = self.ctx.require_actor(), self.ctx.services.staff, self.record
        name, kana, role, active = self.name.text(), self.kana.text(), self.role.currentData(), self.active.isChecked()
        self.ctx.tasks.run(
            lambda _p: staff.update(
                actor, record.id, record.version, display_name=name, display_kana=kana, role=role, active=active
            ),
            on_done=self._saved,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _saved(self, record: StaffRecord) -> None:
        self.saved = record
        self.ctx.events.emit_changed("staff", [record.id])
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            if first:
                self.errors.widgets[first].setFocus()
            rest = self.errors.unknown(exc.errors)
            if rest:
                self.banner.setText("\n".join(rest))
                self.banner.show()
        elif isinstance(exc, ServiceError):  # permission, stale edit: keep the input, say why
            self.banner.setText(str(exc))
            self.banner.show()
        else:
            report_error(self, exc, self.ctx.log_file)
