"""The 相談受付票 on the shared print path of ``ui/printing``: the PDF is built off the GUI thread
(DeskDocuments writes the PRINT audit row), previewed with its PdfPreview, printed through the
system print dialog at 100 % (print_pdf, on a worker) or saved with 「PDFで保存…」."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from kyodo_desk.i18n import _
from kyodo_desk.ui.consultations import common
from kyodo_desk.ui.consultations.common import safe_filename
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.printing.dialog import PdfPreviewDialog


class ReceiptPreviewDialog(PdfPreviewDialog):
    """The shared print-path preview, asking for a file name through ``consultations.common``."""

    def __init__(self, ctx: AppContext, pdf: bytes, title: str, filename: str, parent: QWidget | None = None):
        super().__init__(ctx, pdf, title, filename, parent, ask_path=lambda *a: common.ask_save_path(*a))


def show_receipt(ctx: AppContext, parent: QWidget, consultation_id: int, reference: str = "", on_shown=None) -> None:
    """Build the 相談受付票 of *consultation_id* off the GUI thread, then open its preview."""
    from kyodo_desk.services.desk_documents import DeskDocuments  # ReportLab: imported when printing

    docs, actor = DeskDocuments(ctx.services), ctx.require_actor()
    title = _("相談受付票")
    filename = safe_filename(f"{title}_{reference or consultation_id}.pdf")

    def done(pdf: bytes) -> None:
        dialog = ReceiptPreviewDialog(ctx, pdf, title, filename, parent.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        if on_shown is not None:
            on_shown(dialog)

    ctx.tasks.run(
        lambda _p: docs.consultation_receipt(actor, consultation_id),
        _("{title}を作っています…").format(title=title),
        on_done=done,
        owner=parent,
        parent=parent.window(),
    )
