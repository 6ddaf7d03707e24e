"""機器貸出申請書 — application to borrow ICT devices (filled in by hand at the desk)."""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm

from kyodo_desk.documents.base import CenterInfo, Progress
from kyodo_desk.documents.forms.common import Field, FormBuilder
from kyodo_desk.i18n import _

TITLE = "機器貸出申請書"


def build(center: CenterInfo, *, today: dt.date | None = None, progress: Progress | None = None) -> bytes:
    f = FormBuilder(center, today or dt.date.today())
    f.title(_(TITLE), note=_("地域活動・市民活動に使うデジタル機器をお貸しします。太枠の中をご記入ください。"))
    f.section(_("申請する人"))
    f.grid(
        [
            Field(_("ふりがな"), small=True),
            Field(_("団体名"), hint=_("個人の場合は空欄")),
            (Field(_("代表者氏名")), Field(_("申請者氏名"), hint=_("窓口に来た人"))),
            Field(_("住所"), text="〒　　　－"),
            (Field(_("電話")), Field(_("メール"))),
        ]
    )
    f.section(_("借りたい機器"))
    w = f.width
    f.columns_table(
        [_("機器の種類"), _("台数"), _("付属品・使い方のメモ")], rows=3, widths=[w * 0.38, 18 * mm, w * 0.62 - 18 * mm]
    )
    f.grid(
        [
            Field(_("使う目的"), lines=2, hint=_("どんな活動に使うか")),
            Field(_("使う場所")),
            Field(_("借りたい期間"), text=_("{d1}　～　{d2}").format(d1=f.blank_date(True), d2=f.blank_date(True))),
            Field(
                _("ICT推進員の支援"),
                options=(_("希望する"), _("希望しない")),
                text=_("希望する内容: □ 使い方の説明　□ 設定の手伝い　□ オンライン会議の練習"),
            ),
        ]
    )
    f.section(_("確認事項(□に✓を入れてください)"))
    f.checklist(
        [
            _("借りた機器はていねいに扱い、約束した日までに返します。"),
            _("壊れた・なくしたときは、すぐにセンターに連絡します。"),
            _("返す前に、機器に保存した写真や名簿などのデータを消去します(消去の手伝いもできます)。"),
            _("機器をほかの人や団体に又貸ししません。"),
        ]
    )
    f.privacy([_("機器の貸出・返却の手続きと管理"), _("返却のお願いなどのご連絡"), _("利用状況の集計")])
    f.office_box([_("受付日"), _("受付者"), _("機器番号"), _("貸出日"), _("返却予定日"), _("返却日・確認者")])
    return f.build(_(TITLE), progress=progress)
