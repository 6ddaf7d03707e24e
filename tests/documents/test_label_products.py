"""Product sheets (エーワン, コクヨ) by product number: ordered by maker, found by number, and their QR
codes decode when printed with long names (as does the smallest generic sheet)."""

from __future__ import annotations

import pytest
import zxingcpp

from kyodo_desk.documents.labels import (
    PAGE_H,
    LabelData,
    build_label_sheets,
    builtin_templates,
    find_template,
    ordered_templates,
    qr_square,
)
from tests.documents.test_label_fit import LONG_CENTER, LONG_JAPANESE, MIXED
from tests.pdf_render import render_pdf


def test_ordered_generic_first_then_by_maker_and_number():
    order = ordered_templates(builtin_templates())
    makers = [t.maker for t in order]
    assert makers[:3] == ["", "", ""] and [t.name for t in order[:3]] == ["a4-12", "a4-24", "a4-44"]
    assert makers[3:] == sorted(makers[3:], key=["エーワン", "コクヨ"].index)
    assert find_template(builtin_templates(), "72110").name == "a-one-72110"
    assert find_template(builtin_templates(), "kpc-e1121-20n").maker == "コクヨ"
    assert find_template(builtin_templates(), "99999") is None


@pytest.mark.parametrize("name", ["a4-44", *[t.name for t in builtin_templates().values() if t.maker]])
def test_codes_decode_with_long_names(name):
    template = builtin_templates()[name]
    labels = [
        LabelData(f"KD-{i:05d}", [LONG_JAPANESE, MIXED][i % 2], LONG_CENTER, "電話 076-220-2026")
        for i in range(1, template.per_sheet + 1)
    ]
    dpi = 150
    page = render_pdf(build_label_sheets(labels, template), dpi, [1])[0]
    scale = dpi / 72
    decoded = []
    for slot in range(template.per_sheet):
        qx, qy, size = qr_square(template, *template.position(slot))
        box = (
            int(qx * scale),
            int((PAGE_H - qy - size) * scale),
            int((qx + size) * scale) + 1,
            int((PAGE_H - qy) * scale) + 1,
        )
        found = zxingcpp.read_barcodes(page.crop(box))
        decoded.append(found[0].text if len(found) == 1 else None)
    assert decoded == [label.asset_tag for label in labels]
