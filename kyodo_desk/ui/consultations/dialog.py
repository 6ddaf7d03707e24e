"""Open one saved consultation in its own window (from the list, the search box, the home page or
a 相談カルテ).  The newest version is loaded off the GUI thread; saving over another desk's newer
version is refused with the input kept (StaleEdit)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from kyodo_desk.i18n import _
from kyodo_desk.services.consultations import ConsultationRecord
from kyodo_desk.ui.consultations.editor import ConsultationEditor
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import page_title
from kyodo_desk.ui.widgets.screen import fit_to_screen


class ConsultationDialog(QDialog):
    ready = Signal(object)  # the record is shown

    def __init__(self, ctx: AppContext, consultation_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.consultation_id = consultation_id
        self.setObjectName("consultationDialog")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("相談記録"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        self.title = page_title(_("相談記録を読み込んでいます…"))
        layout.addWidget(self.title)
        self.editor = ConsultationEditor(ctx, self, intake=False)
        self.editor.setEnabled(False)
        layout.addWidget(self.editor, 1)
        self.editor.discarded.connect(self._close)
        self.editor.deleted.connect(lambda _id: self._close())
        self.editor.saved.connect(self._saved)
        fit_to_screen(self, 1180, 760)
        self.reload()

    def reload(self) -> None:
        actor, sv = self.ctx.require_actor(), self.ctx.services

        def load(_p):
            record = sv.consultations.get(actor, self.consultation_id)
            org = sv.organizations.get(actor, record.organization_id) if record.organization_id else None
            return record, org

        self.ctx.tasks.run(load, on_done=self._loaded, on_error=self._load_failed, owner=self)

    def _loaded(self, result) -> None:
        record, org = result
        self.editor.load(record, org)
        self.editor.setEnabled(True)
        self._set_title(record)
        self.editor.form.summary.setFocus()
        self.ready.emit(record)

    def _set_title(self, record: ConsultationRecord) -> None:
        text = _("相談記録 {ref}").format(ref=record.reference)
        self.title.setText(text)
        self.setWindowTitle(text)

    def _saved(self, record: ConsultationRecord) -> None:
        self._set_title(record)

    def _load_failed(self, exc: BaseException) -> None:
        report_error(self.parentWidget(), exc, self.ctx.log_file)
        self._close()

    def reject(self) -> None:  # Esc and the window's close button ask before losing typing
        self.editor.request_cancel()

    def _close(self) -> None:
        super().reject()
