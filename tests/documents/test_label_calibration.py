"""The calibration page: numbered millimetre rulers on both axes (read back from the PDF and counted
on the rendered page), the printed how-to, every label's outline where the sheet has it."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from kyodo_desk.documents.fonts import register_reportlab_font
from kyodo_desk.documents.labels import (
    PAGE_H,
    RULER_AT_MM,
    build_calibration_page,
    builtin_templates,
    calibration_steps,
)
from tests.pdf_render import render_pdf


def _runs(pdf: bytes) -> list[tuple[str, float, float, float]]:
    """(text, x, y, size) of every text run on page 1, as a PDF reader sees them."""
    out: list[tuple[str, float, float, float]] = []

    def visit(text, cm, tm, _font, size):
        if text.strip():
            out.append((text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], size * tm[0]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return out


@pytest.mark.parametrize("name", ["a4-44", "kokuyo-kpc-e1121-20n"])
def test_ruler_numbers_sit_at_their_millimetre(name):
    pdf = build_calibration_page(builtin_templates()[name])
    font = register_reportlab_font().reportlab_name
    runs = _runs(pdf)
    top = {}
    left = {}
    for text, x, y, size in runs:
        if not text.strip().isdigit():
            continue
        value = int(text)
        centre = x + stringWidth(text, font, size) / 2
        if abs(y - (PAGE_H - RULER_AT_MM * mm - 2.8 * mm)) < 0.5:
            top.setdefault(value, centre)
        elif abs(x - (RULER_AT_MM + 1.0) * mm) < 0.5:
            left.setdefault(value, y)
    assert sorted(top) == list(range(20, 201, 10))
    assert sorted(left) == list(range(20, 291, 10))
    for value, centre in top.items():
        assert abs(centre - value * mm) < 0.05 * mm, value  # each number is centred on its own tick
    for value, y in left.items():
        assert abs((PAGE_H - y) - (value + 1.0) * mm) < 0.05 * mm, value  # baseline 1 mm below its tick


def test_ruler_ticks_every_millimetre_longer_every_5_and_10():
    """Counted on the rendered page (300 dpi) just above the top ruler's line."""
    pdf = build_calibration_page(builtin_templates()["a4-12"])  # nothing else near the top edge
    image = render_pdf(pdf, 300, [1])[0].convert("L")
    px = 300 / 25.4

    def ticks_at(depth_mm: float) -> int:
        row = round((RULER_AT_MM - depth_mm) * px)
        values = [image.getpixel((x, row)) for x in range(round(14 * px), round(206 * px))]
        return sum(1 for a, b in zip(values, values[1:], strict=False) if a >= 160 > b)

    assert ticks_at(0.7) == 191  # 15 … 205 mm: every millimetre
    assert ticks_at(2.0) == 39  # 5 mm and 10 mm ticks
    assert ticks_at(3.4) == 19  # 20 … 200: the numbered ones


def test_how_to_is_printed_in_japanese():
    template = builtin_templates()["a-one-72110"]
    pdf = build_calibration_page(template, offset_x_mm=1.5, offset_y_mm=-0.5)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\n", "")
    for needle in (
        "100%",
        "実際のサイズ",
        "用紙に合わせる",
        "右へ (X)",
        "下へ (Y)",
        "在庫",
        "ラベルを印刷",
        "1.5",
        "-0.5",
    ):
        assert needle in text, needle
    assert template.title in text
    assert len(calibration_steps(template)) >= 5


def test_outline_numbers_for_every_label():
    template = builtin_templates()["a4-44"]
    runs = _runs(build_calibration_page(template))
    small = {int(t) for t, _x, _y, size in runs if t.strip().isdigit() and abs(size - 6) < 0.01}
    assert set(range(1, template.per_sheet + 1)) <= small
