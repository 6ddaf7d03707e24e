"""A lazy table model over OrganizationService.page()/count().

Only the first page is loaded; more pages arrive as the view scrolls (canFetchMore/fetchMore).
Sorting happens in the database (the ``sort`` parameter), so a click on a header reloads page 1.
All queries run off the GUI thread; a result that arrives after the filter or sort changed is
dropped (each load carries a generation number).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kyodo_desk.i18n import N_, _
from kyodo_desk.services.organizations import OrganizationFilter, OrganizationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.paged_model import PagedTableModel

PAGE_SIZE = 200

# (attribute shown, header msgid, server-side sort key)
COLUMNS: list[tuple[str, str, str]] = [
    ("code", N_("団体番号"), "code"),
    ("name", N_("団体名"), "name"),
    ("name_kana", N_("カナ"), "name"),
    ("kind_label", N_("種別"), "kind"),
    ("registration_label", N_("登録状況"), "registration"),
    ("representative_name", N_("代表者"), "representative"),
    ("phone", N_("電話"), "phone"),
]
_INACTIVE = QBrush(QColor("#8a949e"))


class OrganizationTableModel(PagedTableModel):
    headers = [c[1] for c in COLUMNS]

    def __init__(self, ctx: AppContext, *, page_size: int = PAGE_SIZE):
        super().__init__(ctx, page_size=page_size, initial_filter=OrganizationFilter())
        self.sort_key = "name"
        self.descending = False

    def page_query(self, offset: int, limit: int):
        actor, orgs = self.ctx.require_actor(), self.ctx.services.organizations
        flt, key, desc = self.filter, self.sort_key, self.descending
        return lambda: orgs.page(actor, flt, offset=offset, limit=limit, sort=key, descending=desc)

    def count_query(self):
        actor, orgs, flt = self.ctx.require_actor(), self.ctx.services.organizations, self.filter
        return lambda: orgs.count(actor, flt)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        record = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = getattr(record, COLUMNS[index.column()][0]) or ""
            if role == Qt.ItemDataRole.ToolTipRole and not record.active:
                return _("{value}(休止中)").format(value=value)
            return value
        if role == Qt.ItemDataRole.ForegroundRole and not record.active:
            return _INACTIVE
        if role == Qt.ItemDataRole.UserRole:
            return record
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting happens in the database: a click on a header reloads page 1."""
        key = COLUMNS[column][2]
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending) and self._generation > 0:
            return
        self.sort_key, self.descending = key, descending
        self.reload()

    def record(self, row: int) -> OrganizationRecord | None:
        return super().record(row)
