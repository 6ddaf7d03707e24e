"""協働をすすめる市民団体 登録申請書 — registration as a 「協働をすすめる市民団体」."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from kyodo_desk.documents.base import CenterInfo, Progress
from kyodo_desk.documents.forms.common import Field, FormBuilder
from kyodo_desk.domain.enums import OrganizationKind
from kyodo_desk.domain.registration import DEFAULT_DOCUMENTS, PUBLISH_FIELDS
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


def build(
    center: CenterInfo,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
    documents: Sequence[str] = DEFAULT_DOCUMENTS,
) -> bytes:
    """The blank 登録申請書; its consent boxes are the fields the desk stores consent for
    (domain.registration.PUBLISH_FIELDS) and its attachments the administrator's checklist."""
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
            # the fields the desk stores consent for, and the administrator's checklist of attachments
            Field(
                _("公開に同意する項目"),
                options=[_(label) for _code, label in PUBLISH_FIELDS],
                hint=_("✓の項目だけを市のポータルサイト・広報誌で紹介します"),
            ),
            Field(_("添付書類"), options=[_(d) for d in documents] + [_("その他(　　　　)")]),
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
