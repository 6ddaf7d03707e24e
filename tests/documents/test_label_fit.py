"""No text ever leaves its label: every string drawn on every sheet (generic and product ones), with
long and hostile device names, centre names and tags, stays inside its own label's text column —
never over the code, the next label or the sheet's edge.

Two independent checks: the canvas's draw calls are recorded and each string's box (advance width ×
ascent…descent of the font) is compared with the label it is drawn for; and the rendered page has
no ink at all outside the labels' rectangles.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kyodo_desk.documents import labels as labels_module
from kyodo_desk.documents.label_text import fit_text, printable, wrap
from kyodo_desk.documents.labels import (
    PAGE_H,
    LabelData,
    LabelTemplate,
    build_label_sheets,
    builtin_templates,
    qr_square,
)
from tests.pdf_render import render_pdf

LONG_LATIN = "Supercalifragilisticexpialidocious" * 3 + "-ProMaxUltra"
LONG_JAPANESE = "超高速大容量ポータブル電源ユニット付属ワイヤレスプレゼンテーション用マイクロフォンセット" * 2
MIXED = "タブレット Apple iPad Pro 12.9インチ（第6世代）Wi-Fi+Cellular 1TB スペースグレイ【貸出専用・持出注意】"
HOSTILE = "📱スマホ\x00\tテスト👍🏽\u200d\ufeff" + "🎉" * 20 + "\u3000" * 5 + "終"
LONG_CENTER = "特定非営利活動法人 金沢市市民活動サポートセンター運営協議会 事務局（市民協働推進課内）"
NAMES = [LONG_LATIN, LONG_JAPANESE, MIXED, HOSTILE, "", "W" * 200, "あ" * 300, "x " * 150]


def _labels() -> list[LabelData]:
    out = []
    for i, name in enumerate(NAMES):
        out.append(
            LabelData(f"KD-{i + 1:05d}", name, LONG_CENTER, "電話 076-220-2026 / FAX 076-220-2027（平日9時〜17時）")
        )
    out.append(LabelData("KD-" + "9" * 40, LONG_JAPANESE, LONG_LATIN, LONG_LATIN))  # a tag far too long as well
    out.append(LabelData("KD-00100", "ノートパソコン", "金沢市市民活動サポートセンター", "電話 076-220-2026"))
    return out


@dataclass
class Drawn:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    cell: tuple[float, float, float, float]  # x, y, w, h of the label it belongs to
    qr_right: float


def _record(monkeypatch) -> list[Drawn]:
    """Wrap the label drawing and the canvas's string calls; each string gets its label's cell."""
    drawn: list[Drawn] = []
    current: dict[str, tuple] = {}
    original_label = labels_module._draw_label

    def draw_label(c, label, template, x, y, font, bold):
        qx, _qy, qs = qr_square(template, x, y)
        current["cell"] = (x, y, template.label_width * mm, template.label_height * mm)
        current["qr_right"] = qx + qs
        try:
            original_label(c, label, template, x, y, font, bold)
        finally:
            current.clear()

    def recorder(kind):
        original = getattr(Canvas, kind)

        def draw(self, x, y, text, *args, **kwargs):
            if "cell" in current and text:
                font, size = self._fontname, self._fontsize
                w = stringWidth(text, font, size)
                x0 = {"drawString": x, "drawCentredString": x - w / 2, "drawRightString": x - w}[kind]
                ascent, descent = pdfmetrics.getAscentDescent(font, size)
                drawn.append(Drawn(text, x0, y + descent, x0 + w, y + ascent, current["cell"], current["qr_right"]))
            return original(self, x, y, text, *args, **kwargs)

        return draw

    monkeypatch.setattr(labels_module, "_draw_label", draw_label)
    for kind in ("drawString", "drawCentredString", "drawRightString"):
        monkeypatch.setattr(Canvas, kind, recorder(kind))
    return drawn


def _overflow(d: Drawn) -> float:
    """How far (points) the string's box reaches outside its label's cell, or into the code."""
    x, y, w, h = d.cell
    return max(0.0, x - d.x0, d.x1 - (x + w), y - d.y0, d.y1 - (y + h), d.qr_right - d.x0)


def _all_templates() -> list[LabelTemplate]:
    tiny = LabelTemplate("tiny", "tiny", 5, 20, 38.0, 13.0, 10.0, 10.0, 38.0, 13.5)  # a small user-made sheet
    return [*builtin_templates().values(), tiny]


def test_product_sheets_are_listed():
    products = [t for t in builtin_templates().values() if t.maker]
    assert {t.maker for t in products} == {"エーワン", "コクヨ"}
    for t in products:
        assert t.product in t.title and t.title.startswith(t.maker) and f"{t.per_sheet}面" in t.title
        assert t.source.startswith("https://") and t.validate() == []


@pytest.mark.parametrize("template", _all_templates(), ids=lambda t: t.name)
def test_every_string_stays_inside_its_label(template, monkeypatch):
    drawn = _record(monkeypatch)
    labels = _labels()
    build_label_sheets(labels, template, start=max(1, template.per_sheet - 3))  # wraps onto a 2nd sheet
    assert drawn, "nothing was recorded"
    worst = max(drawn, key=_overflow)
    assert _overflow(worst) <= 0.01, f"{worst.text!r} reaches {_overflow(worst) / mm:.2f} mm outside its label"
    texts = "".join(d.text for d in drawn)
    assert "\x00" not in texts and "📱" not in texts and "\ufeff" not in texts
    assert "…" in texts  # what could not fit was cut visibly, not silently
    for label in labels[:3]:  # the names that need it are wrapped onto two lines
        assert label.asset_tag in texts


@pytest.mark.parametrize("name", ["a4-44", "a-one-72110"])
def test_no_ink_outside_the_labels(name):
    """Rendered: everything outside the labels' rectangles is white paper."""
    template = builtin_templates()[name]
    labels = _labels()[: template.per_sheet]
    pages = render_pdf(build_label_sheets(labels * (template.per_sheet // len(labels) + 1), template), 100, [1])
    image = pages[0].convert("L")
    scale = 100 / 72
    from PIL import ImageDraw

    mask = image.copy()
    draw = ImageDraw.Draw(mask)
    for slot in range(template.per_sheet):
        x, y = template.position(slot)
        w, h = template.label_width * mm, template.label_height * mm
        draw.rectangle(
            (
                int(x * scale) - 1,
                int((PAGE_H - y - h) * scale) - 1,
                int((x + w) * scale) + 1,
                int((PAGE_H - y) * scale) + 1,
            ),
            fill=255,
        )
    dark = sum(1 for px in mask.tobytes() if px < 200)
    assert dark == 0, f"{dark} dark pixels outside the labels"


def test_names_shrink_then_wrap_then_end_with_ellipsis():
    from kyodo_desk.documents.fonts import register_reportlab_font

    font = register_reportlab_font().reportlab_name
    short = fit_text("ノートPC", font, 9, 60, 30, floor=5, max_lines=2)
    assert short.size == 9 and short.lines == ("ノートPC",)
    shrunk = fit_text("ノートパソコン Windows", font, 9, 60, 30, floor=5, max_lines=2)
    assert 5 <= shrunk.size < 9 and len(shrunk.lines) == 1 and stringWidth(shrunk.lines[0], font, shrunk.size) <= 60
    wrapped = fit_text("ノートパソコン Windows 11 Pro 第12世代", font, 9, 60, 30, floor=5, max_lines=2)
    assert len(wrapped.lines) == 2 and wrapped.size >= 5 and "…" not in wrapped.text
    cut = fit_text(LONG_JAPANESE, font, 9, 60, 30, floor=5, max_lines=2)
    assert cut.size == 5 and len(cut.lines) == 2 and cut.lines[-1].endswith("…")
    assert all(stringWidth(line, font, cut.size) <= 60 for line in cut.lines)


def test_japanese_wraps_per_character_with_kinsoku():
    from kyodo_desk.documents.fonts import register_reportlab_font

    font = register_reportlab_font().reportlab_name
    text = "プロジェクター(エプソン製)、スクリーン付き。「貸出用」です"
    for width in range(40, 140, 3):
        lines = wrap(text, font, 8, width)
        assert "".join(lines) == text
        for line in lines[1:]:
            assert line[0] not in "、。)」ー"
        for line in lines[:-1]:
            assert line[-1] not in "(「"
    latin = wrap("Apple iPad Pro", font, 8, stringWidth("Apple iPad", font, 8) + 1)
    assert latin == ["Apple iPad", "Pro"]  # Latin words are kept whole at spaces


def test_printable_drops_what_the_font_cannot_print():
    from kyodo_desk.documents.fonts import register_reportlab_font

    font = register_reportlab_font().reportlab_name
    assert printable("A\x00B\tC📱D\u200dE  F\ufe0f", font) == "AB CDE F"


def test_text_is_still_readable_back_from_the_pdf():
    pdf = build_label_sheets(_labels(), builtin_templates()["a4-12"])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "KD-00001" in text and "Supercalifragilistic" in text and "超高速大容量" in text and "\ufffd" not in text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(min_size=0, max_size=120),
    center=st.text(min_size=0, max_size=60),
    template_name=st.sampled_from(sorted(builtin_templates())),
)
def test_any_text_stays_inside(name, center, template_name, monkeypatch):
    drawn = _record(monkeypatch)
    try:
        build_label_sheets(
            [LabelData("KD-00001", name, center, "電話 " + name[:20])], builtin_templates()[template_name]
        )
    finally:
        monkeypatch.undo()
    assert all(_overflow(d) <= 0.01 for d in drawn), [(d.text, _overflow(d)) for d in drawn if _overflow(d) > 0.01]


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(min_size=0, max_size=80),
    width=st.floats(min_value=0.5, max_value=200),
    height=st.floats(min_value=0.5, max_value=60),
    lines=st.integers(min_value=1, max_value=3),
)
def test_fit_text_never_exceeds_its_box(text, width, height, lines):
    from kyodo_desk.documents.fonts import register_reportlab_font
    from kyodo_desk.documents.label_text import block_height

    font = register_reportlab_font().reportlab_name
    fitted = fit_text(text, font, 9, width, height, floor=5, max_lines=lines)
    assert len(fitted.lines) <= lines
    assert all(stringWidth(line, font, fitted.size) <= width + 1e-6 for line in fitted.lines)
    assert block_height(fitted, font) <= height + 1e-6
