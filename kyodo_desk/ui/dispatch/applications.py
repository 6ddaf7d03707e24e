"""The list of dispatch applications with filters (fiscal year, status, organization)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from kyodo_desk.domain.dispatch import DispatchType, Field, SessionStatus, Status
from kyodo_desk.i18n import N_, _
from kyodo_desk.services.dispatch import ApplicationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.common import combo, fiscal_year_combo, when_text
from kyodo_desk.ui.dispatch.org_picker import OrganizationPicker
from kyodo_desk.ui.widgets.page import plain_label

COLUMNS = [N_("受付番号"), N_("受付日"), N_("団体"), N_("テーマ"), N_("種類"), N_("分野"), N_("状態"), N_("派遣日時"), N_("アドバイザー")]


_FIXED = {4: 104, 5: 104, 8: 96}  # 種類, 分野, アドバイザー (full text in the tooltip)
NEEDS_ACTION = ("received", "scheduling", "postponed", "done", "reported")  # the desk has something to do


def _next_visit(app: ApplicationRecord):
    live = [s for s in app.sessions if s.start_at and s.status != SessionStatus.CANCELLED.value]
    return live[0] if live else None


class ApplicationTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[ApplicationRecord] = []

    def set_rows(self, rows: list[ApplicationRecord]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        app = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return app
        if role == Qt.ItemDataRole.FontRole and index.column() == 6 and app.status in NEEDS_ACTION:
            font = QFont()
            font.setBold(True)
            return font
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole + 1):
            return None
        visit = _next_visit(app)
        sort = role == Qt.ItemDataRole.UserRole + 1
        c = index.column()
        if c == 0:
            return app.reference
        if c == 1:
            return app.received_on.isoformat() if sort else f"{app.received_on:%Y/%m/%d}"
        if c == 2:
            return app.organization_name
        if c == 3:
            return app.topic
        if c == 4:
            return DispatchType(app.dispatch_type).label()
        if c == 5:
            return Field(app.field).label()
        if c == 6:
            return list(Status).index(Status(app.status)) if sort else app.status_label
        if c == 7:
            if sort:
                return visit.start_at.isoformat() if visit else ""
            more = len([s for s in app.sessions if s.status != SessionStatus.CANCELLED.value]) - 1
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(when_text(s.start_at, s.end_at) for s in app.sessions if s.start_at) or _("未定")
            return (when_text(visit.start_at) if visit else _("未定")) + (_(" ほか{n}回").format(n=more) if more > 0 else "")
        return "、".join(sorted({s.advisor_name for s in app.sessions if s.advisor_name and s.status != SessionStatus.CANCELLED.value}))


class ApplicationsTab(QWidget):
    open_requested = Signal(int)  # application id
    new_requested = Signal()
    loaded = Signal()

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self._seq = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        filters = QHBoxLayout()
        self.fiscal_year = fiscal_year_combo(with_all=True)
        self.status = combo(Status.choices(), (None, _("すべての状態")))
        self.organization = OrganizationPicker(ctx, placeholder=_("団体で絞り込み(名前・カナ・団体番号)"), compact=True)
        self.count_label = plain_label()
        self.count_label.setObjectName("hint")
        self.new_button = QPushButton(_("新しい申請 (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_requested.emit)
        filters.addWidget(self.fiscal_year)
        filters.addWidget(self.status)
        filters.addWidget(self.organization, 1)
        filters.addWidget(self.count_label)
        filters.addWidget(self.new_button)
        layout.addLayout(filters)

        self.model = ApplicationTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole + 1)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 12)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
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
        hint = plain_label(_("Enter またはダブルクリックで申請を開きます(日程の決定・手続き・書類)。"))
        hint.setObjectName("hint")
        layout.addWidget(hint)

        self.fiscal_year.currentIndexChanged.connect(lambda _i: self.reload())
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.organization.chosen.connect(lambda _o: self.reload())
        shortcut = QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_requested.emit)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.reload()

    def reload(self) -> None:
        self._seq += 1
        seq = self._seq
        fy, status, org_id = self.fiscal_year.currentData(), self.status.currentData(), self.organization.organization_id()
        actor, dispatch = self.ctx.require_actor(), self.ctx.services.dispatch
        self.ctx.tasks.run(lambda _p: dispatch.list(actor, fiscal_year=fy, status=status, organization_id=org_id),
                           on_done=lambda rows: self._fill(seq, rows), owner=self)

    def _fill(self, seq: int, rows: list[ApplicationRecord]) -> None:
        if seq != self._seq:
            return
        current = self.current()
        self.model.set_rows(rows)
        self.count_label.setText(_("{n} 件").format(n=len(rows)))
        if current is not None:
            self.select(current.id)
        self.loaded.emit()

    def current(self) -> ApplicationRecord | None:
        index = self.table.currentIndex()
        return self.proxy.data(self.proxy.index(index.row(), 0), Qt.ItemDataRole.UserRole) if index.isValid() else None

    def select(self, app_id: int) -> bool:
        for r in range(self.proxy.rowCount()):
            if self.proxy.data(self.proxy.index(r, 0), Qt.ItemDataRole.UserRole).id == app_id:
                self.table.selectRow(r)
                return True
        return False

    def _activated(self, index: QModelIndex) -> None:
        app = self.proxy.data(self.proxy.index(index.row(), 0), Qt.ItemDataRole.UserRole)
        if app is not None:
            self.open_requested.emit(app.id)
