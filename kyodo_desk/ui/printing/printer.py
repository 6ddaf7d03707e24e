"""Send a PDF to a QPrinter at 100 % scale.

Each PDF page is rasterised with QtPdf (pdfium) and painted at its physical size from the paper's
top-left corner — never shrunk to fit the printable area, so label sheets and forms come out at
the size they were designed.  Pages are rendered in horizontal bands at up to 600 dpi (the
printer's resolution if lower), which keeps memory small even for a 1200 dpi printer.
Safe to call on a worker thread: it builds its own QPdfDocument and touches no widgets.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QEventLoop, QIODevice, QMarginsF, QRect, QRectF, QSize, QTimer
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrinter

from kyodo_desk.i18n import _

Progress = Callable[[int, int, str], None]
MAX_RENDER_DPI = 600
BAND_PIXELS = 1024


class PrintError(RuntimeError):
    pass


def load_pdf(data: bytes, parent=None) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over *data* (keep the returned buffer alive as long as the document)."""
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument(parent)
    document.load(buffer)
    if document.status() == QPdfDocument.Status.Loading:  # asynchronous on some platforms
        loop = QEventLoop()
        document.statusChanged.connect(lambda _s: loop.quit())
        QTimer.singleShot(10_000, loop.quit)
        if document.status() == QPdfDocument.Status.Loading:
            loop.exec()
    if document.status() != QPdfDocument.Status.Ready:
        raise PrintError(_("印刷用の PDF を開けませんでした({status})。").format(status=document.status().name))
    return document, buffer


def configure_printer(printer: QPrinter, *, landscape: bool, duplex_short_edge: bool, copies: int) -> None:
    """A4 in the document's orientation, no margins (we place the page ourselves), copies, duplex."""
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    printer.setCopyCount(max(1, copies))
    if duplex_short_edge:
        printer.setDuplex(QPrinter.DuplexMode.DuplexShortSide)


def print_pdf(
    data: bytes, printer: QPrinter, *, progress: Progress | None = None, max_dpi: int = MAX_RENDER_DPI
) -> int:
    """Paint every page of *data* on *printer* at 100 % scale; returns the number of pages sent.

    When the printer cannot make copies itself (PDF output, some drivers) the copies are
    painted here, collated.
    """
    document, buffer = load_pdf(data)
    pages = document.pageCount()
    copies = 1
    if not printer.supportsMultipleCopies():
        copies = max(1, printer.copyCount())
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(_("プリンターを開けませんでした。プリンターの電源と接続を確かめてください。"))
    device_dpi = printer.resolution()
    render_dpi = min(device_dpi, max_dpi)
    total = pages * copies
    sent = 0
    try:
        for _copy in range(copies):
            for index in range(pages):
                if sent:
                    printer.newPage()
                _paint_page(painter, document, index, device_dpi, render_dpi)
                sent += 1
                if progress is not None:
                    progress(sent, total, _("印刷しています({n}/{total}ページ)").format(n=sent, total=total))
    finally:
        painter.end()
        document.close()
        buffer.close()
    return sent


def _paint_page(painter: QPainter, document: QPdfDocument, index: int, device_dpi: float, render_dpi: float) -> None:
    size = document.pagePointSize(index)
    width = max(1, round(size.width() * render_dpi / 72))
    height = max(1, round(size.height() * render_dpi / 72))
    scale = device_dpi / render_dpi
    y = 0
    while y < height:
        band = min(BAND_PIXELS, height - y)
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(QSize(width, height))
        options.setScaledClipRect(QRect(0, y, width, band))
        image = document.render(index, QSize(width, band), options)
        painter.drawImage(QRectF(0, y * scale, width * scale, band * scale), image)
        y += band
