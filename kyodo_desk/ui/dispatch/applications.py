"""The list of dispatch applications with filters (words, fiscal year, status, organization).

Lazy like the other long lists: the first page loads, more arrive as the table scrolls
(ApplicationTableModel); newest first, as the database orders them (no header sorting)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.dispatch import Status
from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.dispatch import ApplicationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.application_model import COLUMNS, NEEDS_ACTION, ApplicationFilter, ApplicationTableModel  # noqa: F401
from kyodo_desk.ui.dispatch.common import combo, fiscal_year_combo
from kyodo_desk.ui.dispatch.org_picker import OrganizationPicker
from kyodo_desk.ui.widgets.list_filter import TextFilter, empty_note, show_empty, words_text
from kyodo_desk.ui.widgets.page import plain_label
from kyodo_desk.ui.widgets.record_list import record_list

_FIXED = {4: 104, 5: 104, 8: 96}  # 種類, 分野, アドバイザー (full text in the tooltip)


class ApplicationsTab(QWidget):
    open_requested = Signal(int)  # application id
    new_requested = Signal()
    loaded = Signal()

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self._keep_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        filters = QHBoxLayout()
        self.text_filter = TextFilter(_("防災講座・D2025-00012・会場"), self.reload)
        self.fiscal_year = fiscal_year_combo(with_all=True)
        self.status = combo(Status.choices(), (None, _("すべての状態")))
        self.organization = OrganizationPicker(ctx, placeholder=_("団体で絞り込み(名前・カナ・団体番号)"), compact=True)
        self.count_label = plain_label()
        self.count_label.setObjectName("hint")
        self.new_button = QPushButton(_("新しい申請 (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_requested.emit)
        filters.addWidget(self.text_filter.label)
        filters.addWidget(self.text_filter, 1)
        filters.addWidget(self.fiscal_year)
        filters.addWidget(self.status)
        filters.addWidget(self.organization, 1)
        filters.addWidget(self.count_label)
        filters.addWidget(self.new_button)
        layout.addLayout(filters)

        self.model = ApplicationTableModel(ctx)
        self.model.setParent(self)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        self.model.loaded.connect(self._loaded)
        self.table = record_list(self.model)
        self.table.setSortingEnabled(False)  # newest first, as the database pages them
        header = self.table.horizontalHeader()
        for c in range(len(COLUMNS)):  # names and topics share what is left
            if c in (2, 3):
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
            elif c in _FIXED:
                self.table.setColumnWidth(c, _FIXED[c])
            else:
                header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        self.text_filter.lead_to(self.table)  # Down or Tab from the box: the applications, not 年度
        self.empty = empty_note()
        layout.addWidget(self.empty)
        hint = plain_label(_("Enter またはダブルクリックで申請を開きます(日程の決定・手続き・書類)。"))
        hint.setObjectName("hint")
        layout.addWidget(hint)

        self.fiscal_year.currentIndexChanged.connect(lambda _i: self.reload())
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.organization.chosen.connect(lambda _o: self.reload())
        shortcut = QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_requested.emit)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.reload()

    def current_filter(self) -> ApplicationFilter:
        return ApplicationFilter(
            self.fiscal_year.currentData(),
            self.status.currentData() or None,
            self.organization.organization_id(),
            self.text_filter.words(),
        )

    def active_filters(self) -> list[str]:
        """The filters in force, as the person reads them (「「防災」」、令和7年度(2025)、受付)."""
        out = [words_text(self.text_filter)]
        out += [c.currentText() for c in (self.fiscal_year, self.status) if c.currentData()]
        if self.organization.organization_id() is not None:
            out.append(self.organization.edit.text())
        return out

    def apply_filter(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Load again: page 1 for a new filter, else as many rows as are loaded now (selection kept)."""
        self.text_filter.stop()
        flt = self.current_filter()
        if flt != self.model.filter or self.model.total is None:
            self.model.set_filter(flt)
        else:
            self.model.reload(keep_loaded=True)

    def _remember_current(self) -> None:
        current = self.current()
        self._keep_id = current.id if current is not None else None

    def _loaded(self) -> None:
        self.count_label.setText(_("{n} 件").format(n=format_number(self.model.total or 0)))
        show_empty(self.empty, _("派遣申請"), self.model.total, self.active_filters())
        if self._keep_id is not None:
            self.select(self._keep_id)
        self._keep_id = None
        self.loaded.emit()

    def current(self) -> ApplicationRecord | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def select(self, app_id: int) -> bool:
        """Select *app_id* if it is among the loaded rows (never loads the whole list to find it)."""
        row = self.model.row_of(app_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def _activated(self, index: QModelIndex) -> None:
        app = self.model.record(index.row())
        if app is not None:
            self.open_requested.emit(app.id)
