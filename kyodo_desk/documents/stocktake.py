"""棚卸結果 (the result of a stock-take) on A4: title, dates, staff, the counts and four lists —
確認済み, 未確認 (expected but not seen; 「2回続けて未確認」 marked), 貸出中 and 不明なコード.

Every page after the first repeats the title and the number in a running header, every table its
column heads, and every page says 「n / N」.  Plain data in (:class:`StocktakeSheet`), PDF bytes out;
every value is printed literally.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer, Table, TableStyle

from kyodo_desk.documents.base import (
    A4_GEOMETRY,
    GRAY_FILL,
    CenterInfo,
    DocumentMeta,
    PageGeometry,
    Progress,
    draw_center_footer,
    draw_running_header,
    make_styles,
    page_of,
    para,
    render_story,
)
from kyodo_desk.i18n import _, date_both


@dataclass(frozen=True)
class SheetLine:
    code: str
    name: str = ""
    place: str = ""
    state: str = ""
    scanned: str = ""  # 「12/02 14:05」, empty when not seen
    remark: str = ""
    flagged: bool = False  # 2回続けて未確認


@dataclass(frozen=True)
class StocktakeSheet:
    number: int
    state_label: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    staff: str
    finished_staff: str
    note: str
    expected_total: int
    found: Sequence[SheetLine]
    missing: Sequence[SheetLine]
    on_loan: Sequence[SheetLine]
    unknown: Sequence[SheetLine]

    @property
    def reference(self) -> str:
        return _("棚卸 No.{n}").format(n=self.number)


def _when(value: dt.datetime | None) -> str:
    return f"{date_both(value.date())} {value:%H:%M}" if value else "—"


def build_stocktake_pdf(sheet: StocktakeSheet, center: CenterInfo, *, progress: Progress | None = None) -> bytes:
    st = make_styles()
    geometry = PageGeometry(A4_GEOMETRY.pagesize, left=15 * mm, right=15 * mm, top=18 * mm, bottom=18 * mm)
    cell = st.derive(st.cell, fontSize=8.5, leading=11.5)
    head = st.derive(st.cell_head, fontSize=8.5, leading=11.5)
    title = _("棚卸結果")
    width = geometry.frame_width

    info = Table(
        [
            [para(_("番号"), head), para(sheet.reference, cell), para(_("状態"), head), para(sheet.state_label, cell)],
            [
                para(_("開始"), head),
                para(_when(sheet.started_at), cell),
                para(_("終了"), head),
                para(_when(sheet.finished_at), cell),
            ],
            [
                para(_("担当"), head),
                para(sheet.staff, cell),
                para(_("終了した人"), head),
                para(sheet.finished_staff, cell),
            ],
        ]
        + ([[para(_("メモ"), head), para(sheet.note, cell), "", ""]] if sheet.note else []),
        colWidths=[width * 0.12, width * 0.38, width * 0.14, width * 0.36],
    )
    info_style = [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.black),
        ("BACKGROUND", (0, 0), (0, -1), GRAY_FILL),
        ("BACKGROUND", (2, 0), (2, 2), GRAY_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if sheet.note:
        info_style.append(("SPAN", (1, 3), (3, 3)))
    info.setStyle(TableStyle(info_style))

    twice = sum(1 for x in sheet.missing if x.flagged)
    seen_on_loan = sum(1 for x in sheet.on_loan if x.scanned)
    count_rows = [
        [para(_("区分"), head), para(_("台数"), head), para(_("説明"), head)],
        [para(_("確認済み"), cell), para(_("{n} 台").format(n=len(sheet.found)), cell),
         para(_("棚にあるはずの {n} 台のうち").format(n=sheet.expected_total), cell)],
        [para(_("未確認"), cell), para(_("{n} 台").format(n=len(sheet.missing)), cell),
         para(_("棚にあるはずで見つからなかった(うち2回続けて未確認 {n} 台)").format(n=twice), cell)],
        [para(_("貸出中"), cell), para(_("{n} 台").format(n=len(sheet.on_loan)), cell),
         para(_("貸出中のため棚にない予定(うち棚にあった {n} 台)").format(n=seen_on_loan), cell)],
        [para(_("不明なコード"), cell), para(_("{n} 件").format(n=len(sheet.unknown)), cell),
         para(_("登録されていない機器のコード"), cell)],
    ]  # fmt: skip
    counts = Table(count_rows, colWidths=[width * 0.2, width * 0.14, width * 0.66])
    counts.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
                ("ALIGN", (1, 1), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )

    story: list = [
        para(title, st.h1),
        info,
        Spacer(1, 4 * mm),
        counts,
    ]
    device_head = [_("管理番号"), _("機器"), _("保管場所"), _("記録上の状態"), _("確認日時"), _("備考")]
    device_widths = [0.11, 0.28, 0.13, 0.13, 0.13, 0.22]
    sections = (
        (_("確認済み"), sheet.found, _("確認した機器はありません。")),
        (_("未確認(棚にあるはずで見つからなかった機器)"), sheet.missing, _("未確認の機器はありません。")),
        (_("貸出中"), sheet.on_loan, _("貸出中の機器はありません。")),
    )
    for heading, lines, empty in sections:
        story.append(para(f"{heading}({len(lines)})", st.h2))
        story.append(
            _list_table(
                device_head,
                [[x.code, x.name, x.place, x.state, x.scanned, ("★ " if x.flagged else "") + x.remark] for x in lines],
                [width * w for w in device_widths],
                empty,
                cell,
                head,
                flagged=[i for i, x in enumerate(lines) if x.flagged],
                plain=(0, 3, 4),
            )
        )
    story.append(para(f"{_('不明なコード')}({len(sheet.unknown)})", st.h2))
    story.append(
        _list_table(
            [_("スキャンしたコード"), _("確認日時"), _("備考")],
            [[x.code, x.scanned, x.remark] for x in sheet.unknown],
            [width * 0.45, width * 0.15, width * 0.40],
            _("不明なコードはありません。"),
            cell,
            head,
            plain=(1,),
        )
    )
    if twice:
        story.append(Spacer(1, 2 * mm))
        story.append(
            para(
                _("★ 2回続けて未確認: 前回の棚卸でも見つからなかった機器です。紛失の届けを検討してください。"), st.small
            )
        )

    def late_page(canvas, page: int, total: int) -> None:
        if page > 1:
            draw_running_header(canvas, geometry, title, sheet.reference, page, total, st.regular)
        draw_center_footer(canvas, geometry, center, st.regular, page_label=page_of(page, total))

    meta = DocumentMeta(title=f"{title} {sheet.reference}", author=center.center_name, subject=title)
    return render_story(story, geometry, meta, late_page=late_page, progress=progress, progress_text=title)


def _list_table(
    header, rows, widths, empty: str, cell, head, flagged: Sequence[int] = (), plain: Sequence[int] = ()
) -> LongTable:
    """*plain*: columns of short codes and times drawn as plain strings (a paragraph per cell made a
    thousand-device result take seconds); the others wrap as paragraphs."""
    data: list[list] = [[para(h, head) for h in header]]
    data += [[_plain(c) if i in plain else para(c, cell) for i, c in enumerate(row)] for row in rows]
    style = [
        ("FONTNAME", (0, 1), (-1, -1), cell.fontName),
        ("FONTSIZE", (0, 1), (-1, -1), cell.fontSize),
        ("LEADING", (0, 1), (-1, -1), cell.leading),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if not rows:
        data.append([para(empty, cell)] + [""] * (len(header) - 1))
        style.append(("SPAN", (0, 1), (-1, 1)))
    for i in flagged:
        style.append(("LINEBELOW", (0, i + 1), (-1, i + 1), 1.2, colors.black))
        style.append(("LINEABOVE", (0, i + 1), (-1, i + 1), 1.2, colors.black))
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _plain(value: str) -> str:
    """A one-line cell printed as it is (control characters dropped; never markup)."""
    return "".join(ch for ch in str(value) if ch.isprintable())
