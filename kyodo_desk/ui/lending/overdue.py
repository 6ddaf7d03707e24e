"""返却予定・延滞: loans due today and overdue with the borrower's contacts, a log of reminder calls
per loan, the reminder letter (督促状), and the loan itself (return / extend)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QListWidget, QPushButton, QSplitter, QVBoxLayout, QWidget

from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import N_, _, format_number
from kyodo_desk.services.loans import LoanRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.lending.common import ERROR_COLOR, MessageLine, Row, make_table, md, when
from kyodo_desk.ui.lending.print_path import print_loan_document
from kyodo_desk.ui.widgets.page import plain_label

HEADERS = [
    N_("状況"),
    N_("返却予定"),
    N_("貸出番号"),
    N_("団体"),
    N_("責任者"),
    N_("貸出中の連絡先"),
    N_("団体の電話"),
    N_("機器"),
]


def due_status(loan: LoanRecord, today: dt.date) -> str:
    late = loan.days_overdue(today)
    return _("延滞 {n} 日").format(n=late) if late else _("今日返却予定")


class OverdueTab(QWidget):
    loaded = Signal()

    def __init__(self, ctx: AppContext, today: dt.date | None = None):
        super().__init__()
        self.ctx = ctx
        self._fixed_today = today
        self.today = today or dt.date.today()
        self.loans: list[LoanRecord] = []
        self._gen = 0
        self.dialog = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        self.summary = MessageLine()
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        self.table = make_table([_(h) for h in HEADERS], stretch=7)
        self.table.setObjectName("dueTable")
        self.table.selection_changed.connect(self._selected)
        self.table.activated.connect(lambda _i: self.open_current())
        split.addWidget(self.table)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        self.loan_label = plain_label(_("貸出を選ぶと、督促の記録がここに出ます。"))
        self.loan_label.setWordWrap(True)
        lower_layout.addWidget(self.loan_label)
        self.notes = QListWidget()
        self.notes.setObjectName("loanNotes")
        lower_layout.addWidget(self.notes, 1)
        note_row = QHBoxLayout()
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setPlaceholderText(_("例: 10:30 電話。来週月曜に返却するとのこと"))
        self.note_edit.returnPressed.connect(self.add_note)
        self.note_button = QPushButton(_("記録を追加"))
        self.note_button.clicked.connect(self.add_note)
        note_row.addWidget(self.note_edit, 1)
        note_row.addWidget(self.note_button)
        lower_layout.addLayout(note_row)
        self.note_message = MessageLine()
        lower_layout.addWidget(self.note_message)
        actions = QHBoxLayout()
        self.open_button = QPushButton(_("貸出を開く(返却・延長)"))
        self.open_button.clicked.connect(self.open_current)
        self.reminder_button = QPushButton(_("督促状を印刷…"))
        self.reminder_button.setObjectName("printReminder")
        self.reminder_button.clicked.connect(self.print_reminder)
        refresh = QPushButton(_("最新にする"))
        refresh.clicked.connect(self.refresh)
        actions.addWidget(self.open_button)
        actions.addWidget(self.reminder_button)
        actions.addStretch(1)
        actions.addWidget(refresh)
        lower_layout.addLayout(actions)
        split.addWidget(lower)
        split.setSizes([360, 260])
        layout.addWidget(split, 1)
        self._enable(False)
        # A loan changed somewhere: refresh once (debounced) while this tab is on screen; otherwise
        # the list is read again when the tab is next shown (tab_shown), not once per change.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self._refresh_if_visible)
        ctx.events.data_changed.connect(self._data_changed)

    def tab_shown(self) -> None:
        self.refresh()

    def _data_changed(self, kind: str, _ids) -> None:
        if kind == "loan":
            self._debounce.start()

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self.today = self._fixed_today or dt.date.today()  # the desk may stay open past midnight
        actor, loans, today = self.ctx.require_actor(), self.ctx.services.loans, self.today
        self._debounce.stop()
        self._gen += 1
        gen = self._gen
        self.ctx.tasks.run(lambda _p: loans.due(actor, today), on_done=lambda r: self._show(gen, r), owner=self)

    def _show(self, gen: int, result) -> None:
        if gen != self._gen:  # an older answer arriving late
            return
        due_today, overdue = result
        current = self.current()
        self.loans = list(overdue) + list(due_today)
        self.table.set_rows(
            [
                Row(
                    [
                        due_status(loan, self.today),
                        md(loan.due_on),
                        loan.reference,
                        loan.organization_name,
                        loan.responsible_name,
                        loan.contact_phone,
                        loan.organization_phone,
                        "、".join(i.device.asset_tag for i in loan.open_items),
                    ],
                    data=loan.id,
                    color=ERROR_COLOR if loan.days_overdue(self.today) else None,
                )
                for loan in self.loans
            ]
        )
        self.summary.show_message(
            _("今日返却予定 {a} 件 ・ 延滞 {b} 件").format(
                a=format_number(len(due_today)), b=format_number(len(overdue))
            ),
            "warn" if overdue else "info",
        )
        if current is not None:
            rows = [i for i, loan in enumerate(self.loans) if loan.id == current.id]
            if rows:
                self.table.selectRow(rows[0])
        self._selected()
        self.loaded.emit()

    def current(self) -> LoanRecord | None:
        row = self.table.currentRow()
        return self.loans[row] if 0 <= row < len(self.loans) and self.table.selectionModel().hasSelection() else None

    def select_loan(self, loan_id: int) -> bool:
        for row, loan in enumerate(self.loans):
            if loan.id == loan_id:
                self.table.selectRow(row)
                return True
        return False

    def _enable(self, on: bool) -> None:
        for w in (self.note_edit, self.note_button, self.open_button, self.reminder_button):
            w.setEnabled(on)

    def _selected(self) -> None:
        loan = self.current()
        self._enable(loan is not None)
        self.notes.clear()
        if loan is None:
            self.loan_label.setText(_("貸出を選ぶと、督促の記録がここに出ます。"))
            return
        self.loan_label.setText(
            _("{ref} {org} ・ 責任者 {name} ・ 連絡先 {phone} ・ 貸出 {out}").format(
                ref=loan.reference,
                org=loan.organization_name,
                name=loan.responsible_name,
                phone=loan.contact_phone,
                out=when(loan.out_at),
            )
        )
        for at, staff, note in reversed(loan.notes):
            self.notes.addItem(f"{when(at)}  {staff}  {note}")
        if not loan.notes:
            self.notes.addItem(_("(まだ記録はありません)"))

    def add_note(self) -> None:
        loan = self.current()
        text = self.note_edit.text()
        if loan is None:
            return
        actor, loans = self.ctx.require_actor(), self.ctx.services.loans
        self.note_button.setEnabled(False)

        def done(_r):
            self.note_button.setEnabled(True)
            self.note_edit.clear()
            self.note_message.show_message(_("記録しました。"), "ok")
            self.ctx.events.emit_changed("loan", [loan.id])

        def failed(exc):
            self.note_button.setEnabled(True)
            if isinstance(exc, ValidationError):
                self.note_message.show_message(str(exc), "error")
            else:
                report_error(self, exc, self.ctx.log_file)

        self.ctx.tasks.run(
            lambda _p: loans.add_note(actor, loan.id, text), on_done=done, on_error=failed, write=True, owner=self
        )

    def open_current(self) -> None:
        from kyodo_desk.ui.lending.loan_dialog import LoanDialog

        loan = self.current()
        if loan is not None:
            self.dialog = LoanDialog(self.ctx, loan, parent=self.window())
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog.open()

    def print_reminder(self) -> None:
        loan = self.current()
        if loan is not None:
            print_loan_document(self.ctx, self, "reminder", loan)
