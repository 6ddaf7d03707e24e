"""Building blocks for blank forms filled in by hand.

A form is a title, a few ruled grids of fields, the purpose-of-use statement for personal data
(個人情報の利用目的, APPI) and a box for the center's own notes, with the center's details in
the footer.  Rows are at least 10 mm high (8 mm for ふりがな and tick-box rows) so people can
write Japanese in them; long answers get dotted guide lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from kyodo_desk.documents.base import (
    A4_GEOMETRY,
    GRAY_FILL,
    CenterInfo,
    DocStyles,
    DocumentMeta,
    PageGeometry,
    Progress,
    draw_center_footer,
    draw_running_header,
    esc,
    make_styles,
    page_of,
    para,
    render_story,
)
from kyodo_desk.documents.kinsoku import KinsokuParagraph
from kyodo_desk.i18n import _, wareki_parts

ROW = 10 * mm  # a line of handwriting
SMALL_ROW = 8 * mm  # ふりがな, tick boxes
LABEL_W = 33 * mm
BOX = "□"
GEOMETRY = PageGeometry(A4_GEOMETRY.pagesize, left=15 * mm, right=15 * mm, top=13 * mm, bottom=16 * mm)


class GuideLines(Flowable):
    """Empty space of *lines* handwriting lines, with dotted guide rules (in a table cell)."""

    def __init__(self, lines: int, row: float = ROW):
        super().__init__()
        self.lines, self.row = lines, row

    def wrap(self, availWidth, availHeight):  # noqa: N803
        self.width = availWidth
        return availWidth, self.lines * self.row

    def draw(self):
        c = self.canv
        c.saveState()
        c.setStrokeColor(colors.Color(0.55, 0.55, 0.55))
        c.setLineWidth(0.4)
        c.setDash(1, 2)
        for i in range(1, self.lines):
            c.line(0, i * self.row, self.width, i * self.row)
        c.restoreState()


@dataclass(frozen=True)
class Field:
    """One labelled answer area.  *text* pre-prints a pattern (``令和　年　月　日``), *options* tick
    boxes, *lines* > 1 a multi-line area; *hint* is printed small under the label."""

    label: str
    text: str = ""
    options: Sequence[str] = ()
    lines: int = 1
    hint: str = ""
    small: bool = False  # an 8 mm row (ふりがな)


@dataclass
class FormBuilder:
    center: CenterInfo
    today: dt.date
    styles: DocStyles = field(default_factory=make_styles)
    story: list = field(default_factory=list)

    def __post_init__(self):
        st = self.styles
        self.label = st.derive(st.cell_head, fontSize=9.5, leading=12)
        self.hint = st.derive(st.cell, fontSize=7, leading=9, textColor=colors.Color(0.25, 0.25, 0.25))
        self.value = st.derive(st.cell, fontSize=10, leading=15)
        self.width = GEOMETRY.frame_width

    # ------------------------------------------------------------------ text pieces

    def era(self) -> str:
        return wareki_parts(self.today)[0]

    def blank_date(self, weekday: bool = False) -> str:
        text = f"{self.era()}　　　年　　　月　　　日"
        return text + ("（　　）" if weekday else "")

    # ------------------------------------------------------------------ blocks

    def title(self, title: str, *, note: str = "") -> None:
        st = self.styles
        to = para(
            # the centre's name is one line, whatever the settings field holds (58 newlines made a 760 pt cell)
            _("（あて先）{name}").format(name=" ".join(self.center.center_name.split())),
            st.derive(st.small, fontSize=9.5, leading=13),
        )
        day = para(
            _("記入日　{date}").format(date=self.blank_date()), st.derive(st.body, alignment=TA_RIGHT, spaceAfter=0)
        )
        head = Table([[to, day]], colWidths=[self.width * 0.5, self.width * 0.5])
        head.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        self.story.append(para(title, st.derive(st.title, fontSize=19, leading=26, spaceAfter=4)))
        if note:
            self.story.append(para(note, st.derive(st.small, alignment=TA_CENTER, spaceAfter=4)))
        # a very long center name goes above the date, where it may flow, not into a table row
        self.story += [to, day] if len(self.center.center_name) > 60 else [head]
        self.story.append(Spacer(1, 3 * mm))

    def section(self, heading: str) -> None:
        st = self.styles
        self.story.append(
            para("■ " + heading, st.derive(st.h3, fontSize=10.5, leading=14, spaceBefore=3, spaceAfter=2))
        )

    def _label_cell(self, f: Field) -> list:
        cell = [para(f.label, self.label)]
        if f.hint:
            cell.append(para(f.hint, self.hint))
        return cell

    def options_lines(self, options: Sequence[str], width: float) -> list[str]:
        """Tick boxes packed into lines that fit *width*; an option is never split across lines."""
        font, size = self.value.fontName, self.value.fontSize
        lines: list[str] = []
        for item in (f"{BOX} {o}" for o in options):
            candidate = f"{lines[-1]}　{item}" if lines else item
            if lines and stringWidth(candidate, font, size) <= width:
                lines[-1] = candidate
            else:
                lines.append(item)
        return lines

    def _value_cell(self, f: Field, width: float):
        if f.options:
            lines = self.options_lines(f.options, width - 10)
            return para("\n".join(lines + ([f.text] if f.text else [])), self.value)
        if f.lines > 1:
            return GuideLines(f.lines)
        return para(f.text, self.value) if f.text else ""

    def _height(self, f: Field, value, width: float) -> float:
        """Rows are ROW high (SMALL_ROW for ふりがな); a row grows when its text or tick boxes wrap."""
        if f.lines > 1:
            return f.lines * ROW
        base = SMALL_ROW if f.small else ROW
        need = 0.0
        for cell, w in ((self._label_cell(f), LABEL_W), ([value] if value else [], width)):
            need = max(need, sum(p.wrap(w - 8, 1000)[1] for p in cell) + 6)
        return max(base, need)

    def grid(self, rows: Sequence[Field | tuple[Field, Field]]) -> None:
        """A ruled grid; a tuple puts two fields side by side (label | box | label | box)."""
        half = (self.width - 2 * LABEL_W) / 2
        widths = [LABEL_W, half, LABEL_W, half]
        data: list[list] = []
        heights: list[float] = []
        cmds: list[tuple] = []
        for r, row in enumerate(rows):
            if isinstance(row, tuple):
                a, b = row
                va, vb = self._value_cell(a, half), self._value_cell(b, half)
                data.append([self._label_cell(a), va, self._label_cell(b), vb])
                heights.append(max(self._height(a, va, half), self._height(b, vb, half)))
                cmds.append(("BACKGROUND", (2, r), (2, r), GRAY_FILL))
            else:
                value = self._value_cell(row, self.width - LABEL_W)
                data.append([self._label_cell(row), value, "", ""])
                heights.append(self._height(row, value, self.width - LABEL_W))
                cmds.append(("SPAN", (1, r), (3, r)))
                if row.lines > 1:
                    cmds.append(("TOPPADDING", (1, r), (1, r), 0))
                    cmds.append(("BOTTOMPADDING", (1, r), (1, r), 0))
        table = Table(data, colWidths=widths, rowHeights=heights)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                    ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                    ("BACKGROUND", (0, 0), (0, -1), GRAY_FILL),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 4),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    *cmds,
                ]
            )
        )
        self.story.append(table)
        self.story.append(Spacer(1, 2.5 * mm))

    def columns_table(self, headings: Sequence[str], rows: int, widths: Sequence[float] | None = None) -> None:
        """A blank table with column headings and *rows* empty rows (devices to borrow ...)."""
        widths = list(widths or [self.width / len(headings)] * len(headings))
        head = [para(h, self.st_center(self.label)) for h in headings]
        data = [head] + [[""] * len(headings) for _ in range(rows)]
        table = Table(data, colWidths=widths, rowHeights=[SMALL_ROW] + [ROW] * rows)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                    ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        self.story.append(table)
        self.story.append(Spacer(1, 2.5 * mm))

    def st_center(self, style):
        return self.styles.derive(style, alignment=TA_CENTER)

    def checklist(self, items: Sequence[str]) -> None:
        st = self.styles
        style = st.derive(st.body, fontSize=9.5, leading=14, leftIndent=5 * mm, bulletIndent=0, spaceAfter=1)
        for item in items:
            self.story.append(KinsokuParagraph(esc(item), style, bulletText=BOX))
        self.story.append(Spacer(1, 2 * mm))

    def privacy(self, purposes: Sequence[str], *, extra: str = "") -> None:
        """The APPI purpose-of-use statement (個人情報の利用目的)."""
        st = self.styles
        c = self.center
        text_style = st.derive(st.small, fontSize=8, leading=11.5, spaceAfter=1)
        body = [para(_("個人情報の取り扱いについて"), st.derive(text_style, fontName=st.bold, fontSize=8.5))]
        body.append(
            para(
                _("ご記入いただいた個人情報は、{center}が次の目的のためにだけ利用します:{purposes}。").format(
                    center=c.center_name, purposes="、".join(purposes)
                ),
                text_style,
            )
        )
        if extra:
            body.append(para(extra, text_style))
        body.append(
            para(
                _(
                    "法令に基づく場合を除き、ご本人の同意なく第三者に提供することはありません。統計に使うときは、個人が特定できない形にします。"
                    "この用紙と記録は受付から{years}年間保存し、その後は確実に廃棄・消去します。ご自身の情報の開示・訂正・利用停止を"
                    "希望されるときは、{center}(電話 {phone})にお申し出ください。"
                ).format(years=c.retention_years, center=c.center_name, phone=c.phone or "-"),
                text_style,
            )
        )
        box = Table([[body]], colWidths=[self.width], splitInRow=1)  # a long center name may flow on
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.6, colors.black),
                    ("LEFTPADDING", (0, 0), (-1, -1), 5),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        self.story.append(box)
        self.story.append(Spacer(1, 2.5 * mm))

    def office_box(self, headings: Sequence[str]) -> None:
        """センター記入欄: headings over empty 10 mm cells, marked off with a heavier rule."""
        st = self.styles
        label = para(_("センター\n記入欄"), self.st_center(st.derive(self.label, fontSize=8.5, leading=11)))
        w = (self.width - 20 * mm) / len(headings)
        data = [
            [label]
            + [
                para(h, self.st_center(st.derive(self.label, fontName=st.regular, fontSize=8, leading=10)))
                for h in headings
            ],
            [""] + [""] * len(headings),
        ]
        table = Table(data, colWidths=[20 * mm] + [w] * len(headings), rowHeights=[6 * mm, ROW + 2 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
                    ("SPAN", (0, 0), (0, 1)),
                    ("BACKGROUND", (0, 0), (0, 1), GRAY_FILL),
                    ("BACKGROUND", (1, 0), (-1, 0), GRAY_FILL),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ]
            )
        )
        self.story.append(table)

    # ------------------------------------------------------------------ output

    def build(self, title: str, *, progress: Progress | None = None) -> bytes:
        center, font = self.center, self.styles.regular
        geometry = GEOMETRY

        def late_page(canvas, page: int, total: int) -> None:
            if page > 1:
                draw_running_header(canvas, geometry, title, "", page, total, font)
            draw_center_footer(canvas, geometry, center, font, page_label=page_of(page, total))

        meta = DocumentMeta(title=title, author=center.center_name, subject=_("窓口で配布する申請用紙"))
        return render_story(self.story, geometry, meta, late_page=late_page, progress=progress, progress_text=title)
