"""A dialog that asks for a required reason, then runs one write off the GUI thread: used for
取下げ・却下・延期 of an application and for calling off one visit.  The service checks the reason
again and records it in the audit trail."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.common import error_label, show_text
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import page_title, plain_label


class AskReasonDialog(QDialog):
    done_ = Signal(object)  # whatever *action* returned

    def __init__(
        self,
        ctx: AppContext,
        *,
        window_title: str,
        title: str,
        what: str,
        warning: str,
        field_label: str,
        placeholder: str,
        ok_label: str,
        cancel_label: str,
        max_length: int,
        action: Callable[[str], object],
        on_done: Callable[[object], None] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.ctx, self.action, self._on_done, self.field_label = ctx, action, on_done, field_label
        self.saving = False
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(window_title)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(title))
        layout.addWidget(plain_label(what))
        if warning:
            note = plain_label(warning)
            note.setObjectName("banner")
            note.setWordWrap(True)
            layout.addWidget(note)
        form = QFormLayout()
        self.reason = QLineEdit()
        self.reason.setMaxLength(max_length)
        self.reason.setPlaceholderText(placeholder)
        self.error = error_label()
        col = QVBoxLayout()
        col.addWidget(self.reason)
        col.addWidget(self.error)
        form.addRow(field_label, col)
        layout.addLayout(form)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(ok_label, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(cancel_label, QDialogButtonBox.ButtonRole.RejectRole)
        for b in (self.ok_button, cancel):
            b.setAutoDefault(False)
        self.ok_button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        self.reason.returnPressed.connect(self.submit)
        layout.addWidget(buttons)
        self.resize(560, 240)
        self.reason.setFocus()

    def check(self, reason: str) -> str | None:
        """A message to show before asking the service (None = go ahead)."""
        return None

    def submit(self) -> None:
        if self.saving:
            return
        problem = self.check(self.reason.text())
        if problem:
            show_text(self.error, problem)
            self.reason.setFocus()
            return
        self.saving = True
        self.ok_button.setEnabled(False)
        action, reason = self.action, self.reason.text()
        self.ctx.tasks.run(lambda _p: action(reason), on_done=self._done, on_error=self._failed, write=True, owner=self)

    def _done(self, result: object) -> None:
        self.saving = False
        if self._on_done is not None:
            self._on_done(result)
        self.done_.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            show_text(self.error, "\n".join(exc.errors.values()))
            self.reason.setFocus()
        else:
            report_error(self, exc, self.ctx.log_file)
