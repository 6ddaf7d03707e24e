"""Extend a loan: a new due date, checked with the same availability rule as a new loan.

It is opened from a loan's return window, where the next scanner burst may arrive any moment, so
Enter does not extend: 「延長する」 is a click or Ctrl+Enter."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.loans import LoanRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.lending.common import (
    LENDING_STYLE,
    MessageLine,
    confirm_shortcuts,
    date_edit,
    md,
    no_default_buttons,
)
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.date_edit import date_problem
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import plain_label


class RenewDialog(QDialog):
    renewed = Signal(object)  # LoanRecord

    def __init__(self, ctx: AppContext, loan: LoanRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.loan = ctx, loan
        self.setObjectName("renewDialog")
        self.setStyleSheet(STYLE_SHEET + LENDING_STYLE)
        self.setWindowTitle(_("貸出の延長 {ref}").format(ref=loan.reference))
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(
            plain_label(_("{org} ・ いまの返却予定日: {due}").format(org=loan.organization_name, due=md(loan.due_on)))
        )
        form = QFormLayout()
        self.new_due = date_edit(max(loan.due_on, dt.date.today()) + dt.timedelta(days=7))
        self.new_due.setObjectName("newDue")
        self.errors.add_row(form, "due_on", _("新しい返却予定日"), self.new_due)
        layout.addLayout(form)
        self.message = MessageLine()
        self.message.setObjectName("renewMessage")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(_("延長する (Ctrl+Enter)"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(_("キャンセル"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.clicked.connect(self.renew)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        no_default_buttons(self)
        confirm_shortcuts(self, self.renew)
        self.new_due.setFocus()

    def renew(self) -> None:
        if not self.ok_button.isEnabled():  # already saving
            return
        if date_problem(self) is not None:  # a date that cannot be read: its field says why and keeps it
            return
        new_due = self.new_due.date().toPython()
        actor, loans, loan = self.ctx.require_actor(), self.ctx.services.loans, self.loan
        self.ok_button.setEnabled(False)
        self.errors.clear()
        self.message.show_message("")
        self.ctx.tasks.run(
            lambda _p: loans.renew(actor, loan.id, loan.version, new_due),
            on_done=self._done,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _done(self, loan: LoanRecord) -> None:
        self.ok_button.setEnabled(True)
        self.ctx.events.emit_changed("loan", [loan.id])
        self.renewed.emit(loan)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.errors.show(exc.errors)
            self.message.show_message("\n".join(exc.errors.values()), "error")
        elif isinstance(exc, ServiceError):  # a reservation or another loan is in the way, or a stale version
            self.message.show_message(str(exc), "error")
        else:
            report_error(self, exc, self.ctx.log_file)
