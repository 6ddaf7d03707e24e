"""「協働をすすめる市民団体」 documents: the 登録証 (certificate), the 登録通知書 (notice, a letter
of the desk's usual layout) and the list of registered groups for publication (portal, 広報誌).

Plain data in, PDF bytes out; every value is user text and printed literally.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer, Table, TableStyle

from kyodo_desk.documents.base import (
    A4_GEOMETRY,
    A4_LANDSCAPE,
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
from kyodo_desk.documents.letters import Addressee, Letter, build_letter, row_pieces
from kyodo_desk.i18n import _, date_both, wareki


@dataclass(frozen=True)
class CertificateData:
    number: str
    organization_name: str
    representative_name: str
    registered_on: dt.date
    valid_until: dt.date | None
    issued: dt.date
    postal_code: str = ""  # the group's mailing address: the notice may be mailed
    address: str = ""


def build_certificate(data: CertificateData, center: CenterInfo, *, progress: Progress | None = None) -> bytes:
    """登録証: one framed A4 page."""
    st = make_styles()
    geometry = PageGeometry(A4_GEOMETRY.pagesize, left=32 * mm, right=32 * mm, top=40 * mm, bottom=36 * mm)
    right = st.derive(st.body, alignment=TA_RIGHT)
    title = st.derive(st.title, fontSize=34, leading=46, spaceAfter=14 * mm)
    name = st.derive(st.h1, fontSize=20, leading=30, alignment=TA_CENTER)
    body = st.derive(st.body, fontSize=13, leading=24)
    cell = st.derive(st.cell, fontSize=12, leading=18)
    head = st.derive(st.cell_head, fontSize=12, leading=18)
    issuer = st.derive(st.h3, fontSize=14, leading=22, alignment=TA_RIGHT)
    period = (
        _("{start} から {end} まで").format(start=wareki(data.registered_on), end=wareki(data.valid_until))
        if data.valid_until
        else wareki(data.registered_on)
    )
    pairs = [(_("登録番号"), data.number), (_("登録日"), wareki(data.registered_on)), (_("有効期間"), period)]
    if data.representative_name:
        pairs.insert(1, (_("代表者"), data.representative_name))
    # a long value is cut into pieces, one table row each (a row taller than the page cannot print)
    rows = [[para(k, head), para(v, cell)] for pair in pairs for k, v in row_pieces(pair)]
    table = Table(rows, colWidths=[32 * mm, geometry.frame_width - 32 * mm])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.Color(0.5, 0.5, 0.5)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    story = [
        para(_("第 {number} 号").format(number=data.number), right),
        Spacer(1, 10 * mm),
        para(_("登録証"), title),
        para(_("{name} 様").format(name=data.organization_name), name),
        Spacer(1, 10 * mm),
        para(
            _(
                "貴団体を、パートナーシップによるまちづくりに取り組む「協働をすすめる市民団体」として登録したことを証します。"
            ),
            body,
        ),
        Spacer(1, 8 * mm),
        table,
        Spacer(1, 18 * mm),
        para(wareki(data.issued), right),
        Spacer(1, 6 * mm),
        para(center.department or center.center_name, issuer),
        para(center.center_name if center.department else "", issuer),
    ]

    def on_page(canvas, doc):
        w, h = geometry.pagesize
        canvas.saveState()
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(2.2)
        canvas.rect(16 * mm, 16 * mm, w - 32 * mm, h - 32 * mm)
        canvas.setLineWidth(0.6)
        canvas.rect(19 * mm, 19 * mm, w - 38 * mm, h - 38 * mm)
        canvas.restoreState()

    meta = DocumentMeta(title=_("登録証"), author=center.center_name, subject=data.number)
    return render_story(story, geometry, meta, on_page=on_page, progress=progress, progress_text=_("登録証"))


def build_notice(data: CertificateData, center: CenterInfo, *, progress: Progress | None = None) -> bytes:
    """登録通知書: the letter that goes with the certificate."""
    fields = [
        (_("団体名"), data.organization_name),
        (_("登録番号"), data.number),
        (_("登録日"), date_both(data.registered_on)),
    ]
    if data.valid_until:
        fields.append((_("有効期間"), _("{end} まで").format(end=date_both(data.valid_until))))
    letter = Letter(
        title=_("登録通知書"),
        reference=data.number,
        issued=data.issued,
        to=Addressee(
            organization=data.organization_name,
            person=data.representative_name,
            person_title=_("代表者"),
            postal_code=data.postal_code,
            address=data.address,
        ),
        lead=_("先に申請のあった「協働をすすめる市民団体」の登録について、次のとおり登録しましたので通知します。"),
        fields=fields,
        paragraphs=[
            _(
                "登録は毎年度の更新が必要です。有効期間が終わる前に、更新の手続きをしてください。"
                "団体名・代表者・連絡先・活動内容が変わったときは、変更届を提出してください。"
            ),
            _("登録団体の紹介(ポータルサイト・広報誌)には、申請書で公開に同意いただいた項目だけを掲載します。"),
        ],
    )
    return build_letter(letter, center, progress=progress)


@dataclass(frozen=True)
class PublicationTable:
    title: str
    as_of: dt.date
    header: Sequence[str]
    rows: Sequence[Sequence[str]]


def build_publication_list(table: PublicationTable, center: CenterInfo, *, progress: Progress | None = None) -> bytes:
    """登録団体一覧 (A4 landscape): the columns given, blank where a group did not agree to publish."""
    st = make_styles()
    geometry = PageGeometry(A4_LANDSCAPE, left=12 * mm, right=12 * mm, top=14 * mm, bottom=16 * mm)
    small = st.derive(st.cell, fontSize=8, leading=10.5)
    head = st.derive(st.cell_head, fontSize=8, leading=10.5)
    weights = {_("登録番号"): 0.9, _("団体名"): 1.6, _("活動の目的と内容"): 2.6, _("メール"): 1.3}
    total = sum(weights.get(h, 1.0) for h in table.header) or 1.0
    widths = [geometry.frame_width * weights.get(h, 1.0) / total for h in table.header]
    data: list[list] = [[para(h, head) for h in table.header]] + [
        [para(c, small) for c in piece] for row in table.rows for piece in row_pieces(list(row))
    ]
    if not table.rows:
        data.append([para(_("登録団体はありません。"), small)] + [""] * (len(table.header) - 1))
    t = LongTable(data, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story = [
        para(table.title, st.h2),
        para(
            _("{date} 現在 {n} 団体(公開に同意いただいた項目だけを掲載しています)").format(
                date=wareki(table.as_of), n=len(table.rows)
            ),
            st.small,
        ),
        Spacer(1, 3 * mm),
        t,
    ]

    def late_page(canvas, page: int, total: int) -> None:
        if page > 1:
            draw_running_header(canvas, geometry, table.title, "", page, total, st.regular)
        draw_center_footer(canvas, geometry, center, st.regular, page_label=page_of(page, total))

    meta = DocumentMeta(title=table.title, author=center.center_name, subject=_("登録団体一覧"))
    return render_story(story, geometry, meta, late_page=late_page, progress=progress, progress_text=table.title)
