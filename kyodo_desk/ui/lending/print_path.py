"""The one place the lending screens reach the print path: preview → 印刷… at 100% → PDFで保存….

Every PDF is built off the GUI thread by ``show_pdf`` and then previewed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kyodo_desk.i18n import _
from kyodo_desk.services.loans import LoanRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.lending.pdf_preview import PdfPreviewDialog, show_pdf

__all__ = ["PdfPreviewDialog", "show_pdf", "print_loan_document"]


def print_loan_document(ctx: AppContext, parent: QWidget, what: str, loan: LoanRecord) -> None:
    """借用書 (slip), 返却受領書 (receipt) or 督促状 (reminder) of *loan*: built off the GUI thread, previewed."""
    from kyodo_desk.services.desk_documents import DeskDocuments

    docs, actor = DeskDocuments(ctx.services), ctx.require_actor()
    build, title = {
        "slip": (lambda: docs.loan_slip(actor, loan.id), _("機器借用書")),
        "receipt": (lambda: docs.return_receipt(actor, loan.id), _("機器返却受領書")),
        "reminder": (lambda: docs.reminder_letter(actor, loan.id), _("督促状")),
    }[what]
    refocus = getattr(parent, "refocus", None)
    show_pdf(
        ctx,
        parent,
        build,
        title,
        f"{loan.reference}_{title}.pdf",
        on_shown=(lambda d: d.finished.connect(lambda _r: refocus())) if refocus else None,
    )
