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


def sides(pdf: bytes) -> list[tuple[str | None, str | None]]:
    """For each output page: (text on the left half, text on the right half)."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == tuple(
            round(v) for v in landscape(A4)
        )
        found: dict[str, str] = {}

        def visit(text, cm, tm, font, size, found=found):
            if text.strip():
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                found["left" if x < landscape(A4)[0] / 2 else "right"] = text.strip()

        page.extract_text(visitor_text=visit)
        out.append((found.get("left"), found.get("right")))
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
    out = sides(impose_booklet(numbered_pdf(n)))
    assert len(out) == 2 * (-(-max(n, 4) // 4))
    assert out == expected(n)
    printed = [s for side in out for s in side if s]
    assert sorted(printed, key=lambda s: int(s[1:])) == [f"P{i}" for i in range(1, n + 1)]  # every page once


def test_thirteen_pages_pad_with_three_blanks_at_the_end():
    out = sides(impose_booklet(numbered_pdf(13)))
    # 16 slots: sheet 1 front = [16, 1] → blank + P1; back = [2, 15] → P2 + blank
    assert out[0] == (None, "P1")
    assert out[1] == ("P2", None)
    assert sum(1 for side in out for s in side if s is None) == 3


def test_back_cover_stays_on_the_outside():
    out = sides(impose_booklet(numbered_pdf(13), back_cover=True))
    assert out[0] == ("P13", "P1")  # last page of the document is the booklet's back cover
    assert out == expected(13, back_cover=True)
    assert page_sequence(13, back_cover=True)[-4:] == [None, None, None, 13]
