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


def _page_as_form(writer, page):
    """*page* as a Form XObject in *writer*: its content bytes and resources kept as they are
    (nothing is parsed, so imposing costs about as much as copying).  Returns (ref, mediabox)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, EncodedStreamObject, FloatObject, NameObject

    contents = page.get("/Contents")
    streams = contents.get_object() if contents is not None else []
    if not isinstance(streams, list):
        streams = [streams]
    streams = [st.get_object() for st in streams]
    if len(streams) == 1 and isinstance(streams[0], EncodedStreamObject):  # ReportLab: one stream
        form = EncodedStreamObject()
        form._data = streams[0]._data  # noqa: SLF001 - the compressed bytes as they are, filters copied
        for key in ("/Filter", "/DecodeParms"):
            if key in streams[0]:
                form[NameObject(key)] = streams[0][key].clone(writer)
    else:
        plain = DecodedStreamObject()
        plain.set_data(b"\n".join(st.get_data() for st in streams))
        form = plain.flate_encode()
    box = page.mediabox
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject([FloatObject(float(v)) for v in (box.left, box.bottom, box.right, box.top)])
    if "/Resources" in page:
        form[NameObject("/Resources")] = page["/Resources"].get_object().clone(writer)
    return writer._add_object(form), box  # noqa: SLF001 - pypdf has no public "add an object"


def impose_booklet(pdf: bytes, *, back_cover: bool = False, progress: Progress | None = None) -> bytes:
    """Two-up saddle-stitch imposition of *pdf* (A5 portrait pages) onto A4 landscape sheets.

    Each source page becomes one Form XObject (written once, however many sheets use it) drawn
    with a ``cm`` transform on its sheet."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    sheet_w, sheet_h = landscape(A4)
    writer = PdfWriter()
    forms: dict[int, tuple] = {}
    placed: dict[int, tuple[int, float, float, float]] = {}  # page → (face index, x, y, scale)
    order = booklet_order(pages, back_cover=back_cover)
    total = len(order) * 2
    done = 0
    for front, back in order:
        for left, right in (front, back):
            sheet = writer.add_blank_page(width=sheet_w, height=sheet_h)
            ops, xobjects = [], DictionaryObject()
            for slot, number in enumerate((left, right)):
                if number is None:
                    continue
                if number not in forms:
                    forms[number] = _page_as_form(writer, reader.pages[number - 1])
                ref, box = forms[number]
                w, h = float(box.width), float(box.height)
                scale = min(1.0, (sheet_w / 2) / w, sheet_h / h)  # A5 fits exactly; larger pages shrink
                x = slot * sheet_w / 2 + (sheet_w / 2 - w * scale) / 2 - float(box.left) * scale
                y = (sheet_h - h * scale) / 2 - float(box.bottom) * scale
                name = f"/P{number}"
                xobjects[NameObject(name)] = ref
                ops.append(f"q {scale:.6f} 0 0 {scale:.6f} {x:.4f} {y:.4f} cm {name} Do Q")
                placed[number] = (len(writer.pages) - 1, x, y, scale)
            content = DecodedStreamObject()
            content.set_data("\n".join(ops).encode("ascii"))
            sheet[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
            sheet[NameObject("/Contents")] = writer._add_object(content)  # noqa: SLF001
            done += 1
            report(progress, done, total, _("冊子の面付け中"))
    _copy_outline(reader, writer, reader.outline, None, placed)
    if reader.metadata:
        writer.add_metadata({k: v for k, v in reader.metadata.items() if isinstance(v, str)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _copy_outline(reader, writer, items, parent, placed: dict[int, tuple[int, float, float, float]]) -> None:
    """The source's bookmarks, each pointing at the sheet face (and the spot on it) where its page
    was placed; nesting and titles kept."""
    from pypdf.generic import Fit

    last = None
    for item in items:
        if isinstance(item, list):  # the children of the entry before
            _copy_outline(reader, writer, item, last, placed)
            continue
        number = reader.get_destination_page_number(item)
        if number is None or number + 1 not in placed:
            continue
        face, x, y, scale = placed[number + 1]
        top = getattr(item, "top", None)
        left = getattr(item, "left", None)
        fit = Fit.xyz(
            left=x + float(left) * scale if left is not None else x,
            top=y + float(top) * scale if top is not None else None,
            zoom=None,
        )
        last = writer.add_outline_item(title=str(item.title), page_number=face, parent=parent, fit=fit)
