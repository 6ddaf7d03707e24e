"""Statistics tables (consultations, lending, dispatch) as an A4 landscape PDF for the city."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import LongTable, Spacer, TableStyle

from kyodo_desk.documents.base import (
    A4_LANDSCAPE,
    GRAY_FILL,
    CenterInfo,
    DocumentMeta,
    PageGeometry,
    Progress,
    draw_center_footer,
    make_styles,
    para,
    render_story,
)
from kyodo_desk.i18n import _, wareki


def build_statistics_pdf(stats, settings, *, today: dt.date | None = None, progress: Progress | None = None) -> bytes:
    """*stats* has ``title``, ``columns`` and ``rows`` (section, label, values, indent)."""
    center = CenterInfo.from_settings(settings)
    geometry = PageGeometry(A4_LANDSCAPE, left=12 * mm, right=12 * mm, top=14 * mm, bottom=16 * mm)
    st = make_styles()
    t = statistics_table(stats, st, geometry.frame_width)
    today = today or dt.date.today()
    story = [
        para(stats.title, st.h2),
        para(_("{center}　作成日 {date}").format(center=center.center_name, date=wareki(today)), st.small),
        Spacer(1, 3 * mm),
        t,
    ]

    def on_page(canvas, doc):
        draw_center_footer(canvas, geometry, center, st.regular, page_label=_("{n} ページ").format(n=doc.page))

    meta = DocumentMeta(title=stats.title, author=center.center_name, subject=_("統計"))
    return render_story(story, geometry, meta, on_page=on_page, progress=progress, progress_text=_("統計表"))


def statistics_table(stats, st, frame_width: float) -> LongTable:
    """The statistics as one table flowable (header repeated on every page) *frame_width* wide."""
    from kyodo_desk.services.consultation_stats import stats_table

    small = st.derive(st.cell, fontSize=8, leading=10)
    head = st.derive(st.cell_head, fontSize=8, leading=10)
    table = stats_table(stats)
    data: list[list[Any]] = [[para(c, head) for c in table[0]]]
    numeric_from = 2
    label_w = 34 * mm
    section_w = 34 * mm

    def label(text, width: float):
        """A plain string when it fits on one line (cheap to draw), else a wrapping Paragraph."""
        text = "" if text is None else str(text)
        if stringWidth(text, st.regular, 8) <= width - 12:  # 6 pt padding each side
            return text
        return para(text, small)

    for row in table[1:]:
        data.append(
            [label(row[0], section_w), label(row[1], label_w)]
            # figures never wrap: plain strings, drawn by the table itself (a Paragraph per number
            # was most of this PDF's time)
            + ["" if c is None else str(c) for c in row[numeric_from:]]
        )
    previous = None
    for i, row in enumerate(table[1:], start=1):  # print a section name once, at its first row
        if row[0] == previous:
            data[i][0] = ""
        previous = row[0]
    rest = (frame_width - label_w - section_w) / max(1, len(table[0]) - 2)
    t = LongTable(data, colWidths=[section_w, label_w] + [rest] * (len(table[0]) - 2), repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
        ("BACKGROUND", (-1, 1), (-1, -1), GRAY_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("FONTNAME", (0, 1), (-1, -1), st.regular),
        ("FONTSIZE", (0, 1), (-1, -1), 8),
        ("LEADING", (0, 1), (-1, -1), 10),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
    ]
    t.setStyle(TableStyle(style))
    return t
