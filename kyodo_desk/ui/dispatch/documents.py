"""Documents and calendar files of a dispatch: 派遣決定通知書, 依頼書 (per advisor), 実施報告書,
and .ics files per application and per advisor.  PDFs are built off the GUI thread, then shown
in the preview (印刷… / PDFで保存…)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from kyodo_desk.i18n import _
from kyodo_desk.services.dispatch import ApplicationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch import common
from kyodo_desk.ui.dispatch.preview_dialog import DocumentPreviewDialog


def show_pdf(ctx: AppContext, parent: QWidget, pdf: bytes, title: str, filename: str) -> DocumentPreviewDialog:
    """Open the print preview for *pdf* (window-modal; deleted when closed)."""
    dialog = DocumentPreviewDialog(ctx, pdf, title, filename, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


class DispatchDocuments(QObject):
    preview_opened = Signal(object)  # the preview dialog
    ics_saved = Signal(object)  # Path

    def __init__(self, ctx: AppContext, parent: QWidget):
        super().__init__(parent)
        self.ctx, self.parent_widget = ctx, parent
        self.preview: QWidget | None = None

    # ---- PDFs ------------------------------------------------------------------------------
    def _build(self, make, title: str, filename: str) -> None:
        self.ctx.tasks.run(
            make,
            _("{title}を作っています…").format(title=title),
            on_done=lambda pdf: self._show(pdf, title, filename),
            owner=self.parent_widget,
            parent=self.parent_widget,
        )

    def _show(self, pdf: bytes, title: str, filename: str) -> None:
        self.preview = show_pdf(self.ctx, self.parent_widget, pdf, title, filename)
        self.preview_opened.emit(self.preview)

    def notice(self, app: ApplicationRecord) -> None:
        docs, actor = _desk_documents(self.ctx), self.ctx.require_actor()
        title = _("派遣決定通知書")
        self._build(
            lambda _p: docs.dispatch_notice(actor, app.id), title, common.safe_filename(f"{title}_{app.reference}.pdf")
        )

    def advisor_request(self, app: ApplicationRecord, advisor_id: int, advisor_name: str) -> None:
        docs, actor = _desk_documents(self.ctx), self.ctx.require_actor()
        title = _("派遣依頼書")
        self._build(
            lambda _p: docs.advisor_request(actor, app.id, advisor_id),
            title,
            common.safe_filename(f"{title}_{app.reference}_{advisor_name}.pdf"),
        )

    def report_form(self, app: ApplicationRecord) -> None:
        docs, actor = _desk_documents(self.ctx), self.ctx.require_actor()
        title = _("派遣実施報告書")
        self._build(
            lambda _p: docs.report_form(actor, app.id), title, common.safe_filename(f"{title}_{app.reference}.pdf")
        )

    # ---- .ics ------------------------------------------------------------------------------
    def _save_ics(self, make, suggested: str) -> None:
        path = common.ask_save_path(self.parent_widget, _("カレンダー(.ics)で保存"), suggested, _("iCalendar (*.ics)"))
        if path is None:
            return
        if path.suffix.lower() != ".ics":
            path = path.with_suffix(".ics")

        def write(_p) -> Path:
            data = make()
            tmp = path.with_suffix(".ics.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            return path

        self.ctx.tasks.run(write, on_done=self.ics_saved.emit, owner=self.parent_widget)

    def application_ics(self, app: ApplicationRecord) -> None:
        services, actor = self.ctx.services, self.ctx.require_actor()
        self._save_ics(
            lambda: _ics().dispatch_ics(services.dispatch.get(actor, app.id), services.settings.get().center_name),
            common.safe_filename(_("派遣_{ref}.ics").format(ref=app.reference)),
        )

    def advisor_calendar(self, advisor_id: int, advisor_name: str) -> None:
        services, actor = self.ctx.services, self.ctx.require_actor()
        self._save_ics(
            lambda: _ics().advisor_ics(services, actor, advisor_id),
            common.safe_filename(_("派遣予定_{name}.ics").format(name=advisor_name)),
        )


def _desk_documents(ctx: AppContext):
    """ReportLab is imported when a document is first made, not when the page is built."""
    from kyodo_desk.services.desk_documents import DeskDocuments

    return DeskDocuments(ctx.services)


def _ics():
    """icalendar (~80 ms to import) is loaded when the first .ics is written, off the GUI thread."""
    from kyodo_desk.services import ics

    return ics
