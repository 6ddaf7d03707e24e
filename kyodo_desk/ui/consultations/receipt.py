"""The 相談受付票 on the shared print path of ``ui/printing``: the PDF is built off the GUI thread
(DeskDocuments writes the PRINT audit row), previewed with its PdfPreview, printed through the
system print dialog at 100 % (print_pdf, on a worker) or saved with 「PDFとして保存…」."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.documents.base import write_pdf
from kyodo_desk.i18n import _
from kyodo_desk.services.desk_documents import DeskDocuments
from kyodo_desk.ui.consultations.common import ask_save_path, safe_filename
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.printing.preview import PdfPreview
from kyodo_desk.ui.printing.printer import configure_printer, print_pdf
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import plain_label


class ReceiptPreviewDialog(QDialog):
    printed = Signal(int)
    saved = Signal(str)

    def __init__(self, ctx: AppContext, pdf: bytes, title: str, filename: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.pdf, self.filename = ctx, pdf, filename
        self._printer: QPrinter | None = None
        self.setObjectName("receiptPreview")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("{title} — プレビュー").format(title=title))
        layout = QVBoxLayout(self)
        self.preview = PdfPreview(self)
        layout.addWidget(self.preview, 1)
        row = QHBoxLayout()
        self.status = plain_label(_("原寸(100%)で印刷します。"))
        self.status.setObjectName("hint")
        row.addWidget(self.status, 1)
        self.print_button = QPushButton(_("印刷… (Ctrl+P)"))
        self.save_button = QPushButton(_("PDFとして保存…"))
        self.close_button = QPushButton(_("閉じる"))
        for b in (self.print_button, self.save_button, self.close_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        layout.addLayout(row)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(lambda: self.save_pdf())
        self.close_button.clicked.connect(self.accept)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_document)
        self.preview.load_bytes(pdf, title)
        self.resize(820, 960)
        self.print_button.setFocus()

    @property
    def page_count(self) -> int:
        return self.preview.page_count

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        configure_printer(printer, landscape=False, duplex_short_edge=False, copies=1)
        printer.setDocName(self.windowTitle())
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        data = self.pdf
        self._printer = printer  # alive while the worker paints on it

        def done(pages: int) -> None:
            self._printer = None
            self.status.setText(_("{n}ページを印刷しました。").format(n=pages))
            self.printed.emit(pages)

        self.ctx.tasks.run(lambda progress: print_pdf(data, printer, progress=progress), _("印刷しています…"),
                           on_done=done, owner=self, cancellable=True, write=True)

    def save_pdf(self, path: str | Path | None = None) -> None:
        target = Path(path) if path else ask_save_path(self, _("PDFとして保存"), self.filename, _("PDF ファイル (*.pdf)"))
        if target is None:
            return
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        data = self.pdf
        self.ctx.tasks.run(lambda _p: str(write_pdf(target, data)), on_done=self._saved, owner=self, write=True)

    def _saved(self, path: str) -> None:
        self.status.setText(_("{path} に保存しました。").format(path=path))
        self.saved.emit(path)


def show_receipt(ctx: AppContext, parent: QWidget, consultation_id: int, reference: str = "", on_shown=None) -> None:
    """Build the 相談受付票 of *consultation_id* off the GUI thread, then open its preview."""
    docs, actor = DeskDocuments(ctx.services), ctx.require_actor()
    title = _("相談受付票")
    filename = safe_filename(f"{title}_{reference or consultation_id}.pdf")

    def done(pdf: bytes) -> None:
        dialog = ReceiptPreviewDialog(ctx, pdf, title, filename, parent.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        if on_shown is not None:
            on_shown(dialog)

    ctx.tasks.run(lambda _p: docs.consultation_receipt(actor, consultation_id), _("{title}を作っています…").format(title=title), on_done=done, owner=parent, parent=parent.window())
