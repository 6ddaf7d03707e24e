"""A lazy table model over InventoryService.page()/count(): the first page now, more as the view
scrolls; every query off the GUI thread; stale results (older filter) are dropped."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from kyodo_desk.domain.lending import DeviceKind
from kyodo_desk.i18n import N_, _
from kyodo_desk.services.inventory import DeviceRecord
from kyodo_desk.ui.context import AppContext

PAGE_SIZE = 200

COLUMNS = [N_("管理番号"), N_("種別"), N_("メーカー・型番"), N_("状態"), N_("保管場所"), N_("シリアル番号"), N_("購入日")]
STATE_COLORS = {"on_loan": "#1f5f99", "inspection": "#8a5a00", "repair": "#b3261e", "lost": "#b3261e", "retired": "#8a949e"}


@dataclass(frozen=True)
class DeviceFilter:
    text: str = ""
    state: str | None = None
    kind: str | None = None


def _cell(d: DeviceRecord, column: int) -> str:
    return [d.asset_tag, DeviceKind(d.kind).label(), d.model.label, d.state_label, d.storage_place, d.serial,
            d.purchase_date.strftime("%Y/%m/%d") if d.purchase_date else ""][column]


class DeviceTableModel(QAbstractTableModel):
    loaded = Signal()
    fetched = Signal(int)

    def __init__(self, ctx: AppContext, *, page_size: int = PAGE_SIZE):
        super().__init__()
        self.ctx = ctx
        self.page_size = page_size
        self.rows: list[DeviceRecord] = []
        self.total: int | None = None
        self.filter = DeviceFilter()
        self._generation = 0
        self._fetching = False

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        record = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(record, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 3 and record.state in STATE_COLORS:
            return QBrush(QColor(STATE_COLORS[record.state]))
        if role == Qt.ItemDataRole.ToolTipRole and record.notes:
            return record.notes
        if role == Qt.ItemDataRole.UserRole:
            return record
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return _(COLUMNS[section])
        return None

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self.total is not None and len(self.rows) < self.total and not self._fetching

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        gen, offset, flt, limit = self._generation, len(self.rows), self.filter, self.page_size
        actor, inventory = self.ctx.require_actor(), self.ctx.services.inventory
        self.ctx.tasks.run(lambda _p: inventory.page(actor, text=flt.text, state=flt.state, kind=flt.kind, offset=offset, limit=limit),
                           on_done=lambda page: self._append(gen, offset, page), on_error=lambda exc: self._failed(gen, exc), owner=self)

    def set_filter(self, flt: DeviceFilter) -> None:
        if flt != self.filter:
            self.filter = flt
            self.reload()

    def reload(self, *, keep_loaded: bool = False) -> None:
        self._generation += 1
        self._fetching = False
        gen, flt = self._generation, self.filter
        limit = max(self.page_size, len(self.rows)) if keep_loaded else self.page_size
        actor, inventory = self.ctx.require_actor(), self.ctx.services.inventory

        def load(_p):
            return (inventory.count(actor, text=flt.text, state=flt.state, kind=flt.kind),
                    inventory.page(actor, text=flt.text, state=flt.state, kind=flt.kind, offset=0, limit=limit))

        self.ctx.tasks.run(load, on_done=lambda r: self._reset(gen, *r), on_error=lambda exc: self._failed(gen, exc), owner=self)

    def _reset(self, gen: int, total: int, rows: list[DeviceRecord]) -> None:
        if gen != self._generation:
            return
        self.beginResetModel()
        self.rows, self.total = list(rows), total
        self.endResetModel()
        self.loaded.emit()

    def _append(self, gen: int, offset: int, page: list[DeviceRecord]) -> None:
        if gen != self._generation or offset != len(self.rows):
            return
        self._fetching = False
        if page:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()
        else:
            self.total = len(self.rows)
        self.fetched.emit(len(self.rows))

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._generation:
            self._fetching = False
            self.ctx.tasks.report_error(None, exc)

    def record(self, row: int) -> DeviceRecord | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, device_id: int) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.id == device_id), None)
