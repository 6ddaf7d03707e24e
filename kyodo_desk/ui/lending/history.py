"""A device's history: every state change (who, when, why) and every loan."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from kyodo_desk.domain.lending import DeviceState
from kyodo_desk.i18n import _
from kyodo_desk.services.inventory import DeviceRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.lending.common import MUTED_COLOR, Row, make_table, md, when
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen


class DeviceHistoryDialog(QDialog):
    def __init__(self, ctx: AppContext, device: DeviceRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.device = ctx, device
        self.setObjectName("deviceHistory")
        self.setWindowTitle(_("{tag} の履歴").format(tag=device.asset_tag))
        self.loaded = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(_("{tag} {name} の履歴").format(tag=device.asset_tag, name=device.name)))
        layout.addWidget(plain_label(_("状態の変更")))
        self.changes = make_table([_("日時"), _("変更前"), _("変更後"), _("担当"), _("理由")], stretch=4)
        layout.addWidget(self.changes, 1)
        layout.addWidget(plain_label(_("貸出")))
        self.loans = make_table([_("貸出番号"), _("団体"), _("貸出日"), _("返却予定"), _("返却"), _("状態")], stretch=1)
        layout.addWidget(self.loans, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("閉じる"))
        layout.addWidget(buttons)
        fit_to_screen(self, 860, 620)
        actor, sv, did = ctx.require_actor(), ctx.services, device.id
        ctx.tasks.run(
            lambda _p: (sv.inventory.history(actor, did), sv.loans.history(actor, device_id=did)),
            on_done=self._show,
            owner=self,
        )

    def _show(self, result) -> None:
        changes, loans = result
        label = lambda s: DeviceState(s).label() if s else "—"  # noqa: E731
        self.changes.set_rows(
            [
                Row([when(c.at), label(c.from_state), label(c.to_state), c.staff_name, c.reason])
                for c in reversed(changes)
            ]
        )
        today = dt.date.today()
        rows = []
        for loan in loans:
            item = next((i for i in loan.items if i.device.id == self.device.id), None)
            back = when(item.returned_at) if item and item.returned_at else ""
            state = (
                _("返却済み")
                if back
                else (_("延滞 {n} 日").format(n=loan.days_overdue(today)) if loan.days_overdue(today) else _("貸出中"))
            )
            rows.append(
                Row(
                    [loan.reference, loan.organization_name, when(loan.out_at), md(loan.due_on), back, state],
                    color=MUTED_COLOR if back else None,
                )
            )
        self.loans.set_rows(rows)
        self.loaded = True
