"""A lazy table model over LoanService.page_loans()/count_loans(): newest first, the first page now,
more as the view scrolls; every query off the GUI thread; stale results (older filter) are dropped."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush

from kyodo_desk.i18n import N_, _
from kyodo_desk.services.loan_list import LoanFilter
from kyodo_desk.services.loans import LoanRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.lending.common import ERROR_COLOR, MUTED_COLOR, md, when
from kyodo_desk.ui.widgets.paged_model import PagedTableModel

PAGE_SIZE = 100
COLUMNS = [N_("貸出番号"), N_("貸出日時"), N_("団体"), N_("責任者"), N_("機器"), N_("返却予定"), N_("状況")]
STATE_COLUMN = 6


def devices_text(loan: LoanRecord) -> str:
    tags = [i.device.asset_tag for i in loan.items]
    if len(tags) <= 2:
        return "、".join(tags)
    return _("{first} ほか{n}台").format(first="、".join(tags[:2]), n=len(tags) - 2)


def state_text(loan: LoanRecord, today: dt.date) -> str:
    if loan.status != "open":
        return _("返却済み")
    late = loan.days_overdue(today)
    return _("延滞 {n} 日").format(n=late) if late else _("貸出中")


class LoanTableModel(PagedTableModel):
    headers = COLUMNS

    def __init__(self, ctx: AppContext, *, page_size: int = PAGE_SIZE, today: dt.date | None = None):
        super().__init__(ctx, page_size=page_size, initial_filter=LoanFilter())
        self._today = today

    def page_query(self, offset: int, limit: int):
        actor, loans, flt = self.ctx.require_actor(), self.ctx.services.loans, self.filter
        return lambda: loans.page_loans(actor, flt, offset=offset, limit=limit)

    def count_query(self):
        actor, loans, flt = self.ctx.require_actor(), self.ctx.services.loans, self.filter
        return lambda: loans.count_loans(actor, flt)

    def cell(self, loan: LoanRecord, column: int) -> str:
        today = self._today or dt.date.today()
        return [
            loan.reference,
            when(loan.out_at),
            loan.organization_name,
            loan.responsible_name,
            devices_text(loan),
            f"{loan.due_on:%Y}/{md(loan.due_on)}",
            state_text(loan, today),
        ][column]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        loan: LoanRecord = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return loan
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(loan, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return "\n".join(f"{i.device.asset_tag} {i.device.model.label}" for i in loan.items)
        if role == Qt.ItemDataRole.ForegroundRole:
            if loan.status != "open":
                return QBrush(MUTED_COLOR)
            if index.column() == STATE_COLUMN and loan.days_overdue(self._today or dt.date.today()):
                return QBrush(ERROR_COLOR)
        return None
