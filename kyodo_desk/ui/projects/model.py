"""A lazy table model over ProjectService.page()/count() (pages load as the view scrolls)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from kyodo_desk.i18n import N_, _, format_number
from kyodo_desk.services.project_records import ProjectFilter, ProjectRow
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.paged_model import PagedTableModel

PAGE_SIZE = 200

COLUMNS: list[tuple[str, str]] = [
    ("reference", N_("事業番号")),
    ("fiscal_year", N_("年度")),
    ("name", N_("事業名")),
    ("programme", N_("事業区分・部門")),
    ("status", N_("状況")),
    ("amount", N_("補助額")),
    ("partners", N_("協働の相手")),
]


def yen(amount: int | None) -> str:
    return "" if amount is None else _("{n}円").format(n=format_number(amount))


class ProjectTableModel(PagedTableModel):
    headers = [c[1] for c in COLUMNS]

    def __init__(self, ctx: AppContext, *, page_size: int = PAGE_SIZE):
        super().__init__(ctx, page_size=page_size, initial_filter=ProjectFilter())

    def page_query(self, offset: int, limit: int):
        actor, projects, flt = self.ctx.require_actor(), self.ctx.services.projects, self.filter
        return lambda: projects.page(actor, flt, offset=offset, limit=limit)

    def count_query(self):
        actor, projects, flt = self.ctx.require_actor(), self.ctx.services.projects, self.filter
        return lambda: projects.count(actor, flt)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row: ProjectRow = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, COLUMNS[index.column()][0])
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[index.column()][0] == "amount":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    @staticmethod
    def _text(row: ProjectRow, key: str) -> str:
        if key == "fiscal_year":
            return _("{fy}年度").format(fy=row.fiscal_year)
        if key == "programme":
            return f"{row.programme} {row.division}".strip()
        if key == "status":
            return row.status_label
        if key == "amount":
            return yen(row.amount)
        return str(getattr(row, key) or "")

    def record(self, row: int) -> ProjectRow | None:
        return super().record(row)
