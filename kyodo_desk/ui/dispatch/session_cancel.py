"""この回を中止: call off one visit of a series.  The reason is required (the service refuses an
empty one and writes it to the audit trail); a booked visit's calendar entry becomes cancelled."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.dispatch import ApplicationRecord, SessionRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.common import error_label, show_text, when_text
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import page_title, plain_label


class CancelSessionDialog(QDialog):
    done_ = Signal(object)  # SessionRecord

    def __init__(self, ctx: AppContext, app: ApplicationRecord, session: SessionRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.app, self.session = ctx, app, session
        self.saving = False
        self.setStyleSheet(STYLE_SHEET)
        title = _("第{n}回を中止する").format(n=session.number)
        self.setWindowTitle(_("{step} — {ref}").format(step=title, ref=app.reference))
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(title))
        what = _("{ref} {org} 「{topic}」").format(ref=app.reference, org=app.organization_name, topic=app.topic)
        if session.start_at:
            what += "\n" + _("{when} {advisor}").format(when=when_text(session.start_at, session.end_at), advisor=session.advisor_name)
        layout.addWidget(plain_label(what))
        if session.advisor_id:
            note = plain_label(_("アドバイザーのカレンダー(.ics)でもこの回が取り消されます。依頼書・通知を送った相手にも連絡してください。"))
            note.setObjectName("banner")
            note.setWordWrap(True)
            layout.addWidget(note)
        form = QFormLayout()
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(_("例: 団体の行事と重なったため"))
        self.error = error_label()
        col = QVBoxLayout()
        col.addWidget(self.reason)
        col.addWidget(self.error)
        form.addRow(_("中止の理由(必須)"), col)
        layout.addLayout(form)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(_("この回を中止する"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(_("やめる"), QDialogButtonBox.ButtonRole.RejectRole)
        for b in (self.ok_button, cancel):
            b.setAutoDefault(False)
        self.ok_button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        self.reason.returnPressed.connect(self.submit)
        layout.addWidget(buttons)
        self.resize(560, 240)
        self.reason.setFocus()

    def submit(self) -> None:
        if self.saving:
            return
        if not self.reason.text().strip():  # said at once; the service checks again
            show_text(self.error, _("「中止の理由」を入力してください。"))
            self.reason.setFocus()
            return
        self.saving = True
        self.ok_button.setEnabled(False)
        actor, dispatch, session_id, reason = self.ctx.require_actor(), self.ctx.services.dispatch, self.session.id, self.reason.text()
        self.ctx.tasks.run(lambda _p: dispatch.cancel_session(actor, session_id, reason),
                           on_done=self._cancelled, on_error=self._failed, write=True, owner=self)

    def _cancelled(self, record: SessionRecord) -> None:
        self.saving = False
        self.ctx.events.emit_changed("dispatch", [self.app.id])
        self.done_.emit(record)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            show_text(self.error, "\n".join(exc.errors.values()))
            self.reason.setFocus()
        else:
            report_error(self, exc, self.ctx.log_file)
