"""The dispatch documents' preview: the shared print-path dialog (``ui/printing/dialog.py``),
asking for a file name through ``dispatch.common.ask_save_path``."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch import common
from kyodo_desk.ui.printing.dialog import PdfPreviewDialog


class DocumentPreviewDialog(PdfPreviewDialog):
    def __init__(self, ctx: AppContext, pdf: bytes, title: str, filename: str, parent: QWidget | None = None):
        super().__init__(ctx, pdf, title, filename, parent, ask_path=lambda *a: common.ask_save_path(*a))
