"""アドバイザー派遣申請書 — request for an advisor (or ICT推進員 / facilitator) visit."""

from __future__ import annotations

import datetime as dt

from kyodo_desk.documents.base import CenterInfo, Progress
from kyodo_desk.documents.forms.common import Field, FormBuilder
from kyodo_desk.i18n import _

TITLE = "アドバイザー派遣申請書"

# Mirrors the dispatch screen's choices (派遣の種類, 分野, 当日の参加サポート).
DISPATCH_TYPES = ("アドバイザー派遣", "ICT推進員の派遣", "ファシリテーター派遣")
FIELDS = ("組織運営", "会計・税務", "NPO法・法人化", "広報・デザイン", "ICT", "ファシリテーション", "資金調達")
SUPPORT = ("託児", "手話通訳", "要約筆記")


def build(center: CenterInfo, *, today: dt.date | None = None, progress: Progress | None = None) -> bytes:
    f = FormBuilder(center, today or dt.date.today())
    f.title(_(TITLE), note=_("団体の運営や活動の悩みに、専門のアドバイザーが団体を訪ねて助言します。"))
    f.section(_("申請する団体"))
    f.grid(
        [
            Field(_("ふりがな"), small=True),
            Field(_("団体名")),
            (Field(_("代表者氏名")), Field(_("連絡担当者"))),
            Field(_("連絡先住所"), text="〒　　　－"),
            (Field(_("電話")), Field(_("メール"))),
            Field(_("団体の活動"), lines=2, hint=_("どんな活動をしているか")),
        ]
    )
    f.section(_("派遣の内容"))
    f.grid(
        [
            Field(_("派遣の種類"), options=[_(t) for t in DISPATCH_TYPES]),
            Field(_("相談したい分野"), options=[_(x) for x in FIELDS] + [_("その他(　　　　　　)")]),
            Field(_("相談したいこと"), lines=3, hint=_("困っていること・知りたいことを具体的に")),
            Field(_("第1希望の日時"), text=_("{d}　　　時　　　分 ～ 　　　時　　　分").format(d=f.blank_date(True))),
            Field(_("第2希望の日時"), text=_("{d}　　　時　　　分 ～ 　　　時　　　分").format(d=f.blank_date(True))),
            (Field(_("場所")), Field(_("参加予定人数"), text=_("　　　　　人"))),
            Field(
                _("参加サポート"),
                options=[_(s) for s in SUPPORT] + [_("その他(　　　　　　)")],
                hint=_("必要なものに✓"),
            ),
        ]
    )
    f.privacy(
        [_("派遣の日程調整と実施"), _("アドバイザーへの必要な情報の提供"), _("ご連絡"), _("派遣実績の集計")],
        extra=_("派遣に必要な範囲で、団体名・連絡先・相談したいことを派遣するアドバイザーにお伝えします。"),
    )
    f.office_box([_("受付日"), _("受付者"), _("派遣決定日"), _("アドバイザー"), _("派遣日")])
    return f.build(_(TITLE), progress=progress)
