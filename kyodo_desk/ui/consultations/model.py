"""A lazy table model over ConsultationService.page()/count(): newest first, one page at a time.

Only the first page is loaded; more pages arrive as the view scrolls (canFetchMore/fetchMore).
Every query runs off the GUI thread; a result that arrives after the filter changed is dropped
(each load carries a generation number).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from kyodo_desk.i18n import N_, _
from kyodo_desk.services.consultations import ConsultationFilter, ConsultationRecord
from kyodo_desk.ui.consultations.common import one_line
from kyodo_desk.ui.context import AppContext

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


class ConsultationTableModel(QAbstractTableModel):
    loaded = Signal()  # a (re)load finished: rows and total are fresh
    fetched = Signal(int)  # another page arrived (rows now loaded)

    def __init__(self, ctx: AppContext, *, page_size: int = PAGE_SIZE, today: dt.date | None = None):
        super().__init__()
        self.ctx = ctx
        self.page_size = page_size
        self.today = today or dt.date.today()
        self.rows: list[ConsultationRecord] = []
        self.total: int | None = None
        self.filter = ConsultationFilter()
        self._generation = 0
        self._fetching = False

    # ---- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

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
        actor, service = self.ctx.require_actor(), self.ctx.services.consultations
        flt, limit = self.filter, self.page_size
        self.ctx.tasks.run(lambda _p: service.page(actor, flt, offset=offset, limit=limit),
                           on_done=lambda page: self._append(gen, offset, page),
                           on_error=lambda exc: self._failed(gen, exc), owner=self)

    # ---- loading ----------------------------------------------------------------------------------
    def set_filter(self, flt: ConsultationFilter) -> None:
        if flt != self.filter or self.total is None:
            self.filter = flt
            self.reload()

    def reload(self, *, keep_loaded: bool = False) -> None:
        """Load the count and the first page again (or as many rows as are loaded now)."""
        self._generation += 1
        self._fetching = False
        gen = self._generation
        limit = max(self.page_size, len(self.rows)) if keep_loaded else self.page_size
        actor, service = self.ctx.require_actor(), self.ctx.services.consultations
        flt = self.filter

        def load(_p):
            return service.count(actor, flt), service.page(actor, flt, offset=0, limit=limit)

        self.ctx.tasks.run(load, on_done=lambda result: self._reset(gen, *result),
                           on_error=lambda exc: self._failed(gen, exc), owner=self)

    def _reset(self, gen: int, total: int, rows: list[ConsultationRecord]) -> None:
        if gen != self._generation:
            return
        self.beginResetModel()
        self.rows, self.total = list(rows), total
        self.endResetModel()
        self.loaded.emit()

    def _append(self, gen: int, offset: int, page: list[ConsultationRecord]) -> None:
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

    def record(self, row: int) -> ConsultationRecord | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, consultation_id: int) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.id == consultation_id), None)
