"""Statistics tables (consultations, lending, dispatch) as an A4 landscape PDF for the city."""

from __future__ import annotations

import datetime as dt

from reportlab.lib import colors
from reportlab.lib.units import mm
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
    from kyodo_desk.services.consultation_stats import stats_table

    center = CenterInfo.from_settings(settings)
    geometry = PageGeometry(A4_LANDSCAPE, left=12 * mm, right=12 * mm, top=14 * mm, bottom=16 * mm)
    st = make_styles()
    small = st.derive(st.cell, fontSize=8, leading=10)
    head = st.derive(st.cell_head, fontSize=8, leading=10)
    table = stats_table(stats)
    data = [[para(c, head) for c in table[0]]]
    numeric_from = 2
    for row in table[1:]:
        data.append(
            [para(row[0], small), para(row[1], small)]
            + [para(c, st.derive(small, alignment=2)) for c in row[numeric_from:]]
        )
    previous = None
    for i, row in enumerate(table[1:], start=1):  # print a section name once, at its first row
        if row[0] == previous:
            data[i][0] = para("", small)
        previous = row[0]
    label_w = 34 * mm
    section_w = 34 * mm
    rest = (geometry.frame_width - label_w - section_w) / max(1, len(table[0]) - 2)
    t = LongTable(data, colWidths=[section_w, label_w] + [rest] * (len(table[0]) - 2), repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
        ("BACKGROUND", (-1, 1), (-1, -1), GRAY_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    t.setStyle(TableStyle(style))
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
