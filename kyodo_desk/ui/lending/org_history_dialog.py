"""An organization's loans, newest first: reference, dates, whether it is still out, which devices,
and how many days late.  Double-click a loan to open it at the lending desk."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from kyodo_desk.i18n import _, format_date, format_number
from kyodo_desk.services.loans import LoanRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.lending.common import ERROR_COLOR, MUTED_COLOR, Row, make_table
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen


def days_late(loan: LoanRecord, today: dt.date) -> int:
    """Days past the due date: until today for a loan still out, until the last return for a closed one."""
    if loan.status == "open":
        return loan.days_overdue(today)
    back = [i.returned_at.date() for i in loan.items if i.returned_at is not None]
    return max(0, (max(back) - loan.due_on).days) if back else 0


class OrganizationLoanHistoryDialog(QDialog):
    loaded = Signal()

    def __init__(self, ctx: AppContext, organization_id: int, organization_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.organization_id = ctx, organization_id
        self.loans: list[LoanRecord] = []
        self.setObjectName("orgLoanHistory")
        self.setWindowTitle(_("{name} の貸出履歴").format(name=organization_name))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(_("{name} の貸出履歴").format(name=organization_name)))
        self.summary = plain_label(_("読み込み中…"))
        self.summary.setObjectName("hint")
        layout.addWidget(self.summary)
        self.table = make_table(
            [_("貸出番号"), _("貸出日"), _("返却予定日"), _("状態"), _("機器"), _("延滞")], stretch=4
        )
        self.table.doubleClicked.connect(lambda index: self.open_loan(index.row()))
        layout.addWidget(self.table, 1)
        hint = plain_label(_("ダブルクリックで貸出を開きます。"))
        hint.setObjectName("hint")
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("閉じる"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 900, 520)
        actor, loans = ctx.require_actor(), ctx.services.loans
        ctx.tasks.run(lambda _p: loans.history(actor, organization_id=organization_id), on_done=self._show, owner=self)

    def _show(self, loans: list[LoanRecord]) -> None:
        self.loans = loans
        today = dt.date.today()
        rows = []
        for loan in loans:
            out = loan.status == "open"
            late = days_late(loan, today)
            devices = "、".join(
                i.device.asset_tag + (_("(返却済)") if out and i.returned_at else "") for i in loan.items
            )
            rows.append(
                Row(
                    [
                        loan.reference,
                        format_date(loan.out_at.date()),
                        format_date(loan.due_on),
                        _("貸出中") if out else _("返却済"),
                        devices,
                        _("{n} 日").format(n=late) if late else "",
                    ],
                    data=loan.id,
                    color=(ERROR_COLOR if late else None) if out else MUTED_COLOR,
                )
            )
        self.table.set_rows(rows)
        still_out = sum(1 for loan in loans if loan.status == "open")
        self.summary.setText(
            _("{n} 件(うち貸出中 {k} 件)").format(n=format_number(len(loans)), k=format_number(still_out))
            if loans
            else _("この団体への貸出はまだありません。")
        )
        self.loaded.emit()

    def open_loan(self, row: int) -> bool:
        """Open the loan on the lending page of the main window (if there is one)."""
        if not 0 <= row < len(self.loans):
            return False
        window = self.parentWidget().window() if self.parentWidget() is not None else None
        page = getattr(window, "pages", {}).get("lending")
        if page is None or not hasattr(page, "open_loan"):
            return False
        page.open_loan(self.loans[row].id)
        self.accept()
        return True
