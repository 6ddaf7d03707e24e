"""Preview a PDF, print it at 100% (never "fit to page": labels must land on the labels), or save it.

``show_pdf(ctx, parent, build, title, filename)`` builds the PDF off the GUI thread, then opens the
preview.  Printing renders every page at the printer's resolution (capped at 600 dpi) onto the
whole sheet, so 1 mm in the PDF is 1 mm on paper.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, QSizeF, Signal
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.i18n import _
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.page import plain_label

MAX_DPI = 600


def print_pdf_document(document: QPdfDocument, printer: QPrinter) -> int:
    """Draw every page of *document* on *printer* at its real size; returns pages printed."""
    printer.setFullPage(True)  # (0, 0) is the paper's corner, not the printable area's
    painter = QPainter()
    pages = 0
    for page in range(document.pageCount()):
        size_pt = document.pagePointSize(page)
        layout = QPageLayout(QPageSize(QSizeF(size_pt), QPageSize.Unit.Point), QPageLayout.Orientation.Portrait if size_pt.height() >= size_pt.width()
                             else QPageLayout.Orientation.Landscape, printer.pageLayout().margins())
        if page == 0:
            printer.setPageLayout(layout)
            if not painter.begin(printer):
                return 0
        else:
            printer.setPageLayout(layout)
            printer.newPage()
        device_dpi = printer.resolution()
        dpi = min(device_dpi, MAX_DPI)
        image = document.render(page, QSize(round(size_pt.width() * dpi / 72), round(size_pt.height() * dpi / 72)))
        target = QRectF(QPointF(0, 0), QSizeF(size_pt.width() * device_dpi / 72, size_pt.height() * device_dpi / 72))
        painter.drawImage(target, image)
        pages += 1
    if painter.isActive():
        painter.end()
    return pages


class PdfPreviewDialog(QDialog):
    printed = Signal(int)
    saved = Signal(str)

    def __init__(self, pdf: bytes, title: str, filename: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.pdf, self.filename = pdf, filename
        self.setObjectName("pdfPreview")
        self.setWindowTitle(title)
        self._bytes = QByteArray(pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        layout = QVBoxLayout(self)
        note = plain_label(_("印刷は原寸(100%)です。プリンターの設定で「用紙に合わせる」「縮小」を選ばないでください。"))
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("印刷… (Ctrl+P)"))
        self.print_button.setShortcut("Ctrl+P")
        self.save_button = QPushButton(_("PDFとして保存…"))
        self.close_button = QPushButton(_("閉じる"))
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        self.close_button.clicked.connect(self.accept)
        buttons.addWidget(plain_label(_("{n} ページ").format(n=self.document.pageCount())))
        buttons.addStretch(1)
        for b in (self.print_button, self.save_button, self.close_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.resize(820, 900)

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("印刷"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        pages = print_pdf_document(self.document, printer)
        if pages == 0:
            QMessageBox.warning(self, _("印刷できません"), _("プリンターを開けませんでした。プリンターの電源と接続を確認してください。"))
            return
        self.printed.emit(pages)

    def save_as(self, path: str | None = None) -> None:
        if not path:
            path, _f = QFileDialog.getSaveFileName(self, _("PDFとして保存"), str(Path.home() / self.filename), _("PDF (*.pdf)"))
        if not path:
            return
        Path(path).write_bytes(self.pdf)
        self.saved.emit(path)


def show_pdf(ctx: AppContext, parent: QWidget, build: Callable[[], bytes], title: str, filename: str,
             on_shown: Callable[[PdfPreviewDialog], None] | None = None) -> None:
    """Build the PDF off the GUI thread (with a progress dialog if slow), then preview it."""

    def done(pdf: bytes) -> None:
        dialog = PdfPreviewDialog(pdf, title, filename, parent.window())
        dialog.finished.connect(dialog.deleteLater)
        parent._pdf_preview = dialog  # keep a handle (tests look at it)
        dialog.open()
        if on_shown is not None:
            on_shown(dialog)

    ctx.tasks.run(lambda _p: build(), _("{title} を作成しています…").format(title=title), on_done=done, owner=parent, parent=parent.window())
