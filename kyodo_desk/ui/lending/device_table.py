"""A lazy table model over InventoryService.page()/count(): the first page now, more as the view
scrolls; every query off the GUI thread; stale results (older filter) are dropped."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kyodo_desk.domain.lending import DeviceKind
from kyodo_desk.i18n import N_
from kyodo_desk.services.inventory import DeviceRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.paged_model import PagedTableModel

PAGE_SIZE = 200

COLUMNS = [
    N_("管理番号"),
    N_("種別"),
    N_("メーカー・型番"),
    N_("状態"),
    N_("保管場所"),
    N_("シリアル番号"),
    N_("購入日"),
]
STATE_COLORS = {
    "on_loan": "#1f5f99",
    "inspection": "#8a5a00",
    "repair": "#b3261e",
    "lost": "#b3261e",
    "retired": "#8a949e",
}


@dataclass(frozen=True)
class DeviceFilter:
    text: str = ""
    state: str | None = None
    kind: str | None = None


def _cell(d: DeviceRecord, column: int) -> str:
    return [
        d.asset_tag,
        DeviceKind(d.kind).label(),
        d.model.label,
        d.state_label,
        d.storage_place,
        d.serial,
        d.purchase_date.strftime("%Y/%m/%d") if d.purchase_date else "",
    ][column]


class DeviceTableModel(PagedTableModel):
    headers = COLUMNS

    def __init__(self, ctx: AppContext, *, page_size: int = PAGE_SIZE):
        super().__init__(ctx, page_size=page_size, initial_filter=DeviceFilter())

    def page_query(self, offset: int, limit: int):
        actor, inventory, flt = self.ctx.require_actor(), self.ctx.services.inventory, self.filter
        return lambda: inventory.page(actor, text=flt.text, state=flt.state, kind=flt.kind, offset=offset, limit=limit)

    def count_query(self):
        actor, inventory, flt = self.ctx.require_actor(), self.ctx.services.inventory, self.filter
        return lambda: inventory.count(actor, text=flt.text, state=flt.state, kind=flt.kind)

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

    def record(self, row: int) -> DeviceRecord | None:
        return super().record(row)
