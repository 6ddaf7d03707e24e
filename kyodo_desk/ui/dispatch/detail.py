"""One dispatch application: what was asked, its visits, the status history (who/when), the
next steps allowed from here, and its documents and calendar file."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.dispatch import TRANSITIONS, DispatchType, Field, SessionStatus, Status
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _, date_both, wareki_fiscal_year
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.services.dispatch import CLOSED_FOR_EDIT, ApplicationRecord, QuotaStatus, notice_refusal
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.application_dialog import NewApplicationDialog
from kyodo_desk.ui.dispatch.common import banner, cell, show_text, table, when_text, yen
from kyodo_desk.ui.dispatch.documents import DispatchDocuments
from kyodo_desk.ui.dispatch.scheduling import NOTE_STYLE, ScheduleDialog
from kyodo_desk.ui.dispatch.session_cancel import CancelSessionDialog
from kyodo_desk.ui.dispatch.workflow import NEEDS_REASON, ReasonDialog, ReportDialog, step_label
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import page_title, plain_label, scaled_font
from kyodo_desk.ui.widgets.screen import fit_to_screen

SCHEDULABLE = ("received", "scheduling", "decided", "postponed")


class ApplicationDetailDialog(QDialog):
    loaded = Signal()
    child_opened = Signal(object)  # a step / scheduling dialog

    def __init__(self, ctx: AppContext, app_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.app_id = ctx, app_id
        self.app: ApplicationRecord | None = None
        self.quota: QuotaStatus | None = None
        self.child: QDialog | None = None
        self.busy = False
        self.setObjectName("applicationDetail")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("派遣申請"))
        self.documents = DispatchDocuments(ctx, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        self.title = page_title(_("読み込み中…"))
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.status_label = plain_label()
        self.status_label.setFont(scaled_font(self.status_label, 1.15, bold=True))
        layout.addWidget(self.status_label)
        self.message = banner()
        layout.addWidget(self.message)

        columns = QHBoxLayout()
        columns.setSpacing(14)
        left = QVBoxLayout()
        info_box = QGroupBox(_("申請の内容"))
        self.info = QFormLayout(info_box)
        self.info_labels: dict[str, object] = {}
        for key, label in (
            ("organization", _("団体")),
            ("type", _("派遣の種類・分野")),
            ("topic", _("テーマ")),
            ("preferred", _("希望日時")),
            ("venue", _("会場")),
            ("participants", _("参加予定人数")),
            ("support", _("参加サポート")),
            ("received", _("受付日")),
            ("quota", _("今年度の派遣")),
        ):
            value = plain_label()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.info.addRow(label, value)
            self.info_labels[key] = value
        self.edit_button = QPushButton(_("申請内容を修正…"))
        self.edit_button.clicked.connect(self.edit_application)
        self.edit_button.hide()
        self.info.addRow("", self.edit_button)
        left.addWidget(info_box)

        sessions_box = QGroupBox(_("派遣の回"))
        scol = QVBoxLayout(sessions_box)
        self.sessions = table(
            [_("回"), _("日時"), _("アドバイザー"), _("状態"), _("参加者"), _("謝金・交通費"), _("上書きの理由")],
            stretch=6,
        )
        for c, w in enumerate((52, 212, 96, 50, 56, 150)):
            self.sessions.setColumnWidth(c, w)
        self.sessions.activated.connect(lambda _i: self.schedule_selected())
        scol.addWidget(self.sessions, 1)
        # a visit on one of the center's closed days: allowed away from the center, with this note
        self.session_notes = plain_label()
        self.session_notes.setObjectName("sessionNotes")
        self.session_notes.setWordWrap(True)
        self.session_notes.setStyleSheet(NOTE_STYLE)
        self.session_notes.hide()
        scol.addWidget(self.session_notes)
        srow = QHBoxLayout()
        self.schedule_button = QPushButton(_("日程を決める… (Ctrl+D)"))
        self.schedule_button.clicked.connect(self.schedule_selected)
        self.report_button = QPushButton(_("実施報告を入力…"))
        self.report_button.clicked.connect(lambda: self.open_report(advance=False))
        self.add_session_button = QPushButton(_("回を追加"))
        self.add_session_button.clicked.connect(self.add_session)
        self.cancel_session_button = QPushButton(_("この回を中止…"))
        self.cancel_session_button.clicked.connect(self.cancel_selected)
        self.sessions.itemSelectionChanged.connect(self._session_selected)
        srow.addWidget(self.schedule_button)
        srow.addWidget(self.report_button)
        srow.addStretch(1)
        srow.addWidget(self.add_session_button)
        srow.addWidget(self.cancel_session_button)
        scol.addLayout(srow)
        left.addWidget(sessions_box, 1)

        self.steps_box = QGroupBox(_("次の手続き"))
        self.steps_row = QHBoxLayout(self.steps_box)
        self.step_buttons: dict[str, QPushButton] = {}
        left.addWidget(self.steps_box)
        columns.addLayout(left, 3)

        right = QVBoxLayout()
        history_box = QGroupBox(_("状態の履歴"))
        hcol = QVBoxLayout(history_box)
        self.history = table([_("日時"), _("状態"), _("担当"), _("理由・メモ")], stretch=3)
        for c, w in enumerate((128, 132, 84)):
            self.history.setColumnWidth(c, w)
        hcol.addWidget(self.history)
        right.addWidget(history_box, 1)
        docs_box = QGroupBox(_("書類とカレンダー"))
        dcol = QVBoxLayout(docs_box)
        self.notice_button = QPushButton(_("派遣決定通知書を印刷…"))
        self.request_button = QPushButton(_("依頼書を印刷(アドバイザーへ)"))
        self.report_form_button = QPushButton(_("実施報告書を印刷…"))
        self.ics_button = QPushButton(_("カレンダー(.ics)で保存…"))
        self.request_menu = QMenu(self)
        self.request_button.setMenu(self.request_menu)
        self.notice_button.clicked.connect(lambda: self.app and self.documents.notice(self.app))
        self.report_form_button.clicked.connect(lambda: self.app and self.documents.report_form(self.app))
        self.ics_button.clicked.connect(lambda: self.app and self.documents.application_ics(self.app))
        for b in (self.notice_button, self.request_button, self.report_form_button, self.ics_button):
            dcol.addWidget(b)
        right.addWidget(docs_box)
        close = QPushButton(_("閉じる"))
        close.clicked.connect(self.reject)
        right.addWidget(close)
        columns.addLayout(right, 2)
        layout.addLayout(columns, 1)

        QShortcut(QKeySequence("Ctrl+D"), self, activated=self.schedule_selected)
        ctx.events.data_changed.connect(self._data_changed)
        fit_to_screen(self, 1320, 760)
        self.reload()

    # ---- loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        actor, dispatch = self.ctx.require_actor(), self.ctx.services.dispatch
        app_id = self.app_id

        def fetch(_p):
            app = dispatch.get(actor, app_id)
            return (
                app,
                dispatch.organization_quota(actor, app.organization_id, app.fiscal_year),
                dispatch.session_notes(app),
            )

        self.ctx.tasks.run(fetch, on_done=self._fill, owner=self)

    def _data_changed(self, kind: str, ids: list) -> None:
        if kind == "dispatch" and (not ids or self.app_id in ids):
            self.reload()

    def _fill(self, result) -> None:
        app, quota, notes = result
        self.app, self.quota = app, quota
        self.setWindowTitle(_("派遣申請 {ref}").format(ref=app.reference))
        self.title.setText(_("{ref} 「{topic}」").format(ref=app.reference, topic=app.topic))
        self.status_label.setText(_("状態: {status}").format(status=app.status_label))
        reg = (
            _("「協働をすすめる市民団体」登録済")
            if app.organization_registered
            else _("「協働をすすめる市民団体」未登録")
        )
        values = {
            "organization": f"{app.organization_name}({reg})",
            "type": f"{DispatchType(app.dispatch_type).label()} · {Field(app.field).label()}",
            "topic": app.topic,
            "preferred": "\n".join(
                _("第{n}希望 {w}").format(n=i, w=when_text(a, b)) for i, (a, b) in enumerate(app.preferred, 1)
            )
            or _("なし"),
            "venue": app.venue or _("未定"),
            "participants": _("{n}人").format(n=app.expected_participants),
            "support": app.support_label or _("なし"),
            "received": date_both(app.received_on),
            "quota": _("{fy}: {used}回 / 上限{limit}回(残り{left}回)").format(
                fy=wareki_fiscal_year(app.fiscal_year), used=quota.used, limit=quota.limit, left=quota.remaining
            ),
        }
        for key, text in values.items():
            self.info_labels[key].setText(text)
        self._fill_sessions(app)
        self._fill_notes(app, notes)
        self._fill_history(app)
        self._fill_steps(app)
        advisors = {
            (s.advisor_id, s.advisor_name)
            for s in app.sessions
            if s.advisor_id and s.status != SessionStatus.CANCELLED.value
        }
        self.request_menu.clear()
        for advisor_id, name in sorted(advisors, key=lambda x: x[1]):
            self.request_menu.addAction(
                _("{name} さんへの依頼書").format(name=name),
                lambda a=advisor_id, n=name: self.documents.advisor_request(self.app, a, n),
            )
        booked = bool(advisors)
        for b in (self.notice_button, self.request_button, self.ics_button):
            b.setEnabled(booked)
            b.setToolTip("" if booked else _("アドバイザーと日時が決まると使えます。"))
        refusal = notice_refusal(app)  # the notice says the dispatch is decided: only from 派遣決定 on
        if booked and refusal:
            self.notice_button.setEnabled(False)
            self.notice_button.setToolTip(refusal)
        self.notice_button.setText(
            _("派遣決定通知書を印刷…") if not refusal else _("派遣決定通知書を印刷…(派遣決定の後)")
        )
        self.loaded.emit()

    def _fill_notes(self, app: ApplicationRecord, notes: dict[int, str]) -> None:
        lines = [
            _("第{n}回({day}): {note}").format(n=x.number, day=x.start_at.strftime("%m/%d"), note=notes[x.id])
            for x in app.sessions
            if x.id in notes and x.start_at
        ]
        self.session_notes.setText("\n".join(lines))
        self.session_notes.setVisible(bool(lines))

    def _fill_sessions(self, app: ApplicationRecord) -> None:
        row_before = max(0, self.sessions.currentRow())
        self.sessions.setRowCount(len(app.sessions))
        for r, s in enumerate(app.sessions):
            money = yen(s.fee) + " / " + yen(s.travel_cost) if s.advisor_id else ""
            attendance = "" if s.attendance is None else _("{n}人").format(n=s.attendance)
            for c, text in enumerate(
                (
                    _("第{n}回").format(n=s.number),
                    when_text(s.start_at, s.end_at),
                    s.advisor_name or _("未定"),
                    SessionStatus(s.status).label(),
                    attendance,
                    money,
                    s.override_reason,
                )
            ):
                self.sessions.setItem(r, c, cell(text, s if c == 0 else None))
        if app.sessions:
            self.sessions.selectRow(min(row_before, len(app.sessions) - 1))
        can_schedule = app.status in SCHEDULABLE
        self.schedule_button.setEnabled(can_schedule)
        self.schedule_button.setToolTip(
            "" if can_schedule else _("「{s}」の申請は日程を変えられません。").format(s=app.status_label)
        )
        self.report_button.setEnabled(app.status in ("done", "reported"))
        editable = app.status not in CLOSED_FOR_EDIT
        for b in (self.edit_button, self.add_session_button, self.cancel_session_button):
            b.setVisible(editable)
        self._session_selected()

    def _session_selected(self) -> None:
        session = self.selected_session()
        self.cancel_session_button.setEnabled(session is not None and session.status == SessionStatus.PLANNED.value)

    def _fill_history(self, app: ApplicationRecord) -> None:
        self.history.setRowCount(len(app.history))
        for r, (at, old, new, who, note) in enumerate(app.history):
            change = Status(new).label() if old is None else f"{Status(old).label()} → {Status(new).label()}"
            for c, text in enumerate((f"{at:%Y/%m/%d %H:%M}", change, who or _("(システム)"), note)):
                item = cell(text)
                item.setToolTip(text)
                self.history.setItem(r, c, item)
        self.history.scrollToBottom()

    def _fill_steps(self, app: ApplicationRecord) -> None:
        for b in self.step_buttons.values():
            self.steps_row.removeWidget(b)
            b.deleteLater()
        self.step_buttons.clear()
        while self.steps_row.count():
            self.steps_row.takeAt(0)
        allowed = TRANSITIONS[app.status]
        for status in allowed:
            button = QPushButton(step_label(status))
            button.setObjectName(f"step_{status}")
            button.clicked.connect(lambda _c=False, s=status: self.step(s))
            self.step_buttons[status] = button
            self.steps_row.addWidget(button)
        if not allowed:
            self.steps_row.addWidget(plain_label(_("この申請は「{s}」で終わっています。").format(s=app.status_label)))
        self.steps_row.addStretch(1)

    # ---- actions ----------------------------------------------------------------------------
    def selected_session(self):
        item = self.sessions.item(self.sessions.currentRow(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _open_child(self, dialog: QDialog) -> QDialog:
        self.child = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.child_opened.emit(dialog)
        return dialog

    def schedule_selected(self) -> QDialog | None:
        session = self.selected_session()
        if self.app is None or session is None or not self.schedule_button.isEnabled():
            return None
        if session.status == SessionStatus.CANCELLED.value:
            show_text(self.message, _("中止になった回の日程は決められません。"))
            return None
        return self._open_child(ScheduleDialog(self.ctx, self.app, session, self))

    def edit_application(self) -> QDialog | None:
        if self.app is None or self.app.status in CLOSED_FOR_EDIT:
            return None
        show_text(self.message, "")
        return self._open_child(NewApplicationDialog(self.ctx, self, record=self.app))

    def add_session(self) -> None:
        if self.app is None or self.busy or self.app.status in CLOSED_FOR_EDIT:
            return
        self.busy = True
        show_text(self.message, "")
        actor, dispatch, app_id = self.ctx.require_actor(), self.ctx.services.dispatch, self.app.id
        self.ctx.tasks.run(
            lambda _p: dispatch.add_session(actor, app_id),
            on_done=lambda _s: self._stepped(self.app),
            on_error=self._step_failed,
            write=True,
            owner=self,
        )

    def cancel_selected(self) -> QDialog | None:
        session = self.selected_session()
        if self.app is None or session is None or not self.cancel_session_button.isEnabled():
            return None
        return self._open_child(CancelSessionDialog(self.ctx, self.app, session, self))

    def open_report(self, *, advance: bool) -> QDialog | None:
        if self.app is None:
            return None
        dialog = ReportDialog(self.ctx, self.app, self, advance=advance)
        dialog.done_.connect(lambda _r: self.reload())
        return self._open_child(dialog)

    def step(self, status: str) -> QDialog | None:
        app = self.app
        if app is None or self.busy:
            return None
        show_text(self.message, "")
        if status in NEEDS_REASON:
            return self._open_child(ReasonDialog(self.ctx, app, status, self))
        if status == Status.REPORTED.value:
            return self.open_report(advance=True)
        self.busy = True
        actor, dispatch = self.ctx.require_actor(), self.ctx.services.dispatch
        self.ctx.tasks.run(
            lambda _p: dispatch.change_status(actor, app.id, app.version, status),
            on_done=self._stepped,
            on_error=self._step_failed,
            write=True,
            owner=self,
        )
        return None

    def _stepped(self, record: ApplicationRecord) -> None:
        self.busy = False
        self.ctx.events.emit_changed("dispatch", [record.id])

    def _step_failed(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, (ValidationError, StaleEdit)):
            show_text(self.message, str(exc))
            if isinstance(exc, StaleEdit):
                self.reload()
        else:
            report_error(self, exc, self.ctx.log_file)
