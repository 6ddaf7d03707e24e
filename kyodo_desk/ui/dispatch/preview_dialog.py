"""The dispatch documents' preview window, on the shared print path of ``ui/printing``:
QtPdf preview (PdfPreview), 印刷… through the system print dialog painted at 100 % (print_pdf,
off the GUI thread), and PDFとして保存….  The desk document service already wrote the PRINT
audit row when it built the PDF."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QSpinBox, QVBoxLayout, QWidget

from kyodo_desk.documents.base import write_pdf
from kyodo_desk.i18n import _
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch import common
from kyodo_desk.ui.printing.preview import PdfPreview
from kyodo_desk.ui.printing.printer import configure_printer, print_pdf
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import plain_label


class DocumentPreviewDialog(QDialog):
    saved = Signal(str)
    printed = Signal(int)

    def __init__(self, ctx: AppContext, pdf: bytes, title: str, filename: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.pdf, self.title, self.filename = ctx, pdf, title, filename
        self._printer: QPrinter | None = None
        self.setObjectName("documentPreview")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("{title} — プレビュー").format(title=title))
        layout = QVBoxLayout(self)
        self.preview = PdfPreview(self)
        layout.addWidget(self.preview, 1)
        row = QHBoxLayout()
        self.status = plain_label()
        self.status.setObjectName("hint")
        row.addWidget(self.status, 1)
        row.addWidget(plain_label(_("部数")))
        self.copies = QSpinBox()
        self.copies.setRange(1, 99)
        row.addWidget(self.copies)
        self.print_button = QPushButton(_("印刷… (Ctrl+P)"))
        self.save_button = QPushButton(_("PDFとして保存…"))
        self.close_button = QPushButton(_("閉じる"))
        for b in (self.print_button, self.save_button, self.close_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        layout.addLayout(row)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_document)
        self.preview.load_bytes(pdf, title)
        self.resize(860, 980)
        self.print_button.setFocus()

    @property
    def page_count(self) -> int:
        return self.preview.page_count

    def save_pdf(self) -> None:
        path = common.ask_save_path(self, _("PDFとして保存"), self.filename, _("PDF ファイル (*.pdf)"))
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        data = self.pdf
        self.ctx.tasks.run(lambda _p: str(write_pdf(path, data)), on_done=self._saved, owner=self, write=True)

    def _saved(self, path: str) -> None:
        self.status.setText(_("{path} に保存しました。").format(path=path))
        self.saved.emit(path)

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        first = self.preview.document.pagePointSize(0)
        configure_printer(printer, landscape=first.width() > first.height(), duplex_short_edge=False, copies=self.copies.value())
        printer.setDocName(self.title)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("印刷 — {title}").format(title=self.title))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        data = self.pdf
        self._printer = printer  # alive while the worker paints on it

        def done(pages: int) -> None:
            self._printer = None
            self.status.setText(_("{n}ページを印刷に送りました。").format(n=pages))
            self.printed.emit(pages)

        self.ctx.tasks.run(lambda progress: print_pdf(data, printer, progress=progress), _("印刷しています…"),
                           on_done=done, owner=self, cancellable=True, write=True, parent=self)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        super().keyPressEvent(event)
