"""Saddle-stitch imposition: order of pages on each A4 landscape side, blank padding, back cover."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.pdfgen.canvas import Canvas

from kyodo_desk.documents.booklet import booklet_order, impose_booklet, page_sequence


def numbered_pdf(n: int) -> bytes:
    """*n* A5 pages, each showing only its page number (P1, P2, ...)."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A5)
    for i in range(1, n + 1):
        c.setFont("Helvetica", 40)
        c.drawCentredString(A5[0] / 2, A5[1] / 2, f"P{i}")
        c.showPage()
    c.save()
    return buf.getvalue()


def sides(pdf: bytes, source: bytes | None = None) -> list[tuple[str | None, str | None]]:
    """For each output page: (page seen on the left half, page seen on the right half), judged from
    the rendered pixels (what the printer gets) against the rendered source pages P1, P2, ..."""
    from PIL import ImageChops, ImageStat

    from tests.pdf_render import render_pdf

    dpi = 30
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == tuple(
            round(v) for v in landscape(A4)
        )
    n_source = len(PdfReader(io.BytesIO(source)).pages) if source else 16
    originals = render_pdf(source or numbered_pdf(n_source), dpi, gray=True)
    out = []
    for sheet in render_pdf(pdf, dpi, gray=True):
        half = sheet.width // 2
        seen = []
        for box in ((0, 0, half, sheet.height), (half, 0, 2 * half, sheet.height)):
            part = sheet.crop(box)
            if part.getextrema()[0] > 240:  # nothing printed
                seen.append(None)
                continue
            diffs = []
            for i, original in enumerate(originals, start=1):
                ow, oh = original.size
                left, top = (part.width - ow) // 2, (part.height - oh) // 2
                window = part.crop((left, top, left + ow, top + oh))
                diffs.append((ImageStat.Stat(ImageChops.difference(window, original)).mean[0], i))
            seen.append(f"P{min(diffs)[1]}")
        out.append((seen[0], seen[1]))
    return out


def expected(n: int, *, back_cover: bool = False) -> list[tuple[str | None, str | None]]:
    seq = page_sequence(n, back_cover=back_cover)
    total = len(seq)
    name = lambda p: None if seq[p - 1] is None else f"P{seq[p - 1]}"  # noqa: E731
    result = []
    for k in range(total // 4):
        result.append((name(total - 2 * k), name(2 * k + 1)))  # front
        result.append((name(2 * k + 2), name(total - 2 * k - 1)))  # back
    return result


def test_order_for_eight_pages_by_hand():
    assert booklet_order(8) == [((8, 1), (2, 7)), ((6, 3), (4, 5))]


@pytest.mark.parametrize("n", [8, 12, 13, 14, 15, 16, 3])
def test_imposed_pages_are_in_saddle_stitch_order(n):
    out = sides(impose_booklet(numbered_pdf(n)), numbered_pdf(n))
    assert len(out) == 2 * (-(-max(n, 4) // 4))
    assert out == expected(n)
    printed = [s for side in out for s in side if s]
    assert sorted(printed, key=lambda s: int(s[1:])) == [f"P{i}" for i in range(1, n + 1)]  # every page once


def test_thirteen_pages_pad_with_three_blanks_at_the_end():
    out = sides(impose_booklet(numbered_pdf(13)), numbered_pdf(13))
    # 16 slots: sheet 1 front = [16, 1] → blank + P1; back = [2, 15] → P2 + blank
    assert out[0] == (None, "P1")
    assert out[1] == ("P2", None)
    assert sum(1 for side in out for s in side if s is None) == 3


def test_back_cover_stays_on_the_outside():
    out = sides(impose_booklet(numbered_pdf(13), back_cover=True), numbered_pdf(13))
    assert out[0] == ("P13", "P1")  # last page of the document is the booklet's back cover
    assert out == expected(13, back_cover=True)
    assert page_sequence(13, back_cover=True)[-4:] == [None, None, None, 13]


def test_imposition_copies_each_page_once_and_keeps_its_fonts_shared():
    source = numbered_pdf(16)
    imposed = impose_booklet(source)
    reader = PdfReader(io.BytesIO(imposed))
    forms = {ref.idnum for page in reader.pages for ref in page["/Resources"]["/XObject"].values()}
    assert len(forms) == 16  # one Form XObject per A5 page, however many sides use it
    assert len(imposed) < 1.5 * len(source)  # fonts and content not duplicated


# ---------------------------------------------------------------- bookmarks kept (issue 15)


def bookmarked_pdf(n: int) -> bytes:
    """*n* A5 pages, each with a nested bookmark at a known height (y = 300 + page)."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A5)
    for i in range(1, n + 1):
        c.setFont("Helvetica", 40)
        c.drawCentredString(A5[0] / 2, A5[1] / 2, f"P{i}")
        c.bookmarkPage(f"p{i}", fit="XYZ", left=10, top=300 + i)
        c.addOutlineEntry(f"Page {i}", f"p{i}", level=0 if i % 3 == 1 else 1)
        c.showPage()
    c.save()
    return buf.getvalue()


def _face_of(n: int, page: int, back_cover: bool) -> tuple[int, int]:
    """(face index, 0 = left / 1 = right) where *page* lands in the imposed booklet."""
    for k, (front, back) in enumerate(booklet_order(n, back_cover=back_cover)):
        for side, (left, right) in enumerate((front, back)):
            if page in (left, right):
                return 2 * k + side, 0 if left == page else 1
    raise AssertionError(page)


@pytest.mark.parametrize("n,back_cover", [(5, False), (13, True), (16, False)])
def test_bookmarks_point_at_the_face_and_half_their_page_was_imposed_on(n, back_cover):
    imposed = PdfReader(io.BytesIO(impose_booklet(bookmarked_pdf(n), back_cover=back_cover)))
    seen = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
                continue
            page = int(item.title.split()[1])
            face, half = _face_of(n, page, back_cover)
            assert imposed.get_destination_page_number(item) == face, item.title
            sheet_w = float(imposed.pages[face].mediabox.width)
            assert (float(item.left) >= sheet_w / 2) == bool(half), (item.title, item.left)
            assert abs(float(item.top) - (300 + page + (float(imposed.pages[face].mediabox.height) - A5[1]) / 2)) < 1
            seen.append((depth, page))

    walk(imposed.outline, 0)
    assert seen == [(0 if i % 3 == 1 else 1, i) for i in range(1, n + 1)]


def test_handbook_booklet_bookmarks_land_on_their_headings():
    """Every bookmark of the A5 handbook booklet opens the sheet face holding its heading, on the
    half (left or right A5 page) where the heading is printed."""
    from kyodo_desk.documents.base import CenterInfo
    from kyodo_desk.documents.handbook import build_handbook, load_handbook
    from kyodo_desk.services.settings import CenterSettings
    from tests.pdf_render import text_positions

    result = build_handbook(load_handbook(None), CenterInfo.from_settings(CenterSettings()), booklet=True)
    reader = PdfReader(io.BytesIO(result.data))
    entries = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item))

    walk(reader.outline, 0)
    assert len(entries) > 40 and [d for d, _i in entries if d == 0]
    assert any(d == 1 for d, _i in entries) and not any(d > 2 for d, _i in entries)
    for _depth, item in entries:
        face = reader.get_destination_page_number(item)
        sheet_w = float(reader.pages[face].mediabox.width)
        right = float(item.left) >= sheet_w / 2
        want = item.title.replace(" ", "\u3000").split("\u3000")[-1][:2]
        hits = text_positions(result.data, face + 1, want)  # sheet coordinates (PDFium applies the placement)
        assert any((x >= sheet_w / 2) == right and abs(y - float(item.top)) < 30 for x, y in hits), (
            item.title,
            hits,
            item.left,
            item.top,
        )
