"""Filled documents handed to people at the desk: consultation receipts, loan slips (借用書),
return receipts, reminder letters (督促状), dispatch notices (派遣決定通知書), requests to advisors
(依頼書) and report forms (実施報告書).  All share one layout: title, reference and date in 和暦
and 西暦, addressee, a key–value table, optional item table and text, signature lines, and the
center's details.  Every value is user text and is escaped (printed literally).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from kyodo_desk.documents.base import (
    A4_GEOMETRY,
    GRAY_FILL,
    CenterInfo,
    DocumentMeta,
    Progress,
    draw_center_footer,
    make_styles,
    para,
    render_story,
)
from kyodo_desk.i18n import _, date_both, wareki


@dataclass(frozen=True)
class Letter:
    title: str
    reference: str
    issued: dt.date
    addressee: str = ""  # "○○町会 御中" / "○○ 様"
    lead: str = ""  # opening paragraph
    fields: Sequence[tuple[str, str]] = ()
    items_header: Sequence[str] = ()
    items: Sequence[Sequence[str]] = ()
    paragraphs: Sequence[str] = ()
    terms_title: str = ""
    terms: Sequence[str] = ()
    signatures: Sequence[str] = ()  # labels of signature lines
    writing_lines: Sequence[tuple[str, int]] = ()  # (label, lines) blank areas to fill by hand
    copy_label: str = ""  # e.g. "(センター控)"
    extra: dict = field(default_factory=dict)


def build_letter(letter: Letter, center: CenterInfo, *, progress: Progress | None = None) -> bytes:
    st = make_styles()
    geometry = A4_GEOMETRY
    cell = st.derive(st.cell, fontSize=10, leading=14)
    head = st.derive(st.cell_head, fontSize=10, leading=14)
    right = st.derive(st.small, alignment=TA_RIGHT)
    story: list = []
    story.append(para(_("{ref}　{date}").format(ref=letter.reference, date=date_both(letter.issued)), right))
    if letter.copy_label:
        story.append(para(letter.copy_label, right))
    story.append(para(letter.title, st.title))
    if letter.addressee:
        story.append(para(letter.addressee, st.h3))
    sender = [center.center_name, center.address_line(), center.phone_line()]
    story.append(para("\n".join(x for x in sender if x), right))
    story.append(Spacer(1, 4 * mm))
    if letter.lead:
        story.append(para(letter.lead, st.body))
    if letter.fields:
        rows: list[list] = [[para(k, head), para(v, cell)] for k, v in letter.fields]
        t = Table(rows, colWidths=[38 * mm, geometry.frame_width - 38 * mm])
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (0, -1), GRAY_FILL),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        story += [t, Spacer(1, 4 * mm)]
    if letter.items:
        n = len(letter.items_header)
        widths = [geometry.frame_width / n] * n
        if n >= 3:
            widths = [26 * mm, 52 * mm] + [(geometry.frame_width - 78 * mm) / (n - 2)] * (n - 2)
        rows = [[para(h, head) for h in letter.items_header]] + [[para(c, cell) for c in row] for row in letter.items]
        t = Table(rows, colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story += [t, Spacer(1, 4 * mm)]
    for text in letter.paragraphs:
        story.append(para(text, st.body))
    if letter.terms:
        block = [para(letter.terms_title, st.h3)] + [
            para(f"{i}. {t}", st.small) for i, t in enumerate(letter.terms, start=1)
        ]
        story.append(KeepTogether(block))
    for label, lines in letter.writing_lines:
        rows = [[para(label, head)]] + [[""] for _ in range(lines)]
        t = Table(rows, colWidths=[geometry.frame_width], rowHeights=[None] + [10 * mm] * lines)
        t.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
                    ("LINEBELOW", (0, 1), (-1, -2), 0.3, colors.Color(0.6, 0.6, 0.6)),
                ]
            )
        )
        story += [Spacer(1, 3 * mm), t]
    if letter.signatures:
        rows = [[para(label, head), para(_("令和　　年　　月　　日"), cell), ""] for label in letter.signatures]
        t = Table(rows, colWidths=[45 * mm, 45 * mm, geometry.frame_width - 90 * mm], rowHeights=[14 * mm] * len(rows))
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (0, -1), GRAY_FILL),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story += [Spacer(1, 5 * mm), KeepTogether([para(_("署名"), st.h3), t])]

    def on_page(canvas, doc):
        draw_center_footer(canvas, geometry, center, st.regular, page_label=_("{n} ページ").format(n=doc.page))

    meta = DocumentMeta(title=letter.title, author=center.center_name, subject=letter.reference)
    return render_story(story, geometry, meta, on_page=on_page, progress=progress, progress_text=letter.title)


def issued_line(day: dt.date) -> str:
    return wareki(day)
