"""The one way a long list of records is shown: a read-only QTableView over a (paged) model.

Whole rows are selected, cells are never edited in place, rows have one fixed height from the
font (no per-row measuring over thousands of rows), columns get their widths once.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def record_list(
    model: QAbstractItemModel,
    *,
    widths: Sequence[int] = (),
    stretch: int | None = None,
    name: str = "",
    several: bool = False,
) -> QTableView:
    """A table for *model*; *widths* per column, *stretch* takes the room left, *several* rows may
    be selected at once (Shift/Ctrl)."""
    table = QTableView()
    if name:
        table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if several
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    rows = table.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 12)
    table.horizontalHeader().setHighlightSections(False)
    for column, width in enumerate(widths):
        table.setColumnWidth(column, width)
    if stretch is not None:
        table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table
