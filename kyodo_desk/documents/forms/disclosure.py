"""開示 (disclosure) of the personal information held about one person or organization, as PDF.

Plain data in (a :class:`~kyodo_desk.services.appi.Disclosure`-like object: ``title``,
``subject_name``, ``made_at``, ``values`` of place/record/field/location/value, ``notes``), PDF
bytes out.  Every value is user text: escaped by :func:`para`, long values are cut into pieces
so that no table row is taller than a page (ReportLab cannot split a row).
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from kyodo_desk.documents.base import (
    A4_GEOMETRY,
    GRAY_FILL,
    CenterInfo,
    DocumentMeta,
    Progress,
    draw_center_footer,
    draw_running_header,
    make_styles,
    page_of,
    para,
    render_story,
)
from kyodo_desk.i18n import _, format_datetime

PIECE = 400  # characters of one value per table row (a full row stays well under a page)


def pieces(text: str, size: int = PIECE) -> list[str]:
    """*text* in pieces of at most *size* characters, cut at a line break where one is near."""
    text = text or ""
    out: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", size // 2, size)
        cut = cut + 1 if cut > 0 else size
        out.append(text[:cut])
        text = text[cut:]
    out.append(text)
    return out


def _short(text: str, size: int = 160) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def build_disclosure_pdf(disclosure, center: CenterInfo, *, progress: Progress | None = None) -> bytes:
    st = make_styles()
    geometry = A4_GEOMETRY
    cell = st.derive(st.cell, fontSize=8.5, leading=12)
    small = st.derive(st.cell, fontSize=7.5, leading=10, textColor=colors.Color(0.3, 0.3, 0.3))
    head = st.derive(st.cell_head, fontSize=8.5, leading=12)
    story: list = [
        para(disclosure.title, st.derive(st.title, fontSize=18, leading=26)),
        para(
            _("対象: {name}　作成: {when}　{center}").format(
                name=_short(disclosure.subject_name, 300),
                when=format_datetime(disclosure.made_at, "short"),
                center=center.center_name,
            ),
            st.derive(st.body, fontSize=10, leading=15),
        ),
        para(
            _(
                "{center}が保有している個人情報を、保管している場所(画面・テーブルと列)ごとにすべて記載しました。"
                "全{n}項目。"
            ).format(center=center.center_name, n=len(disclosure.values)),
            st.derive(st.small, spaceAfter=4),
        ),
    ]
    for note in disclosure.notes:
        story.append(para("※ " + note, st.derive(st.small, spaceAfter=3)))
    story.append(Spacer(1, 3 * mm))
    widths = [27 * mm, 33 * mm, 30 * mm]
    widths.append(geometry.frame_width - sum(widths))
    data: list[list] = [[para(h, head) for h in (_("保管場所(画面)"), _("記録"), _("項目"), _("内容"))]]
    if not disclosure.values:
        data.append([para(_("保有している個人情報はありません。"), cell), "", "", ""])
    for v in disclosure.values:
        parts = pieces(v.value)
        for i, part in enumerate(parts):
            field = [para(v.field, cell), para(v.location, small)]
            if i:
                field = [para(v.field, small), para(_("(続き {n}/{total})").format(n=i + 1, total=len(parts)), small)]
            record = para(_short(v.record, 80), cell if i == 0 else small)
            data.append([para(v.place, cell) if i == 0 else "", record, field, para(part, cell)])
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story.append(table)

    def late_page(canvas, page: int, total: int) -> None:
        if page > 1:
            draw_running_header(canvas, geometry, meta.title, "", page, total, st.regular)
        draw_center_footer(canvas, geometry, center, st.regular, page_label=page_of(page, total))

    meta = DocumentMeta(title=disclosure.title, author=center.center_name, subject=_("保有個人情報の開示"))
    return render_story(story, geometry, meta, late_page=late_page, progress=progress, progress_text=disclosure.title)
