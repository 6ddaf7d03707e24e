"""The lazy table behind the 監査ログ screen: AuditService.page()/count(), newest first."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from kyodo_desk.i18n import N_, _
from kyodo_desk.services.audit_log import AuditEntry, AuditFilter
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.paged_model import PagedTableModel

PAGE_SIZE = 200

COLUMNS: list[tuple[str, str]] = [
    ("at", N_("日時")),
    ("who", N_("操作した人")),
    ("action", N_("操作")),
    ("entity", N_("記録の種類")),
    ("records", N_("記録番号")),
    ("detail", N_("詳細")),
]


def cell_text(e: AuditEntry, key: str) -> str:
    if key == "at":
        return f"{e.at:%Y/%m/%d %H:%M:%S}"
    if key == "who":
        return e.staff_name
    if key == "action":
        return e.action_label
    if key == "entity":
        return e.entity_label
    if key == "records":
        return e.records_text
    if key == "detail":
        return e.detail
    return ""


def tooltip(e: AuditEntry) -> str:
    lines = [f"{e.at:%Y/%m/%d %H:%M:%S}  {e.staff_name}" + (f" ({e.login_name})" if e.login_name else "")]
    lines.append(f"{e.action_label} — {e.entity_label}")
    if e.entity_id is not None:
        lines.append(_("記録番号: {id}").format(id=e.entity_id))
    if e.record_ids:
        lines.append(
            _("表示した記録({n}件): {ids}").format(n=len(e.record_ids), ids=", ".join(map(str, e.record_ids[:60])))
        )
    if e.detail:
        lines.append(e.detail)
    return "\n".join(lines)


class AuditTableModel(PagedTableModel):
    headers = [c[1] for c in COLUMNS]

    def __init__(self, ctx: AppContext, *, page_size: int = PAGE_SIZE):
        super().__init__(ctx, page_size=page_size, initial_filter=AuditFilter())

    def page_query(self, offset: int, limit: int):
        actor, service, flt = self.ctx.require_actor(), self.ctx.services.audit, self.filter
        return lambda: service.page(actor, flt, offset=offset, limit=limit)

    def count_query(self):
        actor, service, flt = self.ctx.require_actor(), self.ctx.services.audit, self.filter
        return lambda: service.count(actor, flt)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        e = self.record(index.row())
        if e is None or not index.isValid():
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(e, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(e)
        if role == Qt.ItemDataRole.UserRole:
            return e
        return None
