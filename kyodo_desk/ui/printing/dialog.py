"""The one preview window of the print path, used by every area (receipts, loan slips, notices,
statistics, labels): QtPdf preview, 印刷… through the system print dialog painted at 100% on a
worker thread (never "fit to page": labels must land on the labels), and PDFで保存….

``show_pdf(ctx, parent, build, title, filename)`` builds the PDF off the GUI thread (builders that
write a PRINT audit row go to the single write thread), then opens the preview.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QPushButton, QSpinBox, QVBoxLayout, QWidget

from kyodo_desk.i18n import _
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.printing.preview import PdfPreview
from kyodo_desk.ui.printing.printer import configure_printer, print_pdf
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen

AskPath = Callable[[QWidget | None, str, str, str], Path | None]


def ask_save_path(parent: QWidget | None, title: str, suggested: str, file_filter: str) -> Path | None:
    """The 名前を付けて保存 question, starting in the user's documents folder (tests replace it)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    path, _chosen = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / suggested), file_filter)
    return Path(path) if path else None


class PdfPreviewDialog(QDialog):
    printed = Signal(int)
    saved = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        pdf: bytes,
        title: str,
        filename: str,
        parent: QWidget | None = None,
        *,
        ask_path: AskPath | None = None,
    ):
        super().__init__(parent)
        self.ctx, self.pdf, self.title, self.filename = ctx, pdf, title, filename
        self._ask_path = ask_path
        self._printer: QPrinter | None = None
        self.setObjectName("pdfPreviewDialog")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("{title} — プレビュー").format(title=title))
        layout = QVBoxLayout(self)
        self.preview = PdfPreview(self)
        layout.addWidget(self.preview, 1)
        row = QHBoxLayout()
        self.status = plain_label(
            _("原寸(100%)で印刷します。プリンターの設定で「用紙に合わせる」「縮小」を選ばないでください。")
        )
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        row.addWidget(plain_label(_("部数")))
        self.copies = QSpinBox()
        self.copies.setRange(1, 99)
        row.addWidget(self.copies)
        self.print_button = QPushButton(_("印刷… (Ctrl+P)"))
        self.save_button = QPushButton(_("PDFで保存…"))
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
        fit_to_screen(self, 860, 960)  # a whole A4 page when the screen is tall enough
        self.print_button.setFocus()

    @property
    def page_count(self) -> int:
        return self.preview.page_count

    def landscape(self) -> bool:
        doc = self.preview.document
        if doc.pageCount() == 0:
            return False
        size = doc.pagePointSize(0)
        return size.width() > size.height()

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        configure_printer(printer, landscape=self.landscape(), duplex_short_edge=False, copies=self.copies.value())
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

        self.ctx.tasks.run(
            lambda progress: print_pdf(data, printer, progress=progress),
            _("印刷しています…"),
            on_done=done,
            owner=self,
            cancellable=True,
            write=True,
            parent=self,
        )

    def save_pdf(self, path: str | Path | None = None) -> None:
        ask = self._ask_path or ask_save_path
        target = Path(path) if path else ask(self, _("PDFで保存"), self.filename, _("PDF ファイル (*.pdf)"))
        if target is None:
            return
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        data = self.pdf
        from kyodo_desk.documents.base import write_pdf  # reportlab: imported when first needed, not at start

        self.ctx.tasks.run(lambda _p: str(write_pdf(target, data)), on_done=self._saved, owner=self, write=True)

    save_as = save_pdf

    def _saved(self, path: str) -> None:
        self.status.setText(_("{path} に保存しました。").format(path=path))
        self.saved.emit(path)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        super().keyPressEvent(event)


def show_pdf(
    ctx: AppContext,
    parent: QWidget,
    build: Callable[[], bytes],
    title: str,
    filename: str,
    on_shown: Callable[[PdfPreviewDialog], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    *,
    write: bool = True,
    ask_path: AskPath | None = None,
) -> None:
    """Build the PDF off the GUI thread (with a progress dialog if slow), then preview it."""

    def done(pdf: bytes) -> None:
        dialog = PdfPreviewDialog(ctx, pdf, title, filename, parent.window(), ask_path=ask_path)
        dialog.finished.connect(dialog.deleteLater)
        parent._pdf_preview = dialog  # keep a handle (tests look at it)
        dialog.open()
        if on_shown is not None:
            on_shown(dialog)

    ctx.tasks.run(
        lambda _p: build(),
        _("{title} を作成しています…").format(title=title),
        on_done=done,
        on_error=on_error,
        write=write,
        owner=parent,
        parent=parent.window(),
    )
