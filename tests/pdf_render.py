"""PDF pages as images for tests, rendered with QtPdf (PDFium inside the PySide6 wheels).

No system package is needed (the suite used poppler's pdftoppm before).  Pages come back as
Pillow images on a white background, at *dpi* (1 PDF point = 1/72 inch).
"""

from __future__ import annotations

from PIL import Image


def render_pdf(data: bytes, dpi: int = 200, pages: list[int] | None = None, *, gray: bool = False) -> list[Image.Image]:
    """Render 1-based *pages* (all when None) of the PDF *data*; raises ValueError if it can't be read."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtGui import QImage
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buffer)
    if doc.status() != QPdfDocument.Status.Ready:
        raise ValueError(f"QtPdf cannot read this PDF: {doc.error()}")
    numbers = pages or list(range(1, doc.pageCount() + 1))
    out = []
    for number in numbers:
        size = doc.pagePointSize(number - 1)
        qimage = doc.render(number - 1, QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72)))
        qimage = qimage.convertToFormat(QImage.Format.Format_RGBA8888)
        rgba = Image.frombuffer(
            "RGBA",
            (qimage.width(), qimage.height()),
            bytes(qimage.constBits()),
            "raw",
            "RGBA",
            qimage.bytesPerLine(),
            1,
        )
        page = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        page.alpha_composite(rgba)
        out.append(page.convert("L" if gray else "RGB"))
    doc.close()
    return out


def render_page(data: bytes, page: int = 1, dpi: int = 200, *, gray: bool = False) -> Image.Image:
    return render_pdf(data, dpi, [page], gray=gray)[0]


def text_positions(data: bytes, page: int, needle: str) -> list[tuple[float, float]]:
    """Where *needle* is printed on 1-based *page*: (left x, top y) of each occurrence in PDF points,
    x from the left edge and y from the BOTTOM edge (PDF space), after every transform on the page
    (an imposed sheet's placed pages included) — PDFium's own text layout, no poppler needed."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buffer)
    if doc.status() != QPdfDocument.Status.Ready:
        raise ValueError(f"QtPdf cannot read this PDF: {doc.error()}")
    height = doc.pagePointSize(page - 1).height()
    text = doc.getAllText(page - 1).text()
    out = []
    start = text.find(needle)
    while needle and start >= 0:
        box = doc.getSelectionAtIndex(page - 1, start, len(needle)).boundingRectangle()
        out.append((box.left(), height - box.top()))
        start = text.find(needle, start + 1)
    doc.close()
    return out
