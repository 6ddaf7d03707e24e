"""Lending uses the shared preview of the print path (``ui/printing/dialog.py``)."""

from kyodo_desk.ui.printing.dialog import PdfPreviewDialog, show_pdf

__all__ = ["PdfPreviewDialog", "show_pdf"]
