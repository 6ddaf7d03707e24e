"""A short computed table (due loans, availability, statistics, a history) as a view over a list model.

Rows arrive all at once (``set_rows``): one model reset, never a cell-by-cell refill of a visible
QTableWidget (whose resize-to-contents makes the cost grow with rows²).  Column widths follow the
contents of a sample of rows.  A few QTableWidget-like helpers (``rowCount``, ``item(r, c).text()``,
``currentRow``) keep callers and tests readable."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

SAMPLE_ROWS = 100  # rows looked at to size the columns


@dataclass
class Row:
    cells: list[str]
    data: Any = None  # what the row stands for (UserRole of column 0)
    color: QColor | None = None
    tooltip: str | list[str] | None = None  # one for the row, or one per cell
    checkable: bool | None = None  # column 0 is a check box: True = can be ticked, False = greyed out


class RowsModel(QAbstractTableModel):
    def __init__(self, headers: list[str]):
        super().__init__()
        self.headers = list(headers)
        self.rows: list[Row] = []
        self.checked: set[int] = set()
        self.right_aligned: set[int] = set()

    def set_rows(self, rows: list[Row], headers: list[str] | None = None) -> None:
        self.beginResetModel()
        if headers is not None:
            self.headers = list(headers)
        self.rows = list(rows)
        self.checked = set()
        self.endResetModel()

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
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[col] if col < len(row.cells) else ""
        if role == Qt.ItemDataRole.UserRole:
            return row.data if col == 0 else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return row.color
        if role == Qt.ItemDataRole.ToolTipRole:
            if isinstance(row.tooltip, list):
                return row.tooltip[col] if col < len(row.tooltip) else None
            return row.tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole and col in self.right_aligned:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.CheckStateRole and col == 0 and row.checkable is not None:
            return Qt.CheckState.Checked if index.row() in self.checked else Qt.CheckState.Unchecked
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        row = self.rows[index.row()]
        if index.column() == 0 and row.checkable is not None:
            return (
                (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                if row.checkable
                else Qt.ItemFlag.NoItemFlags
            )
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def setData(self, index: QModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        if not self.rows[index.row()].checkable:
            return False
        on = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        (self.checked.add if on else self.checked.discard)(index.row())
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True


class _Cell:
    """What ``item(row, col)`` returns: the QTableWidgetItem calls callers use."""

    def __init__(self, model: RowsModel, row: int, col: int):
        self._model, self._index = model, model.index(row, col)

    def text(self) -> str:
        return self._model.data(self._index) or ""

    def data(self, role: int):
        return self._model.data(self._index, role)

    def row(self) -> int:
        return self._index.row()

    def checkState(self) -> Qt.CheckState:  # noqa: N802
        return self._model.data(self._index, Qt.ItemDataRole.CheckStateRole) or Qt.CheckState.Unchecked

    def setCheckState(self, state: Qt.CheckState) -> None:  # noqa: N802
        self._model.setData(self._index, state, Qt.ItemDataRole.CheckStateRole)


class RowsTable(QTableView):
    selection_changed = Signal()

    def __init__(self, headers: list[str], *, stretch: int | None = None):
        super().__init__()
        self.rows_model = RowsModel(headers)
        self.setModel(self.rows_model)
        self._stretch = stretch
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setResizeContentsPrecision(SAMPLE_ROWS)
        self._resize_modes()
        self.selectionModel().selectionChanged.connect(lambda *_a: self.selection_changed.emit())

    def _resize_modes(self) -> None:
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if self._stretch is not None and self._stretch < self.rows_model.columnCount():
            header.setSectionResizeMode(self._stretch, QHeaderView.ResizeMode.Stretch)

    def set_rows(self, rows: list[Row], headers: list[str] | None = None) -> None:
        """Show *rows* (one model reset); the selection is cleared."""
        self.rows_model.set_rows(rows, headers)
        if headers is not None:
            self._resize_modes()

    def set_right_aligned(self, columns) -> None:
        self.rows_model.right_aligned = set(columns)

    # ---- QTableWidget-like helpers -------------------------------------------------------
    def rowCount(self) -> int:  # noqa: N802
        return self.rows_model.rowCount()

    def columnCount(self) -> int:  # noqa: N802
        return self.rows_model.columnCount()

    def item(self, row: int, col: int) -> _Cell | None:
        if 0 <= row < self.rowCount() and 0 <= col < self.columnCount():
            return _Cell(self.rows_model, row, col)
        return None

    def currentRow(self) -> int:  # noqa: N802
        index = self.currentIndex()
        return index.row() if index.isValid() else -1

    def row_data(self, row: int):
        return self.rows_model.rows[row].data if 0 <= row < self.rowCount() else None
