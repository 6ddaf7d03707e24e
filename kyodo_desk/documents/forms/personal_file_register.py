"""個人情報ファイル簿 (personal-information file register), generated from the declarations in
:mod:`kyodo_desk.domain.personal_data` — nothing here is typed by hand except the headings.

One block per file: name, purpose, whose information, how collected, fields (with the screen and
table.column they are kept in), retention (with the center's 「個人情報の保存年数」), which staff
roles may see it (from the one role × permission table) and to whom it is given.
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

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
from kyodo_desk.domain.personal_data import PERSONAL_FILES, PersonalFile
from kyodo_desk.i18n import _, wareki


def _file_block(file: PersonalFile, number: int, center: CenterInfo, st, width: float) -> list:
    label = st.derive(st.cell_head, fontSize=9, leading=13)
    cell = st.derive(st.cell, fontSize=9, leading=13)
    small = st.derive(st.cell, fontSize=7.5, leading=10, textColor=colors.Color(0.3, 0.3, 0.3))
    fields = "、".join(dict.fromkeys(_(f.label) for f in file.fields))
    rows = [
        (_("利用目的"), _(file.purpose)),
        (_("記録される個人の範囲"), _(file.subjects)),
        (_("記録される項目"), fields),
        (_("収集方法"), _(file.source)),
        (_("保存期間"), file.retention_text(center.retention_years)),
        (_("閲覧できる職員"), file.roles_label()),
        (_("経常的な提供先"), _(file.recipients)),
    ]
    data = [[para(k, label), para(v, cell)] for k, v in rows]
    summary = Table(data, colWidths=[36 * mm, width - 36 * mm])
    summary.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), GRAY_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    where = [[para(h, label) for h in (_("項目"), _("保管場所(画面)"), _("テーブル.列"))]]
    where += [[para(_(f.label), cell), para(_(f.screen), cell), para(f.location, small)] for f in file.fields]
    locations = Table(where, colWidths=[width * 0.36, width * 0.38, width * 0.26], repeatRows=1)
    locations.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.Color(0.4, 0.4, 0.4)),
                ("BACKGROUND", (0, 0), (-1, 0), GRAY_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    heading = para(f"{number}. " + _("個人情報ファイルの名称: {name}").format(name=_(file.name)), st.h2)
    return [KeepTogether([heading, summary]), Spacer(1, 2 * mm), locations, Spacer(1, 5 * mm)]


def build(center: CenterInfo, *, today: dt.date | None = None, progress: Progress | None = None) -> bytes:
    """The register as PDF bytes (the signature every form builder has)."""
    today = today or dt.date.today()
    st = make_styles()
    geometry = A4_GEOMETRY
    title = _("個人情報ファイル簿")
    story: list = [
        para(title, st.title),
        para(
            _("{center}　{date}現在(協働デスクが保有する個人情報の一覧。窓口アプリの定義から作成)").format(
                center=center.center_name, date=wareki(today)
            ),
            st.derive(st.subtitle, fontSize=10, leading=15),
        ),
        Spacer(1, 4 * mm),
    ]
    for number, file in enumerate(PERSONAL_FILES, start=1):
        story += _file_block(file, number, center, st, geometry.frame_width)
    story.append(
        para(
            _(
                "保存期間の設定: {years}年(設定 › センター情報 「個人情報の保存年数」)。保存期間を過ぎた記録は"
                "「保存期間の確認と消去」で消去します。開示・訂正・利用停止の求めは管理者が団体・個人の画面から受け付けます。"
            ).format(years=center.retention_years),
            st.small,
        )
    )

    def late_page(canvas, page: int, total: int) -> None:
        if page > 1:
            draw_running_header(canvas, geometry, meta.title, "", page, total, st.regular)
        draw_center_footer(canvas, geometry, center, st.regular, page_label=page_of(page, total))

    meta = DocumentMeta(title=title, author=center.center_name, subject=_("個人情報ファイル簿"))
    return render_story(story, geometry, meta, late_page=late_page, progress=progress, progress_text=title)
