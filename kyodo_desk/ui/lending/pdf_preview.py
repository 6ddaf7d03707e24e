"""A preview dialog over the shared print path (kyodo_desk/ui/printing): QtPdf preview, 印刷… through the
system print dialog at 100% (never "fit to page": labels must land on the labels), PDFとして保存….

``show_pdf(ctx, parent, build, title, filename)`` builds the PDF off the GUI thread, then opens the
preview.  Printing paints on a worker thread (printing/printer.print_pdf).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.i18n import _
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.printing.preview import PdfPreview
from kyodo_desk.ui.printing.printer import configure_printer, print_pdf
from kyodo_desk.ui.widgets.page import plain_label


class PdfPreviewDialog(QDialog):
    printed = Signal(int)
    saved = Signal(str)

    def __init__(self, ctx: AppContext, pdf: bytes, title: str, filename: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.pdf, self.filename = ctx, pdf, filename
        self._printer: QPrinter | None = None
        self.setObjectName("pdfPreviewDialog")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        note = plain_label(_("印刷は原寸(100%)です。プリンターの設定で「用紙に合わせる」「縮小」を選ばないでください。"))
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.preview = PdfPreview(self)
        self.preview.load_bytes(pdf, title)
        layout.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("印刷… (Ctrl+P)"))
        self.print_button.setShortcut("Ctrl+P")
        self.save_button = QPushButton(_("PDFとして保存…"))
        self.close_button = QPushButton(_("閉じる"))
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(lambda: self.save_as())
        self.close_button.clicked.connect(self.accept)
        buttons.addStretch(1)
        for b in (self.print_button, self.save_button, self.close_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.resize(860, 900)
        self.print_button.setFocus()

    def landscape(self) -> bool:
        doc = self.preview.document
        if doc.pageCount() == 0:
            return False
        size = doc.pagePointSize(0)
        return size.width() > size.height()

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        configure_printer(printer, landscape=self.landscape(), duplex_short_edge=False, copies=1)
        printer.setDocName(self.windowTitle())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("印刷 — {title}").format(title=self.windowTitle()))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        data = self.pdf
        self._printer = printer  # alive while the worker paints on it

        def done(pages: int) -> None:
            self._printer = None
            self.printed.emit(pages)

        self.ctx.tasks.run(lambda progress: print_pdf(data, printer, progress=progress), _("印刷しています…"),
                           on_done=done, owner=self, cancellable=True, write=True)

    def save_as(self, path: str | None = None) -> None:
        if not path:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
            path, _f = QFileDialog.getSaveFileName(self, _("PDFとして保存"), str(Path(folder) / self.filename), _("PDF ファイル (*.pdf)"))
        if not path:
            return
        if not str(path).lower().endswith(".pdf"):
            path = f"{path}.pdf"
        data = self.pdf

        def work(_p):
            Path(path).write_bytes(data)
            return str(path)

        self.ctx.tasks.run(work, on_done=self.saved.emit, owner=self)


def show_pdf(ctx: AppContext, parent: QWidget, build: Callable[[], bytes], title: str, filename: str,
             on_shown: Callable[[PdfPreviewDialog], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None, *, write: bool = True) -> None:
    """Build the PDF off the GUI thread (with a progress dialog if slow), then preview it.

    Builders that record a PRINT audit row write to the database: they run on the task runner's
    single write thread unless *write* is False."""

    def done(pdf: bytes) -> None:
        dialog = PdfPreviewDialog(ctx, pdf, title, filename, parent.window())
        dialog.finished.connect(dialog.deleteLater)
        parent._pdf_preview = dialog  # keep a handle (tests look at it)
        dialog.open()
        if on_shown is not None:
            on_shown(dialog)

    ctx.tasks.run(lambda _p: build(), _("{title} を作成しています…").format(title=title), on_done=done, on_error=on_error,
                  write=write, owner=parent, parent=parent.window())
