"""The status workflow's steps.  Only the allowed next steps (TRANSITIONS) get a button; each
step asks for what it needs: 取下げ・却下・延期 a reason, 報告受領 each visit's attendance and a
short summary (record_report), the others a confirmation.  The service checks everything again.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.dispatch import SessionStatus, Status
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import N_, _
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.services.dispatch import ApplicationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.common import banner, error_label, show_text, when_text
from kyodo_desk.ui.dispatch.reason_dialog import AskReasonDialog
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen, scrolling

# What the button for moving *to* a status says.
STEP_LABELS = {
    "scheduling": N_("日程調整中にする"),
    "decided": N_("派遣を決定する"),
    "done": N_("実施済にする"),
    "reported": N_("報告を受け取る…"),
    "completed": N_("完了にする"),
    "withdrawn": N_("取下げ…"),
    "rejected": N_("却下…"),
    "postponed": N_("延期…"),
}
NEEDS_REASON = ("withdrawn", "rejected", "postponed")


def step_label(status: str) -> str:
    return _(STEP_LABELS[status])


class ReasonDialog(AskReasonDialog):
    """取下げ・却下・延期: the reason is required (the service refuses an empty one)."""

    def __init__(self, ctx: AppContext, app: ApplicationRecord, new_status: str, parent: QWidget | None = None):
        self.app, self.new_status = app, new_status
        label = Status(new_status).label()
        actor, dispatch = ctx.require_actor(), ctx.services.dispatch
        super().__init__(
            ctx,
            window_title=_("{step} — {ref}").format(step=label, ref=app.reference),
            title=_("「{status}」にする").format(status=label),
            what=_("{ref} {org} 「{topic}」").format(ref=app.reference, org=app.organization_name, topic=app.topic),
            warning=_("これからの回はすべて中止になり、アドバイザーのカレンダー(.ics)でも取り消されます。")
            if new_status in ("withdrawn", "rejected")
            else "",
            field_label=_("理由(必須)"),
            placeholder=_("例: 団体の都合で開催を見合わせ"),
            ok_label=_("{status}にする").format(status=label),
            cancel_label=_("キャンセル"),
            max_length=300,
            action=lambda note: dispatch.change_status(actor, app.id, app.version, new_status, note),
            on_done=lambda record: ctx.events.emit_changed("dispatch", [record.id]),
            parent=parent,
        )


class SessionReport:
    """The inputs for one visit in the report dialog."""

    def __init__(self, session) -> None:
        self.session = session
        self.held = QCheckBox(_("実施した"))
        self.held.setChecked(session.status != SessionStatus.NO_SHOW.value)
        self.attendance = QSpinBox()
        self.attendance.setRange(0, 9999)
        self.attendance.setSuffix(_(" 人"))
        self.attendance.setValue(session.attendance or 0)
        self.summary = QPlainTextEdit(session.report_summary)
        self.summary.setTabChangesFocus(True)
        self.summary.setPlaceholderText(_("実施内容の要約(例: 決算書の作り方を説明し、質疑応答)"))
        self.summary.setFixedHeight(self.summary.fontMetrics().height() * 3 + 14)
        self.error = error_label()
        self.held.toggled.connect(self._held_changed)
        self._held_changed(self.held.isChecked())

    def _held_changed(self, held: bool) -> None:
        self.attendance.setEnabled(held)
        self.summary.setEnabled(held)


class ReportDialog(QDialog):
    """Each visit's attendance and a short summary; with *advance* also moves to 報告受領."""

    done_ = Signal(object)  # ApplicationRecord

    def __init__(self, ctx: AppContext, app: ApplicationRecord, parent: QWidget | None = None, *, advance: bool = True):
        super().__init__(parent)
        self.ctx, self.app, self.advance = ctx, app, advance
        self.saving = False
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("実施報告 — {ref}").format(ref=app.reference))
        layout = QVBoxLayout(self)
        layout.addWidget(page_title(_("実施報告")))
        layout.addWidget(
            plain_label(
                _("{ref} {org} 「{topic}」").format(ref=app.reference, org=app.organization_name, topic=app.topic)
            )
        )
        self.banner = banner()
        layout.addWidget(self.banner)
        grid = QGridLayout()
        grid.setColumnStretch(3, 1)
        for c, text in enumerate((_("回"), "", _("参加者数"), _("実施内容の要約"))):
            grid.addWidget(plain_label(text), 0, c)
        self.rows: list[SessionReport] = []
        live = [s for s in app.sessions if s.status != SessionStatus.CANCELLED.value]
        for r, session in enumerate(live, start=1):
            row = SessionReport(session)
            self.rows.append(row)
            head = plain_label(
                _("第{n}回\n{when}\n{name}").format(
                    n=session.number, when=when_text(session.start_at, session.end_at), name=session.advisor_name
                )
            )
            grid.addWidget(head, 2 * r - 1, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(row.held, 2 * r - 1, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(row.attendance, 2 * r - 1, 2, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(row.summary, 2 * r - 1, 3)
            grid.addWidget(row.error, 2 * r, 3)
        visits = QWidget()  # a long series scrolls; the buttons stay below it
        column = QVBoxLayout(visits)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(grid)
        column.addStretch(1)
        layout.addWidget(scrolling(visits), 1)
        buttons = QDialogButtonBox()
        text = _("保存して「報告受領」にする (Ctrl+S)") if advance else _("保存 (Ctrl+S)")
        self.ok_button = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(_("キャンセル"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setAutoDefault(False)
        self.ok_button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.submit)
        fit_to_screen(self, 820, 200 + 110 * len(self.rows))
        if self.rows:
            self.rows[0].attendance.setFocus()

    def submit(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.ok_button.setEnabled(False)
        entries = [
            (
                r.session.id,
                r.session.number,
                r.session.version,  # what this dialog showed: another desk's report since is refused
                r.held.isChecked(),
                r.attendance.value() if r.held.isChecked() else None,
                r.summary.toPlainText() if r.held.isChecked() else "",
            )
            for r in self.rows
        ]
        actor, dispatch, app, advance = self.ctx.require_actor(), self.ctx.services.dispatch, self.app, self.advance

        def write(_p):
            problems: dict[int, str] = {}
            saved: dict[int, int] = {}  # session id → its new version (a second 保存 after a problem)
            for sid, number, seen, held, attendance, summary in entries:
                try:
                    saved[sid] = dispatch.record_report(
                        actor, sid, held=held, attendance=attendance, summary=summary, expected_version=seen
                    )
                except (ValidationError, StaleEdit) as exc:  # said under that visit; the others are saved
                    problems[number] = str(exc)
            if problems:
                return ("problems", (problems, saved))
            if not advance:
                return ("saved", dispatch.get(actor, app.id))
            current = dispatch.get(actor, app.id)
            return ("saved", dispatch.change_status(actor, app.id, current.version, Status.REPORTED.value))

        self.ctx.tasks.run(write, on_done=self._written, on_error=self._failed, write=True, owner=self)

    def _written(self, result) -> None:
        self.saving = False
        self.ok_button.setEnabled(True)
        outcome, value = result
        self.ctx.events.emit_changed("dispatch", [self.app.id])
        if outcome == "problems":
            problems, saved = value
            for row in self.rows:
                if row.session.id in saved:
                    row.session = replace(row.session, version=saved[row.session.id])
                show_text(row.error, problems.get(row.session.number, ""))
            # a missing field or another desk's change since this dialog opened: each is said under its visit
            text = _("保存できなかった回があります。赤い字の説明を見てください。")
            if saved:
                text += _("ほかの回は保存しました。")
            show_text(self.banner, text)
            return
        self.done_.emit(value)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            show_text(self.banner, str(exc))
        else:
            report_error(self, exc, self.ctx.log_file)
