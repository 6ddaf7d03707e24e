"""Edit one person (個人): name, kana, phone, email, notes — opened from the search box (a 個人 hit),
from an organization's 個人情報の請求 window, or for a 訂正 request.

Validation messages appear under their field; a save over a newer version from another desk is
refused and what was typed stays.  Administrators also get 「開示・訂正・消去…」.  Ctrl+S saves.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _, format_datetime
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.services.people import PersonInput, PersonRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.discard_guard import ask_discard
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen

FIELDS = ("name", "name_kana", "phone", "email")


class PersonDialog(QDialog):
    saved = Signal(object)  # PersonRecord

    def __init__(self, ctx: AppContext, record: PersonRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.record = record
        actor = ctx.require_actor()
        self.can_edit = actor.can(Permission.PERSON_EDIT)
        self.saving = False
        self.setObjectName("personDialog")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("個人 #{id} {name}").format(id=record.id, name=record.name))
        self.errors = FieldErrors()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(_("個人の記録")))
        stamp = _("所属: {org}").format(org=record.organization_name or _("なし"))
        if record.updated_at is not None:
            stamp += "　" + _("最終更新: {when}").format(when=format_datetime(record.updated_at, "short"))
        hint = plain_label(stamp)
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self.error_banner = plain_label()
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.hide()
        layout.addWidget(self.error_banner)

        form = QFormLayout()
        self.name = QLineEdit(record.name)
        self.name.setMaxLength(100)
        self.name_kana = QLineEdit(record.name_kana)
        self.name_kana.setPlaceholderText(_("カタカナかひらがな"))
        self.phone = QLineEdit(record.phone)
        self.phone.setPlaceholderText(_("例: {example}").format(example="090-0000-0000"))
        self.email = QLineEdit(record.email)
        self.notes = QPlainTextEdit(record.notes)
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(70)
        self.errors.add_row(form, "name", _("氏名"), self.name)
        self.errors.add_row(form, "name_kana", _("氏名(カナ)"), self.name_kana)
        self.errors.add_row(form, "phone", _("電話番号"), self.phone)
        self.errors.add_row(form, "email", _("メールアドレス"), self.email)
        self.errors.add_row(form, "notes", _("備考"), self.notes)
        layout.addLayout(form, 1)

        buttons = QDialogButtonBox()
        self.requests_button = QPushButton(_("開示・訂正・消去…"))
        self.requests_button.setObjectName("privacyRequests")
        self.requests_button.setToolTip(_("本人からの個人情報の開示・訂正・利用停止の求めに対応します(管理者のみ)"))
        self.requests_button.setAutoDefault(False)
        self.requests_button.clicked.connect(self.open_requests)
        buttons.addButton(self.requests_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.requests_button.setVisible(actor.can(Permission.PRIVACY_REQUEST))  # after addButton, which shows it
        self.save_button = buttons.addButton(_("保存 (Ctrl+S)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton(
            _("キャンセル") if self.can_edit else _("閉じる"), QDialogButtonBox.ButtonRole.RejectRole
        )
        for button in (self.save_button, self.close_button):
            button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        if not self.can_edit:
            for widget in (self.name, self.name_kana, self.phone, self.email, self.notes):
                widget.setReadOnly(True)
            self.save_button.hide()
        for edit in (self.name, self.name_kana, self.phone, self.email):
            edit.returnPressed.connect(self.save)  # Enter in a line saves (what this form is for)
        fit_to_screen(self, 560, 420)
        self.name.setFocus()

    def collect(self) -> PersonInput:
        return PersonInput(
            name=self.name.text(),
            name_kana=self.name_kana.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            organization_id=self.record.organization_id,
            notes=self.notes.toPlainText(),
        )

    def changed_fields(self) -> list[str]:
        data = self.collect()
        return [f for f in (*FIELDS, "notes") if getattr(data, f).strip() != (getattr(self.record, f) or "").strip()]

    def save(self) -> None:
        if not self.can_edit or self.saving:
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.error_banner.hide()
        actor, people, record, data = self.ctx.require_actor(), self.ctx.services.people, self.record, self.collect()
        self.ctx.tasks.run(
            lambda _p: people.update(actor, record.id, record.version, data),
            on_done=self._written,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _written(self, record: PersonRecord) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.errors.clear()
        self.saved_fields = self.changed_fields()
        self.record = record
        self.saved.emit(record)
        self.ctx.events.emit_changed("person", [record.id])
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            if first:
                self.errors.widgets[first].setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, StaleEdit):
            self.error_banner.setText(str(exc))
            self.error_banner.show()
        else:
            report_error(self, exc, self.ctx.log_file)

    def reject(self) -> None:
        """Esc or キャンセル: ask before throwing away what was typed (the form keeps it otherwise)."""
        if self.can_edit and self.changed_fields() and not getattr(self, "_discard", False):
            self.confirm_box = ask_discard(self, self._discard_and_close)
            return
        super().reject()

    def _discard_and_close(self) -> None:
        self._discard = True
        super().reject()

    def open_requests(self):
        from kyodo_desk.ui.privacy.requests_dialog import RequestsDialog

        dialog = RequestsDialog(self.ctx, "person", self.record.id, self.record.name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.erased.connect(lambda *_a: self.reject())
        dialog.open()
        return dialog


def open_person(ctx: AppContext, person_id: int, parent: QWidget | None, on_open=None) -> None:
    """Load the newest version of the person (audited view) and show its dialog."""
    actor, people = ctx.require_actor(), ctx.services.people

    def show(record: PersonRecord) -> None:
        dialog = PersonDialog(ctx, record, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        if on_open is not None:
            on_open(dialog)

    ctx.tasks.run(lambda _p: people.get(actor, person_id), on_done=show, owner=parent)
