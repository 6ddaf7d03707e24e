"""A5 booklet: impose A5 pages two-up on A4 landscape sheets in saddle-stitch order.

Printed double-sided with "flip on short edge", the stack of sheets folds in the middle into a
booklet (中とじ).  For N pages (padded with blanks to a multiple of 4), sheet k (0-based) has

* front: left = page N-2k, right = page 2k+1
* back:  left = page 2k+2, right = page N-2k-1

Imposition uses pypdf (``merge_transformed_page``): the A5 pages are placed unchanged (vector,
fonts kept) side by side, centred on an exact A4-landscape sheet so the printer picks A4.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, landscape

from kyodo_desk.documents.base import Progress, report
from kyodo_desk.i18n import _

Side = tuple[int | None, int | None]  # (left, right) 1-based page numbers; None = blank


def padded_page_count(pages: int) -> int:
    return max(4, -(-pages // 4) * 4)


def page_sequence(pages: int, *, back_cover: bool = False) -> list[int | None]:
    """The booklet's pages in reading order, padded with blanks (None) to a multiple of 4.

    With *back_cover* the blanks go before the last page, so it stays on the outside.
    """
    n = padded_page_count(pages)
    blanks = [None] * (n - pages)
    numbers: list[int | None] = list(range(1, pages + 1))
    if back_cover and pages >= 2:
        return numbers[:-1] + blanks + numbers[-1:]
    return numbers + blanks


def booklet_order(pages: int, *, back_cover: bool = False) -> list[tuple[Side, Side]]:
    """For each sheet: (front, back), each (left, right) source page numbers; None = blank."""
    seq = page_sequence(pages, back_cover=back_cover)
    n = len(seq)

    def real(p: int) -> int | None:
        return seq[p - 1]

    sheets = []
    for k in range(n // 4):
        front = (real(n - 2 * k), real(2 * k + 1))
        back = (real(2 * k + 2), real(n - 2 * k - 1))
        sheets.append((front, back))
    return sheets


def impose_booklet(pdf: bytes, *, back_cover: bool = False, progress: Progress | None = None) -> bytes:
    """Two-up saddle-stitch imposition of *pdf* (A5 portrait pages) onto A4 landscape sheets."""
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation

    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    sheet_w, sheet_h = landscape(A4)
    writer = PdfWriter()
    order = booklet_order(pages, back_cover=back_cover)
    total = len(order) * 2
    done = 0
    for front, back in order:
        for left, right in (front, back):
            sheet = PageObject.create_blank_page(width=sheet_w, height=sheet_h)
            for slot, number in enumerate((left, right)):
                if number is None:
                    continue
                src = reader.pages[number - 1]
                box = src.mediabox
                w, h = float(box.width), float(box.height)
                scale = min(1.0, (sheet_w / 2) / w, sheet_h / h)  # A5 fits exactly; larger pages shrink
                x = slot * sheet_w / 2 + (sheet_w / 2 - w * scale) / 2
                y = (sheet_h - h * scale) / 2
                op = (
                    Transformation().translate(-float(box.left), -float(box.bottom)).scale(scale, scale).translate(x, y)
                )
                sheet.merge_transformed_page(src, op)
            writer.add_page(sheet)
            done += 1
            report(progress, done, total, _("冊子の面付け中"))
    if reader.metadata:
        writer.add_metadata({k: v for k, v in reader.metadata.items() if isinstance(v, str)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
