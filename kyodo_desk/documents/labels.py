"""QR label sheets for devices.

Sheet templates are data (millimetres; ``resources/labels/templates.json`` plus user-defined ones).
Each label: a vector QR code whose payload is the plain asset tag (error correction H, or Q on
small labels), a 4-module quiet zone, and beside it the asset tag, the device name and the
center's name and phone.  Printing can start at any position of a partly used sheet, and a
per-printer X/Y offset moves everything to match the printer.  Print at 100% (no "fit to page").
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kyodo_desk.config import resource_dir
from kyodo_desk.documents.base import Progress, draw_fitted, report
from kyodo_desk.documents.fonts import register_reportlab_font
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
        return json.dumps(asdict(self), ensure_ascii=False)

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
    return {t["name"]: LabelTemplate(**t) for t in raw["templates"]}


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


def _draw_label(c: Canvas, label: LabelData, template: LabelTemplate, x: float, y: float, font: str, bold: str) -> None:
    w, h = template.label_width * mm, template.label_height * mm
    pad = min(2.0 * mm, h * 0.08)
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
    tx = x + pad + qr_size + pad * 0.5
    text_w = x + w - pad - tx
    tag_size = min(16.0, h / mm * 0.42, 200.0)
    lines_top = y + h - pad
    draw_fitted(c, label.asset_tag, tx, lines_top - tag_size, bold, tag_size, text_w)
    name_size = max(5.0, min(9.0, h / mm * 0.22))
    draw_fitted(c, label.device_name, tx, lines_top - tag_size - name_size * 1.5, font, name_size, text_w)
    small = max(4.5, min(7.0, h / mm * 0.17))
    draw_fitted(c, label.center_name, tx, y + pad + small * 1.3, font, small, text_w)
    draw_fitted(c, label.center_phone, tx, y + pad, font, small, text_w)


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


def build_calibration_page(template: LabelTemplate, *, offset_x_mm: float = 0.0, offset_y_mm: float = 0.0) -> bytes:
    """One A4 page with every label's outline, corner crosses and a millimetre ruler.

    Print it on plain paper at 100%, lay it on a label sheet against the light, and measure how far
    the outlines are from the real labels: that is the printer's X/Y offset."""
    jp = register_reportlab_font()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.setTitle(_("ラベル位置合わせ用紙"))
    dx, dy = offset_x_mm * mm, -offset_y_mm * mm
    c.setLineWidth(0.3)
    for index in range(template.per_sheet):
        x, y = template.position(index)
        c.rect(x + dx, y + dy, template.label_width * mm, template.label_height * mm)
        cx, cy = x + dx + template.label_width * mm / 2, y + dy + template.label_height * mm / 2
        c.line(cx - 2 * mm, cy, cx + 2 * mm, cy)
        c.line(cx, cy - 2 * mm, cx, cy + 2 * mm)
        c.setFont(jp.reportlab_name, 6)
        c.drawString(x + dx + 1 * mm, y + dy + 1 * mm, str(index + 1))
    c.setFont(jp.reportlab_name, 7)
    for k in range(0, 201, 10):  # ruler along the top edge, 1 cm ticks
        c.line(k * mm + 5 * mm, PAGE_H - 3 * mm, k * mm + 5 * mm, PAGE_H - (6 if k % 50 else 8) * mm)
    c.setFont(jp.reportlab_name, 9)
    c.drawString(
        12 * mm,
        4 * mm,
        _("{title}　位置合わせ用紙　オフセット X={x}mm Y={y}mm(100%で印刷してください)").format(
            title=template.title, x=offset_x_mm, y=offset_y_mm
        ),
    )
    c.showPage()
    c.save()
    return buf.getvalue()
