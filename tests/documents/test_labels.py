"""Every printed label decodes back to its asset tag (QtPdf rendering → zxing-cpp), on every sheet."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from kyodo_desk.documents.labels import (
    PAGE_H,
    LabelData,
    LabelTemplate,
    build_calibration_page,
    build_label_sheets,
    builtin_templates,
)
from tests.pdf_render import render_pdf

DPI = 200


def _labels(n: int) -> list[LabelData]:
    return [
        LabelData(f"KD-{i:04d}", "タブレット Apple iPad 第9世代", "金沢市市民活動サポートセンター", "電話 076-220-2026")
        for i in range(1, n + 1)
    ]


def _render(pdf: bytes, tmp_path: Path) -> list[Image.Image]:
    return render_pdf(pdf, DPI)


def _decode_slots(pages: list[Image.Image], template: LabelTemplate, start: int, count: int) -> list[str | None]:
    """Decode the QR of each used slot, cropping the label's own rectangle out of the page image."""
    scale = DPI / 72.0
    out = []
    for k in range(count):
        slot = start - 1 + k
        page = pages[slot // template.per_sheet]
        x, y = template.position(slot)
        w, h = template.label_width * 72 / 25.4, template.label_height * 72 / 25.4
        box = (int(x * scale), int((PAGE_H - y - h) * scale), int((x + w) * scale), int((PAGE_H - y) * scale))
        found = zxingcpp.read_barcodes(page.crop(box))
        out.append(found[0].text if len(found) == 1 else None)
    return out


@pytest.mark.parametrize("name", ["a4-12", "a4-24", "a4-44"])
def test_every_label_decodes_to_its_tag(name, tmp_path):
    template = builtin_templates()[name]
    labels = _labels(template.per_sheet + 3)  # a full sheet and a bit of the next one
    start = 2
    pdf = build_label_sheets(labels, template, start=start)
    pages = _render(pdf, tmp_path)
    assert len(pages) == 2
    assert _decode_slots(pages, template, start, len(labels)) == [label.asset_tag for label in labels]
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "KD-0001" in text and "金沢市市民活動サポートセンター" in text and "\ufffd" not in text


def test_start_position_leaves_used_labels_blank(tmp_path):
    template = builtin_templates()["a4-12"]
    pdf = build_label_sheets(_labels(1), template, start=5)
    pages = _render(pdf, tmp_path)
    decoded = _decode_slots(pages, template, 1, 5)
    assert decoded == [None, None, None, None, "KD-0001"]


def test_printer_offset_moves_the_labels(tmp_path):
    template = builtin_templates()["a4-12"]
    (tmp_path / "a").mkdir()
    plain = _render(build_label_sheets(_labels(1), template), tmp_path / "a")
    assert _decode_slots(plain, template, 1, 1) == ["KD-0001"]
    shifted = build_label_sheets(_labels(1), template, offset_x_mm=60, offset_y_mm=30)
    (tmp_path / "b").mkdir()
    pages = _render(shifted, tmp_path / "b")
    # 60 mm right, 30 mm down: the code has left its own slot...
    assert _decode_slots(pages, template, 1, 1) == [None]
    # ...and sits where the shifted rectangle is.
    scale = DPI / 72.0
    x, y = template.position(0)
    x, y = x + 60 * 72 / 25.4, y - 30 * 72 / 25.4
    w, h = template.label_width * 72 / 25.4, template.label_height * 72 / 25.4
    crop = pages[0].crop(
        (int(x * scale), int((PAGE_H - y - h) * scale), int((x + w) * scale), int((PAGE_H - y) * scale))
    )
    assert [b.text for b in zxingcpp.read_barcodes(crop)] == ["KD-0001"]


def test_qr_is_vector_not_an_image():
    pdf = build_label_sheets(_labels(2), builtin_templates()["a4-24"])
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "/XObject" not in page["/Resources"] or not page["/Resources"]["/XObject"]


def test_calibration_page_and_template_validation():
    template = builtin_templates()["a4-44"]
    pdf = build_calibration_page(template, offset_x_mm=1.5, offset_y_mm=-0.5)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1 and "位置合わせ" in reader.pages[0].extract_text()
    for t in builtin_templates().values():
        assert t.validate() == [], t.name
    bad = LabelTemplate("x", "x", 3, 8, 80, 40, 0, 0, 80, 40)
    assert any("はみ出します" in p for p in bad.validate())


@pytest.mark.parametrize("name", ["a4-24", "a4-44"])
def test_every_label_decodes_at_100_dpi(name):
    """A cheap office printer or a fax-grade scan: 100 dpi, asset tags as the demo numbers them."""
    template = builtin_templates()[name]
    labels = [
        LabelData(f"KD-{i:05d}", "ノートパソコン", "金沢市市民活動サポートセンター", "076-220-2026")
        for i in range(1001, 1001 + template.per_sheet)
    ]
    pages = render_pdf(build_label_sheets(labels, template), 100)
    scale = 100 / 72.0
    decoded = []
    for slot in range(len(labels)):
        x, y = template.position(slot)
        w, h = template.label_width * 72 / 25.4, template.label_height * 72 / 25.4
        box = (int(x * scale), int((PAGE_H - y - h) * scale), int((x + w) * scale), int((PAGE_H - y) * scale))
        found = zxingcpp.read_barcodes(pages[0].crop(box))
        decoded.append(found[0].text if len(found) == 1 else None)
    assert decoded == [label.asset_tag for label in labels]


@pytest.mark.parametrize("data, level", [("KD-00001", "H"), ("KD-12345", "Q"), ("https://example.jp/kyodo?x=1", "M")])
def test_rectangles_cover_exactly_the_dark_modules(data, level):
    from kyodo_desk.documents.qr import dark_rectangles, qr_matrix

    matrix = qr_matrix(data, level)
    painted = [[0] * len(matrix) for _ in matrix]
    for c, r, w, h in dark_rectangles(matrix):
        for rr in range(r, r + h):
            for cc in range(c, c + w):
                painted[rr][cc] += 1
    assert painted == [[1 if dark else 0 for dark in row] for row in matrix]  # every dark module once, nothing else
