"""A lazy table model over DispatchService.list(offset=, limit=)/count(): newest first, one page at a time.

Only the first page is loaded; more pages arrive as the view scrolls (canFetchMore/fetchMore).
The order is the database's (received_on desc, id desc), so the view does not sort.  Every query
runs off the GUI thread; a result that arrives after the filter changed is dropped (see
PagedTableModel).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont

from kyodo_desk.domain.dispatch import DispatchType, Field, SessionStatus
from kyodo_desk.i18n import N_, _
from kyodo_desk.services.dispatch import ApplicationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.common import when_text
from kyodo_desk.ui.widgets.paged_model import PagedTableModel

PAGE_SIZE = 100
COLUMNS = [
    N_("受付番号"),
    N_("受付日"),
    N_("団体"),
    N_("テーマ"),
    N_("種類"),
    N_("分野"),
    N_("状態"),
    N_("派遣日時"),
    N_("アドバイザー"),
]
STATUS_COLUMN = 6
NEEDS_ACTION = ("received", "scheduling", "postponed", "done", "reported")  # the desk has something to do


@dataclass(frozen=True)
class ApplicationFilter:
    fiscal_year: int | None = None
    status: str | None = None
    organization_id: int | None = None
    text: str = ""  # words: the applications the search box counts for them


def _next_visit(app: ApplicationRecord):
    live = [s for s in app.sessions if s.start_at and s.status != SessionStatus.CANCELLED.value]
    return live[0] if live else None


def cell_text(app: ApplicationRecord, column: int, *, tooltip: bool = False) -> str:
    if column == 0:
        return app.reference
    if column == 1:
        return f"{app.received_on:%Y/%m/%d}"
    if column == 2:
        return app.organization_name
    if column == 3:
        return app.topic
    if column == 4:
        return DispatchType(app.dispatch_type).label()
    if column == 5:
        return Field(app.field).label()
    if column == STATUS_COLUMN:
        return app.status_label
    live = [s for s in app.sessions if s.status != SessionStatus.CANCELLED.value]
    if column == 7:
        if tooltip:
            return "\n".join(when_text(s.start_at, s.end_at) for s in app.sessions if s.start_at) or _("未定")
        visit, more = _next_visit(app), len(live) - 1
        return (when_text(visit.start_at) if visit else _("未定")) + (
            _(" ほか{n}回").format(n=more) if more > 0 else ""
        )
    return "、".join(sorted({s.advisor_name for s in live if s.advisor_name}))


class ApplicationTableModel(PagedTableModel):
    headers = COLUMNS

    def __init__(self, ctx: AppContext, *, page_size: int = PAGE_SIZE):
        super().__init__(ctx, page_size=page_size, initial_filter=ApplicationFilter())

    def page_query(self, offset: int, limit: int):
        actor, dispatch, f = self.ctx.require_actor(), self.ctx.services.dispatch, self.filter
        return lambda: dispatch.list(
            actor,
            fiscal_year=f.fiscal_year,
            status=f.status,
            organization_id=f.organization_id,
            text=f.text,
            offset=offset,
            limit=limit,
        )

    def count_query(self):
        actor, dispatch, f = self.ctx.require_actor(), self.ctx.services.dispatch, self.filter
        return lambda: dispatch.count(
            actor, fiscal_year=f.fiscal_year, status=f.status, organization_id=f.organization_id, text=f.text
        )

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        app = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return app
        if role == Qt.ItemDataRole.FontRole and index.column() == STATUS_COLUMN and app.status in NEEDS_ACTION:
            font = QFont()
            font.setBold(True)
            return font
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cell_text(app, index.column(), tooltip=role == Qt.ItemDataRole.ToolTipRole)
        return None

    def record(self, row: int) -> ApplicationRecord | None:
        return super().record(row)
