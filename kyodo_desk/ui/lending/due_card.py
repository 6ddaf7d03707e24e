"""The home page card 「今日返却予定・延滞中の貸出」: each open loan due today or overdue, with the
borrower's contacts.  Clicking a line opens the loan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.loans import LoanRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.lending.common import ERROR_COLOR, md
from kyodo_desk.ui.widgets.page import Card, plain_label

MAX_LINES = 12


class DueLoansCard(Card):
    loaded = Signal()

    def __init__(self, ctx: AppContext, today: dt.date, open_loan: Callable[[int], object] | None = None):
        super().__init__(_("今日返却予定・延滞中の貸出"))
        self.ctx, self.today, self.open_loan = ctx, today, open_loan
        self.loans: list[LoanRecord] = []
        self._gen = 0
        self.summary = plain_label("…")
        self.body.addWidget(self.summary)
        self.list = QListWidget()
        self.list.setObjectName("dueLoans")
        self.list.setMinimumHeight(200)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.body.addWidget(self.list)
        self.body.addStretch(1)  # with an empty (hidden) list the summary stays under the heading
        ctx.events.data_changed.connect(lambda kind, _ids: self.refresh() if kind == "loan" else None)

    def refresh(self) -> None:
        actor = self.ctx.require_actor()
        if not actor.can(Permission.LENDING_OPERATE):
            self.summary.setText(_("貸出の情報を見る権限がありません。"))
            self.list.hide()
            return
        loans, today = self.ctx.services.loans, self.today
        self._gen += 1
        gen = self._gen
        self.ctx.tasks.run(lambda _p: loans.due(actor, today), on_done=lambda r: self._show(gen, r), owner=self)

    def _show(self, gen: int, result) -> None:
        if gen != self._gen:
            return
        due_today, overdue = result
        self.loans = list(overdue) + list(due_today)
        self.summary.setText(
            _("延滞 {b} 件 ・ 今日返却予定 {a} 件").format(
                a=format_number(len(due_today)), b=format_number(len(overdue))
            )
            if self.loans
            else _("今日返却予定の貸出と延滞中の貸出はありません。")
        )
        self.list.clear()
        for loan in self.loans[:MAX_LINES]:
            late = loan.days_overdue(self.today)
            state = _("延滞{n}日").format(n=late) if late else _("今日まで")
            text = _("{state}  {org}\n{ref} ・ {n}台 ・ {due}まで ・ {name} {phone}").format(
                state=state,
                org=loan.organization_name,
                ref=loan.reference,
                n=len(loan.open_items),
                due=md(loan.due_on),
                name=loan.responsible_name,
                phone=loan.contact_phone or loan.organization_phone,
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, loan.id)
            if late:
                item.setForeground(ERROR_COLOR)
            self.list.addItem(item)
        if len(self.loans) > MAX_LINES:
            more = QListWidgetItem(
                _("ほか {n} 件 — 「機器貸出」の「返却予定・延滞」で全部見られます").format(
                    n=format_number(len(self.loans) - MAX_LINES)
                )
            )
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(more)
        self.list.setVisible(bool(self.loans))
        self.loaded.emit()

    def _activated(self, item: QListWidgetItem) -> None:
        loan_id = item.data(Qt.ItemDataRole.UserRole)
        if loan_id is not None and self.open_loan is not None:
            self.open_loan(loan_id)
