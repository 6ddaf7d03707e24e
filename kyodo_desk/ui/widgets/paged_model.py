"""The lazy list behind every long table (organizations, consultations, devices ...).

Only the first page is loaded; more pages arrive as the view scrolls (canFetchMore/fetchMore).
Every query runs off the GUI thread; a result that arrives after the filter or sort changed is
dropped (each load carries a generation number).  Subclasses say how to count and how to fetch
one page (both called on a worker thread, with the filter captured at call time) and how to show
a row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from kyodo_desk.i18n import _
from kyodo_desk.ui.context import AppContext


class PagedTableModel(QAbstractTableModel):
    loaded = Signal()  # a (re)load finished: rows and total are fresh
    fetched = Signal(int)  # another page arrived (rows now loaded)

    headers: list[str] = []  # msgids, translated when shown

    def __init__(self, ctx: AppContext, *, page_size: int, initial_filter: Any):
        super().__init__()
        self.ctx = ctx
        self.page_size = page_size
        self.rows: list = []
        self.total: int | None = None
        self.filter = initial_filter
        self._generation = 0
        self._fetching = False

    # ---- what subclasses provide -------------------------------------------------------------
    def page_query(self, offset: int, limit: int) -> Callable[[], list]:
        """A call (run on a worker) that returns one page for the current filter/sort."""
        raise NotImplementedError

    def count_query(self) -> Callable[[], int]:
        """A call (run on a worker) that returns the number of rows for the current filter."""
        raise NotImplementedError

    # ---- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.headers)
        ):
            return _(self.headers[section])
        return None

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self.total is not None and len(self.rows) < self.total and not self._fetching

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        gen, offset = self._generation, len(self.rows)
        query = self.page_query(offset, self.page_size)
        self.ctx.tasks.run(
            lambda _p: query(),
            on_done=lambda page: self._append(gen, offset, page),
            on_error=lambda exc: self._failed(gen, exc),
            owner=self,
        )

    # ---- loading -----------------------------------------------------------------------------
    def set_filter(self, flt: Any) -> None:
        if flt != self.filter or self.total is None:
            self.filter = flt
            self.reload()

    def reload(self, *, keep_loaded: bool = False) -> None:
        """Load the count and the first page again (or as many rows as are loaded now)."""
        self._generation += 1
        self._fetching = False
        gen = self._generation
        limit = max(self.page_size, len(self.rows)) if keep_loaded else self.page_size
        count, page = self.count_query(), self.page_query(0, limit)
        self.ctx.tasks.run(
            lambda _p: (count(), page()),
            on_done=lambda result: self._reset(gen, *result),
            on_error=lambda exc: self._failed(gen, exc),
            owner=self,
        )

    def _reset(self, gen: int, total: int, rows: list) -> None:
        if gen != self._generation:
            return
        self.beginResetModel()
        self.rows, self.total = list(rows), total
        self.endResetModel()
        self.loaded.emit()

    def _append(self, gen: int, offset: int, page: list) -> None:
        if gen != self._generation or offset != len(self.rows):
            return
        self._fetching = False
        if page:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()
        else:  # the list shrank meanwhile (another desk): stop asking for more
            self.total = len(self.rows)
        self.fetched.emit(len(self.rows))

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._generation:
            self._fetching = False
            self.ctx.tasks.report_error(None, exc)

    # ---- helpers -----------------------------------------------------------------------------
    def record(self, row: int):
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, record_id: int) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.id == record_id), None)
