"""One loan: who has it, until when, its devices — return some or all of them, extend it, print.

Opened by scanning a device that is out (the scanned device is ticked for return), from the
overdue list, or from the search box.  More devices of the same loan can be scanned into the
dialog.  Each ticked device is returned with its own accessories, condition and state; a
multi-device loan can come back in parts.

Keys: a scan (code + Enter) only ever ticks a device — Enter never returns anything, wherever the
cursor is: no button here is a default button (a code scanned while a tick box or list has focus
reaches the scan field by the app-wide rule in ui/keys.py).  Returning is Ctrl+Enter (either Enter key) or a click on 「返却する」.  An
accessory still 未確認 stops the return with the device and accessory named.  返却受領書 is offered
only once something of this loan has come back, and not while an error is showing.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.lending import DeviceKind, DeviceState
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.inventory import normalize_tag
from kyodo_desk.services.loans import LoanRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.lending.common import (
    LENDING_STYLE,
    MUTED_COLOR,
    MessageLine,
    ScanField,
    confirm_shortcuts,
    md,
    no_default_buttons,
    when,
)
from kyodo_desk.ui.lending.print_path import print_loan_document
from kyodo_desk.ui.lending.return_form import ReturnItemForm
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.date_edit import DateTimeField, date_problem
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen


class LoanDialog(QDialog):
    returned = Signal(object, list)  # LoanRecord after the return, tags returned
    renewed = Signal(object)

    def __init__(
        self, ctx: AppContext, loan: LoanRecord, *, scanned_tag: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx, self.loan = ctx, loan
        self.setObjectName("loanDialog")
        self.setStyleSheet(STYLE_SHEET + LENDING_STYLE)
        self.setWindowTitle(_("貸出 {ref}").format(ref=loan.reference))
        self.errors = FieldErrors()
        self.forms: dict[int, ReturnItemForm] = {}
        self._saving = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(8)
        layout.addWidget(page_title(_("貸出 {ref} — {org}").format(ref=loan.reference, org=loan.organization_name)))
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.state_line = MessageLine()
        layout.addWidget(self.state_line)
        self.message = MessageLine()
        self.message.setObjectName("loanMessage")
        layout.addWidget(self.message)
        self.scan = ScanField(_("同じ貸出の機器を続けてスキャンすると、返却するものに加わります"))
        self.scan.scanned.connect(self.scanned)
        self.scan.empty_enter.connect(self._empty_enter)
        layout.addWidget(self.scan)

        body = QHBoxLayout()
        self.items = QListWidget()
        self.items.setObjectName("loanItems")
        self.items.setMinimumWidth(300)
        self.items.setMaximumWidth(360)
        self.items.currentRowChanged.connect(lambda row: self.stack.setCurrentIndex(max(row, 0)))
        self.stack = QStackedWidget()
        body.addWidget(self.items)
        body.addWidget(self.stack, 1)
        layout.addLayout(body, 1)

        when_form = self.when_form = QFormLayout()
        self.backdate = QCheckBox(_("返却日時をさかのぼって記録する(記録漏れのとき)"))
        self.returned_at = DateTimeField()
        self.backdate_reason = QLineEdit()
        when_form.addRow("", self.backdate)
        self.returned_row = self.errors.add_row(when_form, "returned_at", _("返却日時"), self.returned_at)
        self.reason_row = self.errors.add_row(when_form, "backdate_reason", _("さかのぼる理由"), self.backdate_reason)
        self.backdate.toggled.connect(self._backdate_toggled)
        self._backdate_toggled(False)
        layout.addLayout(when_form)

        buttons = QHBoxLayout()
        self.return_button = QPushButton(_("返却する (Ctrl+Enter)"))
        self.return_button.setToolTip(_("チェックした機器を返却します。スキャンの Enter では返却されません。"))
        self.return_button.setObjectName("returnDevices")
        self.return_button.clicked.connect(self.return_selected)
        self.all_back_button = QPushButton(_("付属品をすべて返却にする"))
        self.all_back_button.clicked.connect(self._tick_all_current)
        self.renew_button = QPushButton(_("延長…"))
        self.renew_button.setObjectName("renewLoan")
        self.renew_button.clicked.connect(self.open_renew)
        self.slip_button = QPushButton(_("借用書を印刷…"))
        self.slip_button.clicked.connect(lambda: print_loan_document(self.ctx, self, "slip", self.loan))
        self.receipt_button = QPushButton(_("返却受領書を印刷…"))
        self.receipt_button.setObjectName("loanReceipt")
        self.receipt_button.clicked.connect(self.print_receipt)
        close = QPushButton(_("閉じる"))
        close.clicked.connect(self.reject)
        for b in (self.return_button, self.all_back_button, self.renew_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (self.slip_button, self.receipt_button, close):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        no_default_buttons(self)
        confirm_shortcuts(self, self.return_selected)

        self._show_loan(loan)
        if scanned_tag:
            self.tick(normalize_tag(scanned_tag))
        fit_to_screen(self, 960, 680)
        self.scan.setFocus()

    # ---- showing -------------------------------------------------------------------------
    def _show_loan(self, loan: LoanRecord) -> None:
        self.loan = loan
        today = dt.date.today()
        late = loan.days_overdue(today)
        state = _("返却済み") if loan.status == "closed" else (_("延滞 {n} 日").format(n=late) if late else _("貸出中"))
        self.summary.setText(
            _(
                "責任者: {name} ・ 貸出中の連絡先: {phone} ・ 団体の電話: {org_phone}\n貸出: {out}({staff}) ・ 返却予定: {due}\n利用目的: {purpose}"
            ).format(
                name=loan.responsible_name,
                phone=loan.contact_phone,
                org_phone=loan.organization_phone or "—",
                out=when(loan.out_at),
                staff=loan.staff_name or "—",
                due=md(loan.due_on),
                purpose=loan.purpose or "—",
            )
        )
        self.state_line.show_message(state, "error" if late else ("info" if loan.status == "closed" else "ok"))
        keep = {
            i: self.forms[i]
            for i in self.forms
            if any(it.device.id == i and it.returned_at is None for it in loan.items)
        }
        ticked = set(self.ticked_ids())
        self.items.clear()
        while self.stack.count():
            self.stack.removeWidget(self.stack.widget(0))
        self.forms = {}
        for item in loan.items:
            row = QListWidgetItem()
            if item.returned_at is None:
                row.setText(f"{item.device.asset_tag}  {_kind(item.device.kind)}")
                row.setToolTip(item.device.name)
                row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
                row.setCheckState(Qt.CheckState.Checked if item.device.id in ticked else Qt.CheckState.Unchecked)
                form = keep.get(item.device.id) or ReturnItemForm(item)
                self.forms[item.device.id] = form
                self.stack.addWidget(form)
            else:
                state_label = DeviceState(item.result_state).label() if item.result_state else ""
                row.setText(
                    _("{tag}  返却済み {when}({state})").format(
                        tag=item.device.asset_tag, when=when(item.returned_at), state=state_label
                    )
                )
                row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                row.setForeground(MUTED_COLOR)
                self.stack.addWidget(
                    plain_label(
                        _("{tag} は {when} に返却済みです。").format(
                            tag=item.device.asset_tag, when=when(item.returned_at)
                        )
                    )
                )
            row.setData(Qt.ItemDataRole.UserRole, item.device.id)
            self.items.addItem(row)
        open_now = loan.status == "open"
        for w in (self.return_button, self.all_back_button, self.renew_button, self.scan):
            w.setEnabled(open_now)
        self._update_receipt()
        self.items.setCurrentRow(0)

    def has_returns(self) -> bool:
        return any(item.returned_at is not None for item in self.loan.items)

    def _update_receipt(self) -> None:
        """返却受領書 only for a loan of which something has come back, and not next to an error."""
        self.receipt_button.setEnabled(
            self.has_returns() and not (self.message.text() and self.message.tone == "error")
        )

    def _say(self, text: str, tone: str) -> None:
        self.message.show_message(text, tone)
        self._update_receipt()

    def print_receipt(self) -> None:
        if self.receipt_button.isEnabled() and self.has_returns():
            print_loan_document(self.ctx, self, "receipt", self.loan)

    def _backdate_toggled(self, on: bool) -> None:
        if on:
            self.returned_at.setDateTime(QDateTime.currentDateTime().addSecs(-3600 * 20))
        self.when_form.setRowVisible(self.returned_row, on)
        self.when_form.setRowVisible(self.reason_row, on)

    def _tick_all_current(self) -> None:
        form = self.stack.currentWidget()
        if isinstance(form, ReturnItemForm):
            form.tick_all()

    # ---- choosing devices -------------------------------------------------------------------
    def row_of(self, device_id: int) -> int | None:
        return next(
            (r for r in range(self.items.count()) if self.items.item(r).data(Qt.ItemDataRole.UserRole) == device_id),
            None,
        )

    def form_for(self, tag: str) -> ReturnItemForm | None:
        return next((f for f in self.forms.values() if f.item.device.asset_tag == normalize_tag(tag)), None)

    def tick(self, tag: str) -> bool:
        form = self.form_for(tag)
        if form is None:
            return False
        row = self.row_of(form.item.device.id)
        self.items.item(row).setCheckState(Qt.CheckState.Checked)
        self.items.setCurrentRow(row)
        return True

    def scanned(self, code: str) -> None:
        tag = normalize_tag(code)
        if self.tick(tag):
            form = self.form_for(tag)
            self._say(
                _(
                    "{tag} を返却するものに加えました。付属品を確かめて、「返却する」(Ctrl+Enter)を押してください。"
                ).format(tag=tag),
                "ok",
            )
            self.scan.setFocus()
            if form is not None:
                form.errors.clear()
        else:
            self._say(_("{tag} はこの貸出の返却待ちの機器ではありません。").format(tag=tag), "error")

    def _empty_enter(self) -> None:
        self._say(
            _("返却するときは Ctrl+Enter か「返却する」ボタンを押してください(Enter だけでは返却しません)。"), "info"
        )

    def ticked_ids(self) -> list[int]:
        return [
            self.items.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(self.items.count())
            if self.items.item(r).checkState() == Qt.CheckState.Checked
            and self.items.item(r).data(Qt.ItemDataRole.UserRole) in self.forms
        ]

    # ---- returning ----------------------------------------------------------------------------
    def return_selected(self) -> None:
        if self._saving or self.loan.status != "open":
            return
        ids = self.ticked_ids()
        if date_problem(self) is not None:  # a date that cannot be read: its field says why and keeps it
            return
        if not ids:
            self._say(_("返却する機器にチェックを入れてください(機器をスキャンしても入ります)。"), "error")
            return
        for device_id in ids:  # an accessory nobody has checked yet: say which, store nothing
            form = self.forms[device_id]
            unchecked = form.unchecked()
            if unchecked:
                text = _(
                    "{tag} の付属品「{names}」がまだ確認されていません。戻ったものにチェックを入れ、ないものは「欠品」か「破損」を選んでください。"
                ).format(tag=form.item.device.asset_tag, names="」「".join(unchecked))
                form.errors.show({"accessories": text})
                self.items.setCurrentRow(self.row_of(device_id))
                self._say(
                    _("まだ返却していません。{tag} の付属品 {n} 点が未確認です(赤い枠の中)。").format(
                        tag=form.item.device.asset_tag, n=len(unchecked)
                    ),
                    "error",
                )
                form.focus_unchecked()
                return
        returned_at = (
            self.returned_at.dateTime().toPython().replace(second=0, microsecond=0)
            if self.backdate.isChecked()
            else None
        )
        reason = self.backdate_reason.text() if self.backdate.isChecked() else ""
        requests = [self.forms[i].request(returned_at, reason) for i in ids]
        for form in self.forms.values():
            form.errors.clear()
        self.errors.clear()
        self._saving = True
        self.return_button.setEnabled(False)
        actor, loans = self.ctx.require_actor(), self.ctx.services.loans

        def work(_p):
            done, last = [], None
            for req in requests:
                try:
                    last = loans.return_device(actor, req)
                except Exception as exc:  # noqa: BLE001 - shown next to the device it is about
                    return done, req.device_id, exc, last
                done.append(req.device_id)
            return done, None, None, last

        self.ctx.tasks.run(work, on_done=self._returned, write=True, owner=self)

    def _returned(self, result) -> None:
        self._saving = False
        self.return_button.setEnabled(True)
        done, failed_id, exc, last = result
        tags = [self.forms[i].item.device.asset_tag for i in done]
        form = self.forms.get(failed_id)
        if done:
            self.ctx.events.emit_changed("loan", [self.loan.id])
            self.ctx.events.emit_changed("device", done)
            self.returned.emit(last, tags)
            self._show_loan(last)
        if exc is None:
            self.accept()
            return
        if done:
            self._say(_("{tags} は返却しました。次の機器は返却できませんでした。").format(tags="、".join(tags)), "warn")
        if isinstance(exc, ValidationError):
            if form is not None:
                form.errors.show(exc.errors)
                self.items.setCurrentRow(self.row_of(failed_id))
            self.errors.show(exc.errors)
            self._say(
                _("{tag} を返却できませんでした。赤い項目を直してから、もう一度「返却する」を押してください。").format(
                    tag=form.item.device.asset_tag if form else ""
                )
                + "\n"
                + "\n".join(exc.errors.values()),
                "error",
            )
        elif isinstance(exc, ServiceError):
            self._say(str(exc), "error")
        else:
            report_error(self, exc, self.ctx.log_file)

    # ---- renewing ---------------------------------------------------------------------------
    def open_renew(self):
        from kyodo_desk.ui.lending.renew_dialog import RenewDialog

        self.renew_dialog = RenewDialog(self.ctx, self.loan, self)
        self.renew_dialog.renewed.connect(self._renewed)
        self.renew_dialog.open()
        return self.renew_dialog

    def _renewed(self, loan: LoanRecord) -> None:
        self._show_loan(loan)
        self._say(_("返却予定日を {due} に延長しました。").format(due=md(loan.due_on)), "ok")
        self.renewed.emit(loan)


def _kind(kind: str) -> str:
    return DeviceKind(kind).label()
