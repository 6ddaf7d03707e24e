"""Who borrows: the organization (type-ahead, or its card scanned), the responsible person and a
phone number that reaches them while the devices are out."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLineEdit

from kyodo_desk.i18n import _
from kyodo_desk.services.organizations import OrganizationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.lending.common import OrganizationPicker
from kyodo_desk.ui.widgets.form import FieldErrors


class BorrowerForm(QGroupBox):
    changed = Signal()  # the organization changed (None or a record)
    done = Signal()  # Enter in the last field: back to scanning

    def __init__(self, ctx: AppContext, errors: FieldErrors):
        super().__init__(_("借りる団体"))
        self.ctx = ctx
        form = QFormLayout(self)
        self.organization = OrganizationPicker(ctx)
        self.organization.setObjectName("borrowerOrganization")
        self.responsible = QLineEdit()
        self.responsible.setObjectName("borrowerResponsible")
        self.responsible.setPlaceholderText(_("例: 山田 太郎"))
        self.phone = QLineEdit()
        self.phone.setObjectName("borrowerPhone")
        self.phone.setPlaceholderText(_("貸出中につながる電話(携帯など)"))
        errors.add_row(form, "organization_id", _("団体"), self.organization)
        errors.add_row(form, "responsible_name", _("責任者"), self.responsible)
        errors.add_row(form, "contact_phone", _("貸出中の連絡先"), self.phone)
        self.organization.chosen.connect(self._chosen)
        self.responsible.returnPressed.connect(self._next_after_name)
        self.phone.returnPressed.connect(self.done.emit)

    @property
    def record(self) -> OrganizationRecord | None:
        return self.organization.record

    def organization_id(self) -> int | None:
        return self.organization.organization_id()

    def set_organization(self, record: OrganizationRecord) -> None:
        self.organization.choose(record)

    def _chosen(self, record: OrganizationRecord | None) -> None:
        if record is not None:
            if not self.responsible.text().strip():
                self.responsible.setText(record.contact_name or record.representative_name or "")
            if not self.phone.text().strip():
                self.phone.setText(record.phone or "")
        self.changed.emit()
        if record is not None:
            if not self.responsible.text().strip():
                self.responsible.setFocus()
            elif not self.phone.text().strip():
                self.phone.setFocus()
            else:
                self.done.emit()

    def _next_after_name(self) -> None:
        if self.phone.text().strip():
            self.done.emit()
        else:
            self.phone.setFocus()

    def clear(self) -> None:
        self.organization.choose(None)
        self.responsible.clear()
        self.phone.clear()
