"""A lazy table model over OrganizationService.page()/count().

Only the first page is loaded; more pages arrive as the view scrolls (canFetchMore/fetchMore).
Sorting happens in the database (the ``sort`` parameter), so a click on a header reloads page 1.
All queries run off the GUI thread; a result that arrives after the filter or sort changed is
dropped (each load carries a generation number).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from kyodo_desk.i18n import N_, _
from kyodo_desk.services.organizations import OrganizationFilter, OrganizationRecord
from kyodo_desk.ui.context import AppContext

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


class OrganizationTableModel(QAbstractTableModel):
    loaded = Signal()  # a (re)load finished; rows and total are fresh
    fetched = Signal(int)  # another page arrived (rows now loaded)

    def __init__(self, ctx: AppContext, *, page_size: int = PAGE_SIZE):
        super().__init__()
        self.ctx = ctx
        self.page_size = page_size
        self.rows: list[OrganizationRecord] = []
        self.total: int | None = None
        self.filter = OrganizationFilter()
        self.sort_key = "name"
        self.descending = False
        self._generation = 0
        self._fetching = False

    # ---- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

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

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return _(COLUMNS[section][1])
        return None

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self.total is not None and len(self.rows) < self.total and not self._fetching

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        gen, offset = self._generation, len(self.rows)
        actor, orgs = self.ctx.require_actor(), self.ctx.services.organizations
        flt, key, desc, limit = self.filter, self.sort_key, self.descending, self.page_size
        self.ctx.tasks.run(
            lambda _p: orgs.page(actor, flt, offset=offset, limit=limit, sort=key, descending=desc),
            on_done=lambda page: self._append(gen, offset, page),
            on_error=lambda exc: self._failed(gen, exc),
            owner=self,
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][2]
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending) and self._generation > 0:
            return
        self.sort_key, self.descending = key, descending
        self.reload()

    # ---- loading ---------------------------------------------------------------------------
    def set_filter(self, flt: OrganizationFilter) -> None:
        if flt != self.filter:
            self.filter = flt
            self.reload()

    def reload(self, *, keep_loaded: bool = False) -> None:
        """Load the count and the first page again (or as many rows as are loaded now)."""
        self._generation += 1
        self._fetching = False
        gen = self._generation
        limit = max(self.page_size, len(self.rows)) if keep_loaded else self.page_size
        actor, orgs = self.ctx.require_actor(), self.ctx.services.organizations
        flt, key, desc = self.filter, self.sort_key, self.descending

        def load(_p):
            return orgs.count(actor, flt), orgs.page(actor, flt, offset=0, limit=limit, sort=key, descending=desc)

        self.ctx.tasks.run(load, on_done=lambda result: self._reset(gen, *result), on_error=lambda exc: self._failed(gen, exc), owner=self)

    def _reset(self, gen: int, total: int, rows: list[OrganizationRecord]) -> None:
        if gen != self._generation:
            return
        self.beginResetModel()
        self.rows, self.total = list(rows), total
        self.endResetModel()
        self.loaded.emit()

    def _append(self, gen: int, offset: int, page: list[OrganizationRecord]) -> None:
        if gen != self._generation or offset != len(self.rows):
            return
        self._fetching = False
        if page:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()
        else:  # the list shrank meanwhile (another desk); stop asking for more
            self.total = len(self.rows)
        self.fetched.emit(len(self.rows))

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._generation:
            self._fetching = False
            self.ctx.tasks.report_error(None, exc)

    # ---- helpers ------------------------------------------------------------------------------
    def record(self, row: int) -> OrganizationRecord | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, org_id: int) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.id == org_id), None)
