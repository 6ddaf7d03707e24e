"""A lazy table model over ConsultationService.page()/count(): newest first, one page at a time.

Only the first page is loaded; more pages arrive as the view scrolls (canFetchMore/fetchMore).
Every query runs off the GUI thread; a result that arrives after the filter changed is dropped
(each load carries a generation number).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kyodo_desk.i18n import N_, _
from kyodo_desk.services.consultations import ConsultationFilter, ConsultationRecord
from kyodo_desk.ui.consultations.common import one_line
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.paged_model import PagedTableModel

PAGE_SIZE = 100
OVERDUE = QBrush(QColor("#b3261e"))

COLUMNS: list[tuple[str, str]] = [
    ("reference", N_("受付番号")),
    ("received", N_("受付日時")),
    ("channel", N_("方法")),
    ("requester", N_("相談者")),
    ("summary", N_("相談の要旨")),
    ("categories", N_("分類")),
    ("followup", N_("フォローアップ")),
    ("staff", N_("担当")),
]


def followup_text(r: ConsultationRecord) -> str:
    if not r.followup_action:
        return ""
    due = f"{r.followup_due:%m/%d}" if r.followup_due else ""
    if r.followup_done:
        return _("{due} {action}(済)").format(action=r.followup_label, due=due)
    return _("{due} {action}").format(action=r.followup_label, due=due)


def cell_text(r: ConsultationRecord, key: str) -> str:
    if key == "reference":
        return r.reference
    if key == "received":
        return f"{r.received_at:%Y/%m/%d %H:%M}"
    if key == "channel":
        return r.channel_label
    if key == "requester":
        return r.organization_name or r.requester_label
    if key == "summary":
        return one_line(r.summary)
    if key == "categories":
        return "、".join(n.split(" › ")[-1] for n in r.category_names)
    if key == "followup":
        return followup_text(r)
    if key == "staff":
        return r.staff_name
    return ""


class ConsultationTableModel(PagedTableModel):
    headers = [c[1] for c in COLUMNS]

    def __init__(self, ctx: AppContext, *, page_size: int = PAGE_SIZE, today: dt.date | None = None):
        super().__init__(ctx, page_size=page_size, initial_filter=ConsultationFilter())
        self.today = today or dt.date.today()

    def page_query(self, offset: int, limit: int):
        actor, service, flt = self.ctx.require_actor(), self.ctx.services.consultations, self.filter
        return lambda: service.page(actor, flt, offset=offset, limit=limit)

    def count_query(self):
        actor, service, flt = self.ctx.require_actor(), self.ctx.services.consultations, self.filter
        return lambda: service.count(actor, flt)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        r = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(r, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "summary":
                return r.summary
            if key == "categories":
                return "\n".join(r.category_names)
            return cell_text(r, key) or None
        if role == Qt.ItemDataRole.ForegroundRole and key == "followup" and r.followup_action and not r.followup_done:
            if r.followup_due and r.followup_due <= self.today:
                return OVERDUE
        if role == Qt.ItemDataRole.UserRole:
            return r
        return None

    def record(self, row: int) -> ConsultationRecord | None:
        return super().record(row)
