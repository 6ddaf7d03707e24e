"""協働をすすめる市民団体 登録申請書 — registration as a 「協働をすすめる市民団体」."""

from __future__ import annotations

import datetime as dt

from kyodo_desk.documents.base import CenterInfo, Progress
from kyodo_desk.documents.forms.common import Field, FormBuilder
from kyodo_desk.domain.enums import OrganizationKind
from kyodo_desk.i18n import _

TITLE = "協働をすすめる市民団体 登録申請書"
ACTIVITY_FIELDS = (
    "まちづくり",
    "福祉",
    "子ども・子育て",
    "教育・学習",
    "環境",
    "防災・防犯",
    "文化・芸術",
    "スポーツ",
    "国際交流",
    "ICT・情報",
)


def build(center: CenterInfo, *, today: dt.date | None = None, progress: Progress | None = None) -> bytes:
    f = FormBuilder(center, today or dt.date.today())
    f.title(_(TITLE), note=_("パートナーシップによるまちづくりに取り組む団体の登録を申請します。"))
    kinds = [k.label() for k in OrganizationKind if k not in (OrganizationKind.GOVERNMENT, OrganizationKind.OTHER)]
    f.grid(
        [
            Field(_("申請の区分"), options=(_("新規"), _("変更"), _("更新"))),
            Field(_("ふりがな"), small=True),
            Field(_("団体名")),
            Field(_("団体の種類"), options=kinds + [_("その他(　　　　)")]),
            (Field(_("代表者氏名")), Field(_("代表者の役職"))),
            Field(_("団体の所在地"), text="〒　　　－"),
            (Field(_("連絡担当者")), Field(_("電話"))),
            (Field(_("メール")), Field(_("ホームページ・SNS"))),
            (Field(_("設立"), text=_("　　　　　　年　　　月")), Field(_("会員数"), text=_("　　　　　人"))),
            Field(_("活動分野"), options=[_(x) for x in ACTIVITY_FIELDS] + [_("その他(　　　　)")]),
            Field(_("活動の目的と内容"), lines=3, hint=_("だれのために、何をしているか")),
            Field(_("活動の場所と頻度"), text=_("場所:　　　　　　　　　　　　　　　頻度: 月　　　回くらい")),
            Field(_("一緒に取り組みたいこと"), lines=2, hint=_("どんな相手と、何を")),
        ]
    )
    f.section(_("公開と添付書類(□に✓を入れてください)"))
    f.checklist(
        [
            _(
                "団体名・活動内容・団体の連絡先を、市のポータルサイトなどで紹介することに同意します(代表者の個人の連絡先は公開しません)。"
            ),
            _("添付した書類: □ 会則・規約など　□ 活動の内容がわかる資料(チラシ・会報など)　□ その他(　　　　　　　)"),
        ]
    )
    f.privacy(
        [
            _("登録の審査と事務"),
            _("登録団体へのご連絡・情報提供"),
            _("同意いただいた範囲での団体の紹介"),
            _("登録状況の集計"),
        ]
    )
    f.office_box([_("受付日"), _("受付者"), _("登録番号"), _("登録日"), _("備考")])
    return f.build(_(TITLE), progress=progress)
