"""「パスワード・PIN…」: a signed-in person changes their own password and sets or removes the
PIN for a quick 交代 (when the center allows PINs)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain import passwords
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.staff import SignInRefused
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.signin import password_edit, password_hint
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import intro, plain_label


class OwnPasswordDialog(QDialog):
    """「パスワード・PIN」: the signed-in person changes their password and (when the center allows
    it) sets or removes their quick-交代 PIN.  The current password is asked first; Enter saves."""

    def __init__(self, ctx: AppContext, pin_allowed: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("ownPasswordDialog")
        self.setWindowTitle(_("パスワード・PINの変更"))
        self.setStyleSheet(STYLE_SHEET)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(
            intro(_("今のパスワードを入力してから、変えるものだけ入力して Enter。空のままの項目は変わりません。"))
        )
        form = QFormLayout()
        self.current = password_edit("currentPassword")
        self.new_password = password_edit("newPasswordEdit")
        self.new_password.setPlaceholderText(password_hint())
        self.confirm = password_edit("confirmPasswordEdit")
        form.addRow(_("今のパスワード"), self.current)
        form.addRow(_("新しいパスワード"), self.new_password)
        form.addRow(_("新しいパスワード(確認)"), self.confirm)
        self.pin = password_edit("pinEdit")
        self.pin.setMaxLength(passwords.MAX_PIN_LENGTH)
        self.pin.setPlaceholderText(_("6桁以上の数字(交代のときパスワードの代わりに使えます)"))
        self.pin_confirm = password_edit("pinConfirmEdit")
        self.pin_confirm.setMaxLength(passwords.MAX_PIN_LENGTH)
        self.remove_pin = QPushButton(_("PINを消す"))
        self.remove_pin.setAutoDefault(False)
        self.remove_pin.clicked.connect(lambda: self.save(remove_pin=True))
        if pin_allowed:
            form.addRow(_("PIN"), self.pin)
            form.addRow(_("PIN(確認)"), self.pin_confirm)
            form.addRow("", self.remove_pin)
        else:
            for widget in (self.pin, self.pin_confirm, self.remove_pin):
                widget.hide()
        layout.addLayout(form)
        self.message = plain_label()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.current.setFocus(Qt.FocusReason.OtherFocusReason)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def save(self, remove_pin: bool = False) -> None:
        current, new, pin = self.current.text(), self.new_password.text(), self.pin.text()
        if not current:
            self._say(_("今のパスワードを入力してください。"))
            self.current.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        problem = passwords.password_problem(new, self.confirm.text()) if new else None
        if problem is None and pin and not remove_pin:
            problem = passwords.pin_problem(pin, self.pin_confirm.text())
        if problem is None and not (new or pin or remove_pin):
            problem = _("新しいパスワードかPINを入力してください。")
        if problem:
            self._say(problem)
            return
        actor, staff = self.ctx.require_actor(), self.ctx.services.staff

        def change(_p):
            if remove_pin:
                staff.set_pin(actor, current, None)
                return
            if pin:
                staff.set_pin(actor, current, pin)
            if new:
                staff.change_password(actor, current, new)

        self.save_button.setEnabled(False)
        self.ctx.tasks.run(change, on_done=lambda _r: self.accept(), on_error=self._failed, write=True, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self._say("\n".join(exc.errors.values()))
        elif isinstance(exc, SignInRefused):
            self._say(str(exc))
            self.current.clear()
            self.current.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            report_error(self, exc, self.ctx.log_file)
