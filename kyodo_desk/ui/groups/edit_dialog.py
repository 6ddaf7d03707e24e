"""Create or edit one organization.

Validation messages appear under the field they are about; what was typed stays; the first bad
field gets the focus.  A save over a newer version from another desk is refused (StaleEdit) and
the input kept.  Ctrl+S saves; Esc asks before throwing away changes.
"""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.enums import OrganizationKind, RegistrationStatus
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, format_datetime, wareki
from kyodo_desk.services.organizations import OrganizationInput, OrganizationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.date_edit import date_problem
from kyodo_desk.ui.widgets.discard_guard import ask_discard
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.save_failure import show_save_failure
from kyodo_desk.ui.widgets.screen import fit_to_screen


def _combo(choices: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    for value, label in choices:
        combo.addItem(label, value)
    return combo


class OrganizationDialog(QDialog):
    saved = Signal(object)  # OrganizationRecord

    def __init__(self, ctx: AppContext, record: OrganizationRecord | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.record = record
        self.request_key = str(uuid.uuid4())  # sent with the create: a retried save never stores it twice
        self.can_edit = ctx.require_actor().can(Permission.ORGANIZATION_EDIT)
        self.saving = False
        self._duplicates_shown_for: str | None = None
        self.setObjectName("organizationDialog")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(self._title())
        self.errors = FieldErrors()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(self._title()))
        if record is not None and record.updated_at is not None:
            stamp = plain_label(_("最終更新: {when}").format(when=format_datetime(record.updated_at, "short")))
            stamp.setObjectName("hint")
            layout.addWidget(stamp)
        if not self.can_edit:
            note = plain_label(
                _("あなたの役割({role})では団体の情報を変更できません。閲覧のみです。").format(
                    role=ctx.require_actor().role.label()
                )
            )
            note.setObjectName("banner")
            layout.addWidget(note)
        self.error_banner = plain_label()
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.hide()
        layout.addWidget(self.error_banner)
        self.duplicate_banner = plain_label()
        self.duplicate_banner.setObjectName("banner")
        self.duplicate_banner.setWordWrap(True)
        self.duplicate_banner.setTextFormat(Qt.TextFormat.RichText)
        self.duplicate_banner.hide()
        layout.addWidget(self.duplicate_banner)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        layout.addLayout(columns, 1)
        basics = QGroupBox(_("基本情報"))
        basics_form = QFormLayout(basics)
        self.kind = _combo(OrganizationKind.choices())
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.name_kana = QLineEdit()
        self.name_kana.setPlaceholderText(_("カタカナかひらがな"))
        self.representative_name = QLineEdit()
        self.contact_name = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(80)
        self.errors.add_row(basics_form, "kind", _("種別"), self.kind)
        self.errors.add_row(basics_form, "name", _("団体名"), self.name)
        self.errors.add_row(basics_form, "name_kana", _("団体名(カナ)"), self.name_kana)
        self.errors.add_row(basics_form, "representative_name", _("代表者"), self.representative_name)
        self.errors.add_row(basics_form, "contact_name", _("担当者"), self.contact_name)
        self.errors.add_row(basics_form, "notes", _("備考"), self.notes)
        columns.addWidget(basics, 1)

        right = QVBoxLayout()
        contact = QGroupBox(_("連絡先"))
        contact_form = QFormLayout(contact)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(_("例: {example}").format(example="076-000-0000"))
        self.email = QLineEdit()
        self.email.setPlaceholderText(_("例: {example}").format(example="info@example.jp"))
        self.postal_code = QLineEdit()
        self.postal_code.setPlaceholderText(_("例: {example}").format(example="920-0000"))
        self.address = QLineEdit()
        self.errors.add_row(contact_form, "phone", _("電話番号"), self.phone)
        self.errors.add_row(contact_form, "email", _("メールアドレス"), self.email)
        self.errors.add_row(contact_form, "postal_code", _("郵便番号"), self.postal_code)
        self.errors.add_row(contact_form, "address", _("住所"), self.address)
        right.addWidget(contact)
        registration = QGroupBox(_("「協働をすすめる市民団体」の登録"))
        reg_form = QFormLayout(registration)
        # the status is changed only by the registration's steps (申請受付 → 審査 → 登録 → 更新 ...)
        self.registration_summary = plain_label(self._registration_text())
        self.registration_summary.setWordWrap(True)
        reg_form.addRow(_("登録状況"), self.registration_summary)
        self.registration_button = QPushButton(_("登録の手続き・履歴… (Ctrl+R)"))
        self.registration_button.setObjectName("registrationButton")
        self.registration_button.setAutoDefault(False)
        self.registration_button.clicked.connect(self.open_registration)
        self.registration_button.setVisible(record is not None)
        reg_form.addRow("", self.registration_button)
        if record is None:
            reg_form.addRow("", plain_label(_("団体を保存すると、登録の申請を受け付けられます。")))
        self.active = QCheckBox(_("活動中(外すと一覧に表示されなくなります)"))
        self.errors.add_row(reg_form, "active", "", self.active)
        right.addWidget(registration)
        right.addStretch(1)
        columns.addLayout(right, 1)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(_("保存 (Ctrl+S)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(
            _("キャンセル") if self.can_edit else _("閉じる"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.close_button.setAutoDefault(False)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+R"), self, activated=self.open_registration)
        self.registration_dialog: QDialog | None = None

        self._fill(record.as_input() if record is not None else OrganizationInput())
        self._baseline = self.collect()
        self._apply_permissions()
        self.name.editingFinished.connect(self.check_duplicates)
        fit_to_screen(self, 940, 620)
        self.name.setFocus()

    def _title(self) -> str:
        if self.record is None:
            return _("団体の新規登録")
        return _("団体 {code} {name}").format(code=self.record.code, name=self.record.name)

    def _registration_text(self) -> str:
        record = self.record
        if record is None:
            return RegistrationStatus.NONE.label()
        text = record.registration_label
        if record.registered_on and record.registration_status == RegistrationStatus.REGISTERED.value:
            text += _("(登録日 {date})").format(date=wareki(record.registered_on))
        return text

    def open_registration(self) -> QDialog | None:
        """The registration's steps, history, consent and 登録証 (its own window)."""
        if self.record is None:
            return None
        from kyodo_desk.ui.groups.registration_dialog import RegistrationDialog

        if self.registration_dialog is not None and self.registration_dialog.isVisible():
            self.registration_dialog.raise_()
            return self.registration_dialog
        dialog = RegistrationDialog(self.ctx, self.record.id, self.record.name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(
            lambda rec: self.registration_summary.setText(
                rec.status_label + (_("(登録番号 {n})").format(n=rec.number) if rec.number and rec.in_force else "")
            )
        )
        self.registration_dialog = dialog
        dialog.open()
        return dialog

    # ---- form <-> data -------------------------------------------------------------------
    def _fill(self, data: OrganizationInput) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(data.kind)))
        for name in (
            "name",
            "name_kana",
            "representative_name",
            "contact_name",
            "phone",
            "email",
            "postal_code",
            "address",
        ):
            getattr(self, name).setText(getattr(data, name) or "")
        self.notes.setPlainText(data.notes or "")
        self.active.setChecked(bool(data.active))

    def collect(self) -> OrganizationInput:
        return OrganizationInput(
            kind=self.kind.currentData(),
            name=self.name.text(),
            name_kana=self.name_kana.text(),
            representative_name=self.representative_name.text(),
            contact_name=self.contact_name.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            postal_code=self.postal_code.text(),
            address=self.address.text(),
            notes=self.notes.toPlainText(),
            active=self.active.isChecked(),
        )

    def is_dirty(self) -> bool:
        return self.collect() != self._baseline

    def _apply_permissions(self) -> None:
        if not self.can_edit:
            for widget in (
                self.name,
                self.name_kana,
                self.representative_name,
                self.contact_name,
                self.phone,
                self.email,
                self.postal_code,
                self.address,
                self.notes,
            ):
                widget.setReadOnly(True)
            for widget in (self.kind, self.active):
                widget.setEnabled(False)
            self.save_button.hide()
        elif not self.ctx.require_actor().can(Permission.ORGANIZATION_DELETE):
            self.active.setEnabled(False)
            self.active.setToolTip(_("活動中・休止の切り替えは管理者だけができます。"))

    # ---- duplicates ----------------------------------------------------------------------------
    def check_duplicates(self) -> None:
        name = self.name.text().strip()
        if not self.can_edit or not name:
            self.duplicate_banner.hide()
            return
        actor, orgs = self.ctx.require_actor(), self.ctx.services.organizations
        exclude = self.record.id if self.record else None
        self.ctx.tasks.run(
            lambda _p: orgs.find_similar(actor, name, exclude_id=exclude),
            on_done=lambda found: self._show_duplicates(name, found),
            owner=self,
        )

    def _show_duplicates(self, name: str, found: list[OrganizationRecord]) -> bool:
        if not found:
            self.duplicate_banner.hide()
            return False
        listing = "、".join(f"{html.escape(r.code)} {html.escape(r.name)}({html.escape(r.kind_label)})" for r in found)
        self.duplicate_banner.setText(
            _("同じ名前の団体がすでに登録されています: {list}<br>同じ団体の重複登録でないか確認してください。").format(
                list=listing
            )
        )
        self.duplicate_banner.show()
        return True

    # ---- saving ------------------------------------------------------------------------------------
    def save(self) -> None:
        if not self.can_edit or self.saving:
            return
        data = self.collect()
        if date_problem(self) is not None:  # a date that cannot be read: its field says why and keeps it
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.error_banner.hide()
        actor, orgs = self.ctx.require_actor(), self.ctx.services.organizations
        record = self.record
        confirm_duplicates = record is None and self._duplicates_shown_for != data.name.strip()
        key = self.request_key

        def write(_p):
            if confirm_duplicates:
                found = orgs.find_similar(actor, data.name)
                if found:
                    return ("duplicates", found)
            if record is None:
                return ("saved", orgs.create(actor, data, request_key=key))
            return ("saved", orgs.update(actor, record.id, record.version, data))

        self.ctx.tasks.run(write, on_done=self._written, on_error=self._failed, write=True, owner=self)

    def _written(self, result) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        outcome, value = result
        if outcome == "duplicates":  # ask once: pressing 保存 again registers it anyway
            self._duplicates_shown_for = self.name.text().strip()
            self._show_duplicates(self._duplicates_shown_for, value)
            self.duplicate_banner.setText(
                self.duplicate_banner.text() + "<br>" + _("別の団体なら、もう一度「保存」を押すと登録します。")
            )
            return
        self.errors.clear()
        self.saved_record = value
        self._baseline = self.collect()
        self.saved.emit(value)
        self.ctx.events.emit_changed("organization", [value.id])
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        show_save_failure(self, self.errors, exc, self._banner, self.ctx.log_file)

    def _banner(self, text: str) -> None:
        self.error_banner.setText(text)
        self.error_banner.show()

    # ---- leaving ----------------------------------------------------------------------------------
    def reject(self) -> None:
        if self.can_edit and self.is_dirty():
            self.confirm_box = ask_discard(self, self._discard_and_close)
            return
        super().reject()

    def _discard_and_close(self) -> None:
        self._baseline = self.collect()
        super().reject()
