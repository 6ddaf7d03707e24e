"""QR label sheets for devices.

Sheet templates are data (millimetres; ``resources/labels/templates.json`` plus user-defined ones):
generic A4 12/24/44-up sheets and products sold in Japan (エーワン, コクヨ) by product number, each
with the catalogue page its geometry comes from.  Each label: a vector QR code whose payload is
the plain asset tag (error correction H, or Q on small labels), a 4-module quiet zone, and beside
it the asset tag, the device name and the center's name and phone.  Every text stays inside its
label: it shrinks to a floor, then wraps onto two lines, then ends with 「…」
(:mod:`kyodo_desk.documents.label_text`).  Printing can start at any position of a partly used
sheet, and a per-printer X/Y offset moves everything to match the printer; the calibration page
(numbered millimetre rulers, a printed how-to) measures it.  Print at 100% (no "fit to page").
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kyodo_desk.config import resource_dir
from kyodo_desk.documents.base import Progress, report
from kyodo_desk.documents.fonts import register_reportlab_font
from kyodo_desk.documents.label_text import FittedText, block_height, draw_text_box, fit_text
from kyodo_desk.documents.qr import LABEL_MASK, draw_qr, qr_matrix
from kyodo_desk.i18n import _

PAGE_W, PAGE_H = A4


@dataclass(frozen=True)
class LabelTemplate:
    name: str
    title: str
    columns: int
    rows: int
    label_width: float  # mm
    label_height: float
    left: float
    top: float
    pitch_x: float
    pitch_y: float
    maker: str = ""  # 「エーワン」「コクヨ」; empty for generic and user-defined sheets
    product: str = ""  # the maker's product number, as printed on the package
    source: str = ""  # where the geometry comes from (catalogue page)
    # the stored sheet's version when read (services/labels.py refuses a save over a newer one);
    # 0: built in, or not saved yet.  Not part of the sheet: left out of to_json() and of ==.
    version: int = field(default=0, compare=False)

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    @property
    def error_correction(self) -> str:
        return "Q" if self.label_height < 30 else "H"

    def validate(self) -> list[str]:
        problems = []
        if self.columns < 1 or self.rows < 1:
            problems.append(_("列数と段数は1以上にしてください。"))
        if self.label_width <= 10 or self.label_height <= 10:
            problems.append(_("ラベルの幅と高さは10mmより大きくしてください。"))
        if self.pitch_x < self.label_width or self.pitch_y < self.label_height:
            problems.append(_("ラベルの間隔(ピッチ)はラベルの大きさ以上にしてください。"))
        right = self.left + (self.columns - 1) * self.pitch_x + self.label_width
        bottom = self.top + (self.rows - 1) * self.pitch_y + self.label_height
        if self.left < 0 or self.top < 0 or right > 210.5 or bottom > 297.5:
            problems.append(_("ラベルがA4用紙(210×297mm)からはみ出します。余白と間隔を見直してください。"))
        return problems

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if k != "version"}, ensure_ascii=False)

    def position(self, index: int) -> tuple[float, float]:
        """Bottom-left corner (points, before offset) of label *index* (0-based, row by row)."""
        row, col = divmod(index % self.per_sheet, self.columns)
        x = (self.left + col * self.pitch_x) * mm
        y = PAGE_H - (self.top + row * self.pitch_y + self.label_height) * mm
        return x, y


@dataclass(frozen=True)
class LabelData:
    asset_tag: str
    device_name: str
    center_name: str
    center_phone: str


def builtin_templates(path: Path | None = None) -> dict[str, LabelTemplate]:
    raw = json.loads((path or resource_dir() / "labels" / "templates.json").read_text(encoding="utf-8"))
    fields = set(LabelTemplate.__dataclass_fields__)
    return {t["name"]: LabelTemplate(**{k: v for k, v in t.items() if k in fields}) for t in raw["templates"]}


MAKER_ORDER = ("エーワン", "コクヨ")


def ordered_templates(templates: dict[str, LabelTemplate]) -> list[LabelTemplate]:
    """Generic and user-defined sheets first (as given), then the products by maker and number."""
    generic = [t for t in templates.values() if not t.maker]
    products = sorted(
        (t for t in templates.values() if t.maker),
        key=lambda t: (MAKER_ORDER.index(t.maker) if t.maker in MAKER_ORDER else len(MAKER_ORDER), t.maker, t.product),
    )
    return generic + products


def find_template(templates: dict[str, LabelTemplate], key: str) -> LabelTemplate | None:
    """The sheet named *key*, or the one product whose number is *key* (「72110」「kpc-e1121-20n」)."""
    if key in templates:
        return templates[key]
    folded = key.strip().casefold()
    matches = [t for t in templates.values() if t.product and t.product.casefold() == folded]
    return matches[0] if len(matches) == 1 else None


QUIET_ZONE = 4  # modules of white around each label's code


def label_matrix(asset_tag: str, error_correction: str) -> list[list[bool]]:
    """The QR module matrix a label prints for *asset_tag* (self-test compares printed labels with it)."""
    return qr_matrix(asset_tag, error_correction, mask_pattern=LABEL_MASK)


def qr_square(template: LabelTemplate, x: float, y: float) -> tuple[float, float, float]:
    """Lower-left corner and side (points, quiet zone included) of the code on the label at (*x*, *y*)."""
    w, h = template.label_width * mm, template.label_height * mm
    pad = min(2.0 * mm, h * 0.08)
    qr_size = min(h - 2 * pad, w * 0.48)
    return x + pad, y + (h - qr_size) / 2, qr_size


# Text sizes on a label (points): the size a text starts at and the floor it may shrink to before
# it wraps (then ends with …).  Below ~4 pt BIZ UDGothic is no longer readable on office printers.
TAG_FLOOR = 6.0
NAME_FLOOR = 5.0
SMALL_FLOOR = 4.0


@dataclass(frozen=True)
class TextBlock:
    """One text drawn on a label: its box (left, top, width; points) and what goes in it."""

    role: str  # "tag", "name", "center", "phone"
    x: float
    top: float
    width: float
    height: float
    font: str
    fitted: FittedText


def text_area(template: LabelTemplate, x: float, y: float) -> tuple[float, float, float, float]:
    """(left, bottom, width, height) of the text column beside the code on the label at (*x*, *y*)."""
    w, h = template.label_width * mm, template.label_height * mm
    pad = min(2.0 * mm, h * 0.08)
    _qx, _qy, qr_size = qr_square(template, x, y)
    left = x + pad + qr_size + pad * 0.5
    return left, y + pad, max(0.0, x + w - pad - left), max(0.0, h - 2 * pad)


def label_text_blocks(
    label: LabelData, template: LabelTemplate, x: float, y: float, font: str, bold: str
) -> list[TextBlock]:
    """Where each text of *label* goes and at which size, all inside the text column: the tag at
    the top, the center's phone at the bottom with its name above it, the device name between."""
    h_mm = template.label_height
    left, bottom, width, height = text_area(template, x, y)
    top = bottom + height
    gap = min(1.2 * mm, height * 0.04)
    blocks = []
    tag = fit_text(label.asset_tag, bold, min(16.0, h_mm * 0.42), width, height, floor=TAG_FLOOR)
    blocks.append(TextBlock("tag", left, top, width, height, bold, tag))
    used_top = _height(tag, bold) + gap if tag.lines else 0.0
    small = max(SMALL_FLOOR, min(7.0, h_mm * 0.17))
    room = max(0.0, height - used_top)
    phone = fit_text(label.center_phone, font, small, width, room, floor=SMALL_FLOOR)
    phone_h = _height(phone, font)
    room -= phone_h + (gap * 0.5 if phone.lines else 0.0)
    two_lines = block_height(FittedText(small, ("", "")), font)
    center = fit_text(
        label.center_name, font, small, width, max(0.0, min(room * 0.45, two_lines)), floor=SMALL_FLOOR, max_lines=2
    )
    center_h = _height(center, font)
    phone_top = bottom + phone_h
    center_top = phone_top + (gap * 0.5 if phone.lines else 0.0) + center_h
    name_room = max(0.0, (top - used_top) - center_top - (gap if center.lines else 0.0))
    name_size = max(NAME_FLOOR, min(9.0, h_mm * 0.22))
    name = fit_text(label.device_name, font, name_size, width, name_room, floor=NAME_FLOOR, max_lines=2)
    blocks.append(TextBlock("name", left, top - used_top, width, name_room, font, name))
    blocks.append(TextBlock("center", left, center_top, width, center_h, font, center))
    blocks.append(TextBlock("phone", left, phone_top, width, phone_h, font, phone))
    return blocks


def _height(fitted: FittedText, font: str) -> float:
    return block_height(fitted, font)


def _draw_label(c: Canvas, label: LabelData, template: LabelTemplate, x: float, y: float, font: str, bold: str) -> None:
    qx, qy, qr_size = qr_square(template, x, y)
    draw_qr(
        c,
        label.asset_tag,
        qx,
        qy,
        qr_size,
        error_correction=template.error_correction,
        quiet_zone=QUIET_ZONE,
        mask_pattern=LABEL_MASK,  # no mask search: 1,000 labels in a second; each still decodes (tested)
    )
    for block in label_text_blocks(label, template, x, y, font, bold):
        draw_text_box(c, block.fitted, block.font, block.x, block.top, block.width)


def build_label_sheets(
    labels: list[LabelData],
    template: LabelTemplate,
    *,
    start: int = 1,
    offset_x_mm: float = 0.0,
    offset_y_mm: float = 0.0,
    outlines: bool = False,
    progress: Progress | None = None,
) -> bytes:
    """PDF bytes of A4 sheets with *labels*, the first at position *start* (1-based)."""
    if not 1 <= start <= template.per_sheet:
        raise ValueError(_("開始位置は1〜{n}の番号にしてください。").format(n=template.per_sheet))
    if not labels:
        raise ValueError(_("印刷するラベルがありません。"))
    jp = register_reportlab_font()
    font, bold = jp.reportlab_name, jp.reportlab_bold_name
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(_("機器ラベル"))
    c.setAuthor(labels[0].center_name)
    c.setCreator("協働デスク (Kyodo Desk)")
    dx, dy = offset_x_mm * mm, -offset_y_mm * mm  # +Y moves down the page, as people measure it
    slot = start - 1
    for i, label in enumerate(labels):
        if slot and slot % template.per_sheet == 0:
            c.showPage()
        x, y = template.position(slot)
        if outlines:
            c.setLineWidth(0.2)
            c.rect(x + dx, y + dy, template.label_width * mm, template.label_height * mm)
        _draw_label(c, label, template, x + dx, y + dy, font, bold)
        slot += 1
        report(progress, i + 1, len(labels), _("ラベル"))
    c.showPage()
    c.save()
    return buf.getvalue()


RULER_AT_MM = 12.0  # the rulers' lines: this far from the top and the left edge of the sheet
RULER_START_MM = 15  # the top ruler starts here (left of it is the left ruler)


def calibration_steps(template: LabelTemplate) -> list[str]:
    """The printed how-to, one step per item."""
    return [
        _(
            "印刷するときは、倍率を「100%」または「実際のサイズ」にします。「用紙に合わせる」「拡大/縮小」は使いません。"
        ),
        _("倍率の確認: 上の目盛りの「20」から「200」まで定規で測り、180mmあれば正しく印刷されています。"),
        _(
            "ずれを測る: この紙を「{title}」の用紙に重ねて光に透かし、1番の枠の左上の角と本物のラベルの左上の角の"
            "ずれを測ります(目盛り1つが1mm)。"
        ).format(title=template.title),
        _("枠が本物より左にあればその分を「右へ (X)」に、上にあればその分を「下へ (Y)」に足します(逆ならマイナス)。"),
        _(
            "入れる場所: 「機器貸出」の「在庫」タブ →「ラベルを印刷…」→「この端末のプリンターのずれ」。コマンドでは"
            " --offset-x / --offset-y です。値はこの端末に保存されます。"
        ),
        _("もう一度この用紙を印刷して、枠とラベルが重なることを確かめてから、ラベル用紙に印刷します。"),
    ]


def _draw_rulers(c: Canvas, font: str) -> None:
    """Millimetre rulers measured from the sheet's top and left edges: a tick every 1 mm, longer
    every 5 mm, longest and numbered every 10 mm."""
    c.saveState()
    c.setLineWidth(0.25)
    c.setFont(font, 6)
    at = RULER_AT_MM * mm
    c.line(RULER_START_MM * mm, PAGE_H - at, PAGE_W - 5 * mm, PAGE_H - at)
    for k in range(RULER_START_MM, 206):
        length = 4.0 if k % 10 == 0 else 2.5 if k % 5 == 0 else 1.5
        c.line(k * mm, PAGE_H - at, k * mm, PAGE_H - at + length * mm)
        if k % 10 == 0:
            c.drawCentredString(k * mm, PAGE_H - at - 2.8 * mm, str(k))
    c.line(at, PAGE_H - RULER_START_MM * mm, at, 5 * mm)
    for k in range(RULER_START_MM, 293):
        length = 4.0 if k % 10 == 0 else 2.5 if k % 5 == 0 else 1.5
        c.line(at, PAGE_H - k * mm, at - length * mm, PAGE_H - k * mm)
        if k % 10 == 0:
            c.drawString(at + 1.0 * mm, PAGE_H - k * mm - 1.0 * mm, str(k))
    c.drawString(at + 1.0 * mm, PAGE_H - at - 2.8 * mm, "mm")
    c.restoreState()


def _draw_how_to(c: Canvas, template: LabelTemplate, font: str, bold: str, offset: tuple[float, float]) -> None:
    """The how-to in a white box in the middle of the page (the outlines around it stay visible)."""
    box_w, box_x = 150 * mm, (PAGE_W - 150 * mm) / 2
    inner = box_w - 8 * mm
    title = fit_text(_("ラベル位置合わせ用紙の使い方"), bold, 12, inner, 14, floor=8)
    lines: list[tuple[FittedText, str, float]] = [(title, bold, 0.0)]
    head = _("用紙: {title}　今のずれ: 右へ (X) {x} mm・下へ (Y) {y} mm").format(
        title=template.title, x=offset[0], y=offset[1]
    )
    lines.append((fit_text(head, font, 8.5, inner, 30, floor=8.5, max_lines=2), font, 0.0))
    for n, step in enumerate(calibration_steps(template), start=1):
        lines.append((fit_text(f"{n}. {step}", font, 8.5, inner - 3 * mm, 40, floor=8.5, max_lines=3), font, 3 * mm))
    total = sum(block_height(f, fn) + 2.2 * mm for f, fn, _ in lines) + 6 * mm
    box_y = (PAGE_H - total) / 2
    c.saveState()
    c.setFillColorRGB(1, 1, 1)
    c.setStrokeColorRGB(0, 0, 0)
    c.setLineWidth(0.6)
    c.rect(box_x, box_y, box_w, total, fill=1)
    c.setFillColorRGB(0, 0, 0)
    top = box_y + total - 4 * mm
    for fitted, fn, indent in lines:
        bottom = draw_text_box(c, fitted, fn, box_x + 4 * mm + indent, top, inner - indent)
        top = bottom - 2.2 * mm
    c.restoreState()


def build_calibration_page(template: LabelTemplate, *, offset_x_mm: float = 0.0, offset_y_mm: float = 0.0) -> bytes:
    """One A4 page with every label's outline and number, centre crosses, numbered millimetre
    rulers along the top and left edges and a printed how-to (:func:`calibration_steps`).

    Print it on plain paper at 100%, lay it on a label sheet against the light, and measure how far
    the outlines are from the real labels: that is the printer's X/Y offset."""
    jp = register_reportlab_font()
    font, bold = jp.reportlab_name, jp.reportlab_bold_name
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.setTitle(_("ラベル位置合わせ用紙"))
    dx, dy = offset_x_mm * mm, -offset_y_mm * mm
    c.setLineWidth(0.3)
    c.setStrokeColorRGB(0.35, 0.35, 0.35)
    for index in range(template.per_sheet):
        x, y = template.position(index)
        c.rect(x + dx, y + dy, template.label_width * mm, template.label_height * mm)
        cx, cy = x + dx + template.label_width * mm / 2, y + dy + template.label_height * mm / 2
        c.line(cx - 2 * mm, cy, cx + 2 * mm, cy)
        c.line(cx, cy - 2 * mm, cx, cy + 2 * mm)
        c.setFont(font, 6)
        c.drawCentredString(cx, cy - 5 * mm, str(index + 1))
    c.setStrokeColorRGB(0, 0, 0)
    _draw_rulers(c, font)
    _draw_how_to(c, template, font, bold, (offset_x_mm, offset_y_mm))
    c.setFont(font, 7)
    c.drawString(
        RULER_AT_MM * mm + 8 * mm,
        4 * mm,
        _("{title}　位置合わせ用紙　オフセット X={x}mm Y={y}mm(100%で印刷してください)").format(
            title=template.title, x=offset_x_mm, y=offset_y_mm
        ),
    )
    c.showPage()
    c.save()
    return buf.getvalue()
