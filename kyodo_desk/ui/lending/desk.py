"""The desk (貸出・返却): scan first.

The scan field always has the focus.  A scanned device that is out (and no checkout is being
prepared) opens its loan for the return.  Otherwise each scanned device is checked at once with
``loans.scan`` (the one availability rule) and answers in green or with a red Japanese reason.  An
organization's card (ORG-00042) picks the borrower.  A scanner's Enter only ever means "here is a
code": the loan is confirmed with Ctrl+Enter (either Enter key) or a click on 「確定」, never by
Enter.  The borrower's slip (借用書) can then be printed; after a return, the 返却受領書 of what came
back.  Both buttons go away as soon as the next scan starts, so they never sit next to a new error.
"""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.inventory import normalize_tag
from kyodo_desk.services.loans import CheckoutRequest, LoanRecord
from kyodo_desk.services.organizations import CODE_PREFIX
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.lending.borrower import BorrowerForm
from kyodo_desk.ui.lending.common import (
    ERROR_COLOR,
    OK_COLOR,
    MessageLine,
    ScanField,
    confirm_shortcuts,
    date_edit,
    md,
    no_default_buttons,
    set_date,
)
from kyodo_desk.ui.lending.pending import PendingDevices
from kyodo_desk.ui.lending.print_path import print_loan_document
from kyodo_desk.ui.widgets.date_edit import DateTimeField, date_problem
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import plain_label


class DeskTab(QWidget):
    scan_answered = Signal(bool, str)  # ok, message (after every scan)
    checked_out = Signal(object)  # LoanRecord
    loan_opened = Signal(object)  # LoanDialog

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.errors = FieldErrors()
        self.last_loan: LoanRecord | None = None
        self.receipt_loan: LoanRecord | None = None  # the loan of the last successful return (返却受領書)
        self.loan_dialog = None
        self._queue: list[str] = []
        self._busy = False
        self._saving = False
        self._due_touched = False
        self._setting_due = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        layout.setSpacing(8)
        self.mode_line = MessageLine()
        layout.addWidget(self.mode_line)
        self.scan = ScanField()
        self.scan.scanned.connect(self.feed)
        self.scan.empty_enter.connect(self._empty_enter)
        layout.addWidget(self.scan)
        self.answer = MessageLine()
        self.answer.setObjectName("scanAnswer")
        layout.addWidget(self.answer)

        columns = QHBoxLayout()
        columns.setSpacing(12)
        left = QVBoxLayout()
        self.borrower = BorrowerForm(ctx, self.errors)
        self.borrower.changed.connect(self._borrower_changed)
        self.borrower.done.connect(self.refocus)
        left.addWidget(self.borrower)
        terms = QGroupBox(_("貸出の条件"))
        form = QFormLayout(terms)
        self.due = date_edit()
        self.due.setObjectName("dueDate")
        self.due.dateChanged.connect(self._due_edited)
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText(_("例: 町会のオンライン総会"))
        self.purpose.returnPressed.connect(self.refocus)
        self.errors.add_row(form, "due_on", _("返却予定日"), self.due)
        self.errors.add_row(form, "purpose", _("利用目的"), self.purpose)
        self.backdate = QCheckBox(_("貸出日時をさかのぼって記録する(記録漏れのとき)"))
        self.backdate.toggled.connect(self._backdate_toggled)
        form.addRow("", self.backdate)
        self.out_at = DateTimeField()
        self.out_at.setObjectName("outAt")
        self.backdate_reason = QLineEdit()
        self.backdate_reason.setPlaceholderText(_("例: 昨日の夕方に貸し出したが記録し忘れた"))
        self.terms_form = form
        self.out_at_row = self.errors.add_row(form, "out_at", _("貸出日時"), self.out_at)
        self.reason_row = self.errors.add_row(form, "backdate_reason", _("さかのぼる理由"), self.backdate_reason)
        self._backdate_toggled(False)
        left.addWidget(terms)
        buttons = QHBoxLayout()
        self.confirm_button = QPushButton(_("確定 (Ctrl+Enter)"))
        self.confirm_button.setObjectName("confirmLoan")
        self.confirm_button.clicked.connect(self.confirm)
        self.reset_button = QPushButton(_("やり直す"))
        self.reset_button.clicked.connect(self.reset)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        left.addLayout(buttons)
        left.addStretch(1)
        columns.addLayout(left, 2)

        right = QVBoxLayout()
        self.count_label = plain_label()
        right.addWidget(self.count_label)
        self.pending = PendingDevices()
        self.pending.changed.connect(self._pending_changed)
        right.addWidget(self.pending, 3)
        right.addWidget(plain_label(_("スキャンの記録")))
        self.log = QListWidget()
        self.log.setObjectName("scanLog")
        self.log.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.log.setWordWrap(True)
        self.log.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right.addWidget(self.log, 1)
        columns.addLayout(right, 3)
        layout.addLayout(columns, 1)

        after = QHBoxLayout()
        self.result_line = MessageLine()
        self.result_line.setObjectName("resultLine")
        after.addWidget(self.result_line, 1)
        self.slip_button = QPushButton(_("借用書を印刷…"))
        self.slip_button.setObjectName("printSlip")
        self.slip_button.clicked.connect(self.print_slip)
        self.receipt_button = QPushButton(_("返却受領書を印刷…"))
        self.receipt_button.setObjectName("printReceipt")
        self.receipt_button.clicked.connect(self.print_receipt)
        after.addWidget(self.slip_button)
        after.addWidget(self.receipt_button)
        self.slip_button.hide()
        self.receipt_button.hide()
        layout.addLayout(after)

        confirm_shortcuts(self, self.confirm)
        no_default_buttons(self)
        QShortcut(
            QKeySequence("Esc"), self, activated=self.refocus, context=Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        for button in (self.confirm_button, self.reset_button, self.slip_button, self.receipt_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click must not take the scanner's focus
        self._pending_changed()
        self._update_mode()

    # ---- focus -------------------------------------------------------------------------
    def refocus(self) -> None:
        if self.isVisible() and (self.loan_dialog is None or not self.loan_dialog.isVisible()):
            if not self.window().isActiveWindow():  # a dialog just closed
                self.window().activateWindow()
            self.scan.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.refocus()

    def in_progress(self) -> bool:
        return self.borrower.record is not None or bool(self.pending.devices)

    def _update_mode(self) -> None:
        if self.in_progress():
            self.mode_line.show_message(_("貸出の準備中です。機器をスキャンして追加し、「確定」してください。"), "info")
        else:
            self.mode_line.show_message(
                _("貸出: 団体を選ぶか団体カードをスキャンしてから機器をスキャン ・ 返却: 貸出中の機器をスキャン"),
                "info",
            )

    # ---- scanning ------------------------------------------------------------------------
    def feed(self, code: str) -> None:
        """One scanned code (also used by the global search box when a device is scanned there)."""
        self._clear_result()  # a new scan starts: the last loan's slip/receipt no longer belong here
        self._queue.append(code.strip())
        self._next()

    def _empty_enter(self) -> None:
        if self.in_progress():
            self._answer(
                True,
                _("貸出を確定するときは Ctrl+Enter か「確定」ボタンを押してください(Enter だけでは確定しません)。"),
                tone="info",
            )

    def _clear_result(self) -> None:
        self.result_line.show_message("")
        self.receipt_loan = None
        for button in (self.slip_button, self.receipt_button):
            button.setEnabled(False)
            button.hide()

    def _next(self) -> None:
        if self._busy or not self._queue:
            return
        code = self._queue.pop(0)
        tag = normalize_tag(code)
        if self.pending.has(tag):
            self._answer(False, _("{tag} はもう追加してあります。").format(tag=tag))
            self._next()
            return
        self._busy = True
        actor, sv = self.ctx.require_actor(), self.ctx.services
        org_id, due, start, preparing = (
            self.borrower.organization_id(),
            self.due_value(),
            self.out_date(),
            self.in_progress(),
        )

        def look(_p):
            if tag.startswith(CODE_PREFIX) and tag[len(CODE_PREFIX) :].isdigit():
                return "org", sv.organizations.get(actor, int(tag[len(CODE_PREFIX) :]))
            if not preparing:
                loan = sv.loans.open_loan_for_device(actor, code)
                if loan is not None:
                    return "return", (loan, tag)
            return "scan", sv.loans.scan(actor, code, org_id, due, start=start)

        self.ctx.tasks.run(look, on_done=self._looked, on_error=self._look_failed, owner=self)

    def _looked(self, result) -> None:
        self._busy = False
        what, value = result
        if what == "org":
            self.borrower.set_organization(value)
            self._answer(True, _("借りる団体: {name}").format(name=value.name))
        elif what == "return":
            loan, tag = value
            self._answer(
                True,
                _("{tag} は {org} に貸出中です。返却の画面を開きます。").format(tag=tag, org=loan.organization_name),
            )
            self.open_loan(loan, tag)
        elif value.ok and value.device is not None:
            self.pending.add(value.device)
            self._answer(
                True, _("{tag} {name} を追加しました。").format(tag=value.device.asset_tag, name=value.device.name)
            )
        else:
            self._answer(False, value.message)
        self._next()

    def _look_failed(self, exc: BaseException) -> None:
        self._busy = False
        if isinstance(exc, (ServiceError, ValidationError)):
            self._answer(False, str(exc))
        else:
            report_error(self, exc, self.ctx.log_file)
        self._next()

    def _answer(self, ok: bool, message: str, tone: str | None = None) -> None:
        self.answer.show_message(message, tone or ("ok" if ok else "error"))
        if tone == "info":
            return
        if not ok:  # a new error: the last loan's slip/receipt must not sit next to it
            self._clear_result()
        item = QListWidgetItem(("✔ " if ok else "✖ ") + message)
        item.setForeground(OK_COLOR if ok else ERROR_COLOR)
        self.log.insertItem(0, item)
        while self.log.count() > 50:
            self.log.takeItem(self.log.count() - 1)
        self.scan_answered.emit(ok, message)

    # ---- the loan being prepared ------------------------------------------------------------
    def due_value(self) -> dt.date:
        return self.due.date().toPython()

    def out_date(self) -> dt.date:
        return self.out_at.dateTime().toPython().date() if self.backdate.isChecked() else dt.date.today()

    def _due_edited(self) -> None:
        if not self._setting_due:
            self._due_touched = True

    def _set_due(self, value: dt.date) -> None:
        self._setting_due = True
        set_date(self.due, value)
        self._setting_due = False

    def _backdate_toggled(self, on: bool) -> None:
        if on:
            self.out_at.setDateTime(QDateTime.currentDateTime().addSecs(-3600 * 20))
        self.terms_form.setRowVisible(self.out_at_row, on)
        self.terms_form.setRowVisible(self.reason_row, on)
        if on:
            self.out_at.setFocus()

    def _borrower_changed(self) -> None:
        self._update_mode()
        record = self.borrower.record
        if record is None or not self.pending.devices:
            return
        # the same rule again for this borrower (another organization's reservation may block)
        actor, loans, due, start = self.ctx.require_actor(), self.ctx.services.loans, self.due_value(), self.out_date()
        tags = [d.asset_tag for d in self.pending.devices]
        self.ctx.tasks.run(
            lambda _p: [loans.scan(actor, t, record.id, due, start=start) for t in tags],
            on_done=self._rechecked,
            owner=self,
        )

    def _rechecked(self, results) -> None:
        for result in results:
            if not result.ok and result.device is not None:
                self.pending.remove(result.device.id)
                self._answer(False, result.message)

    def _pending_changed(self) -> None:
        if self.pending.hasFocus():  # a device was removed with Delete: back to scanning
            self.refocus()
        n = len(self.pending.devices)
        self.count_label.setText(_("この貸出の機器: {n} 台").format(n=n))
        self._update_mode()
        if n == 0:
            if not self._due_touched:
                self._set_due(dt.date.today() + dt.timedelta(days=14))
            return
        if self._due_touched:
            return
        actor, loans, ids, start = (
            self.ctx.require_actor(),
            self.ctx.services.loans,
            list(self.pending.device_ids()),
            self.out_date(),
        )
        self.ctx.tasks.run(lambda _p: loans.suggest_due(actor, ids, start), on_done=self._suggested, owner=self)

    def _suggested(self, due: dt.date) -> None:
        if not self._due_touched:
            self._set_due(due)

    # ---- confirm -----------------------------------------------------------------------------
    def request(self) -> CheckoutRequest:
        out_at = (
            self.out_at.dateTime().toPython().replace(second=0, microsecond=0) if self.backdate.isChecked() else None
        )
        return CheckoutRequest(
            organization_id=self.borrower.organization_id() or 0,
            responsible_name=self.borrower.responsible.text(),
            contact_phone=self.borrower.phone.text(),
            device_ids=self.pending.device_ids(),
            due_on=self.due_value(),
            purpose=self.purpose.text(),
            accessories=self.pending.accessories(),
            out_at=out_at,
            backdate_reason=self.backdate_reason.text() if self.backdate.isChecked() else "",
        )

    def confirm(self) -> None:
        if self._saving or self._busy or self._queue:
            return
        if date_problem(self) is not None:  # a date that cannot be read: its field says why and keeps it
            return
        if not self.in_progress():
            self._answer(False, _("貸し出す機器がありません。団体を選んで機器をスキャンしてください。"))
            return
        if self.borrower.organization_id() is None:
            self.errors.show(
                {"organization_id": _("「借りる団体」を選んでください(団体名で検索するか、団体カードをスキャン)。")}
            )
            self.borrower.organization.setFocus()
            return
        req = self.request()
        # one key per checkout as asked: a retry after a lost connection returns the loan already made
        if getattr(self, "_checkout_key", (None, None))[1] != req:
            self._checkout_key = (str(uuid.uuid4()), req)
        key = self._checkout_key[0]
        self._saving = True
        self.confirm_button.setEnabled(False)
        actor, loans = self.ctx.require_actor(), self.ctx.services.loans
        self.ctx.tasks.run(
            lambda _p: loans.checkout(actor, req, request_key=key),
            on_done=self._confirmed,
            on_error=self._confirm_failed,
            write=True,
            owner=self,
        )

    def _confirmed(self, loan: LoanRecord) -> None:
        self._saving = False
        self.confirm_button.setEnabled(True)
        self.last_loan = loan
        self.reset()
        self.result_line.show_message(
            _("{ref} で {org} に {n} 台を貸し出しました(返却予定 {due})。").format(
                ref=loan.reference, org=loan.organization_name, n=len(loan.items), due=md(loan.due_on)
            ),
            "ok",
        )
        self.slip_button.setEnabled(True)
        self.slip_button.show()
        self.ctx.events.emit_changed("loan", [loan.id])
        self.ctx.events.emit_changed("device", [i.device.id for i in loan.items])
        self.checked_out.emit(loan)
        self.refocus()

    def _confirm_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.confirm_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            others = self.errors.unknown(exc.errors)
            self.result_line.show_message("\n".join(others) or _("入力を確認してください。"), "error")
            if first and first not in ("organization_id",):
                self.errors.widgets[first].setFocus()
                return
        elif isinstance(exc, ServiceError):  # another desk was quicker, or a device became unavailable
            self.errors.clear()
            self.result_line.show_message(str(exc), "error")
        else:
            report_error(self, exc, self.ctx.log_file)
        self.refocus()

    def reset(self) -> None:
        self.borrower.clear()
        self.pending.clear_all()
        self.purpose.clear()
        self.backdate.setChecked(False)
        self.backdate_reason.clear()
        self.errors.clear()
        self._due_touched = False
        self._set_due(dt.date.today() + dt.timedelta(days=14))
        self.answer.show_message("")
        self._clear_result()
        self._update_mode()
        self.refocus()

    # ---- return and printing --------------------------------------------------------------
    def open_loan(self, loan: LoanRecord, tag: str | None = None):
        from kyodo_desk.ui.lending.loan_dialog import LoanDialog

        if self.loan_dialog is not None and self.loan_dialog.isVisible():
            self.loan_dialog.raise_()
            return self.loan_dialog
        self.loan_dialog = LoanDialog(self.ctx, loan, scanned_tag=tag, parent=self.window())
        self.loan_dialog.returned.connect(self._returned)
        self.loan_dialog.finished.connect(lambda _r: self.refocus())
        self.loan_dialog.open()
        self.loan_opened.emit(self.loan_dialog)
        return self.loan_dialog

    def _returned(self, loan: LoanRecord, tags: list) -> None:
        self._clear_result()
        self.last_loan = loan
        left = len(loan.open_items)
        text = _("{tags} の返却を受け付けました({ref})。").format(tags="、".join(tags), ref=loan.reference)
        text += _("この貸出はすべて返却済みです。") if left == 0 else _("まだ {n} 台が貸出中です。").format(n=left)
        self.result_line.show_message(text, "ok")
        if tags and any(i.returned_at is not None for i in loan.items):
            self.receipt_loan = loan
            self.receipt_button.setEnabled(True)
            self.receipt_button.show()

    def print_slip(self) -> None:
        if self.last_loan is not None and self.slip_button.isEnabled():
            print_loan_document(self.ctx, self, "slip", self.last_loan)

    def print_receipt(self) -> None:
        if self.receipt_loan is not None and self.receipt_button.isEnabled():
            print_loan_document(self.ctx, self, "receipt", self.receipt_loan)
