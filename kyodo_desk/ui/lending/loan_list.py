"""貸出記録: every loan, newest first — the list the search box's 「すべて表示」 opens for 貸出
(filtered by the same words), with 貸出中 / 返却済み.  Enter opens the loan (return, extend)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.loan_list import LoanFilter
from kyodo_desk.services.loans import LoanRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.lending.common import choice_combo
from kyodo_desk.ui.lending.loan_model import LoanTableModel
from kyodo_desk.ui.widgets.list_filter import TextFilter, empty_note, show_empty, words_text
from kyodo_desk.ui.widgets.page import plain_label
from kyodo_desk.ui.widgets.record_list import record_list

_WIDTHS = [110, 136, 240, 110, 170, 136, 90]


class LoansTab(QWidget):
    open_requested = Signal(int)  # loan id: the page opens its window
    loaded = Signal()

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        filters = QHBoxLayout()
        self.text_filter = TextFilter(_("L2026-00123(貸出番号)"), self.apply_filter)
        self.state_filter = choice_combo([("open", _("貸出中")), ("closed", _("返却済み"))], (_("すべての状況"), None))
        self.count_label = plain_label()
        self.count_label.setObjectName("hint")
        self.count_label.setMinimumWidth(self.count_label.fontMetrics().horizontalAdvance("00,000 件") + 8)
        self.clear_button = QPushButton(_("条件をクリア"))
        self.clear_button.setAutoDefault(False)
        self.clear_button.hide()
        self.clear_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.text_filter.label)
        filters.addWidget(self.text_filter, 1)
        filters.addWidget(self.state_filter)
        filters.addWidget(self.count_label)
        filters.addWidget(self.clear_button)
        layout.addLayout(filters)

        self.model = LoanTableModel(ctx)
        self.model.setParent(self)
        self.table = record_list(self.model, widths=_WIDTHS, stretch=2, name="loanTable")
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        self.text_filter.lead_to(self.table)  # Down or Tab from the box: the loans, not 状況
        self.empty = empty_note()
        layout.addWidget(self.empty)
        hint = plain_label(_("Enter またはダブルクリックで貸出を開きます(返却・延長・督促の記録)。"))
        hint.setObjectName("hint")
        layout.addWidget(hint)

        self.state_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.model.loaded.connect(self._loaded)
        ctx.events.data_changed.connect(self._data_changed)
        self.model.reload()

    def current_filter(self) -> LoanFilter:
        return LoanFilter(self.text_filter.words(), self.state_filter.currentData())

    def apply_filter(self) -> None:
        self.text_filter.stop()
        self.model.set_filter(self.current_filter())

    def clear_filters(self) -> None:
        self.state_filter.blockSignals(True)
        self.state_filter.setCurrentIndex(0)
        self.state_filter.blockSignals(False)
        self.text_filter.blockSignals(True)
        self.text_filter.clear()
        self.text_filter.blockSignals(False)
        self.apply_filter()

    def active_filters(self) -> list[str]:
        state = [self.state_filter.currentText()] if self.state_filter.currentData() else []
        return [words_text(self.text_filter), *state]

    def _loaded(self) -> None:
        total = self.model.total
        self.count_label.setText(_("{n} 件").format(n=format_number(total or 0)))
        show_empty(self.empty, _("貸出"), total, self.active_filters())
        self.clear_button.setVisible(self.empty.isVisibleTo(self))
        self.loaded.emit()

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind in ("loan", "device", "organization") and self.model.total is not None:
            self.model.reload(keep_loaded=True)

    def current(self) -> LoanRecord | None:
        return self.model.record(self.table.currentIndex().row())

    def _activated(self, index) -> None:
        loan = self.model.record(index.row())
        if loan is not None:
            self.open_requested.emit(loan.id)
