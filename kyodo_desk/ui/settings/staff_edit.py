"""Edit one staff account: name, kana, role, active (administrators only; the service checks)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.staff import StaffRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.widgets.form import FieldErrors


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

    def save(self) -> None:
        """Saved on the write worker (never on the GUI thread); errors come back to the form."""
        self.errors.clear()
        self.banner.hide()
        actor, staff, record = self.ctx.require_actor(), self.ctx.services.staff, self.record
        name, kana, role, active = self.name.text(), self.kana.text(), self.role.currentData(), self.active.isChecked()
        self.ctx.tasks.run(
            lambda _p: staff.update(actor, record.id, record.version, display_name=name, display_kana=kana, role=role, active=active),
            on_done=self._saved, on_error=self._failed, write=True, owner=self)

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
