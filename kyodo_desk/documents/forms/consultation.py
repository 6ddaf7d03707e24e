"""相談票 — consultation sheet a visitor (or the desk) fills in; mirrors the consultation screen."""

from __future__ import annotations

import datetime as dt

from kyodo_desk.documents.base import CenterInfo, Progress
from kyodo_desk.documents.forms.common import Field, FormBuilder
from kyodo_desk.domain.consultation import DEFAULT_CATEGORIES, Channel, FollowUpAction, ReferralTarget, RequesterType
from kyodo_desk.i18n import _

TITLE = "相談票"


def build(center: CenterInfo, *, today: dt.date | None = None, progress: Progress | None = None) -> bytes:
    f = FormBuilder(center, today or dt.date.today())
    f.title(_(TITLE), note=_("どんなことでもお気軽にご相談ください。お名前や連絡先は書かなくてもかまいません。"))
    f.grid(
        [
            Field(_("相談日時"), text=_("{d}　　　時　　　分").format(d=f.blank_date(True))),
            Field(_("相談の方法"), options=[c.label() for c in Channel]),
            Field(_("ふりがな"), small=True),
            (Field(_("お名前"), hint=_("書かなくても可")), Field(_("団体名"))),
            Field(_("立場"), options=[r.label() for r in RequesterType]),
            (Field(_("電話")), Field(_("メール"))),
            Field(_("回答の方法"), options=(_("電話"), _("メール"), _("来所"), _("回答は不要"))),
            Field(
                _("相談の分野"), options=[_(name) for name, _subs in DEFAULT_CATEGORIES], hint=_("あてはまるものすべて")
            ),
            Field(_("相談の内容"), lines=5, hint=_("困っていること、知りたいこと")),
        ]
    )
    f.section(_("センター記入欄"))
    f.grid(
        [
            (Field(_("対応者")), Field(_("相談番号"))),
            Field(_("対応の内容"), lines=2),
            Field(
                _("次の対応"), options=[a.label() for a in FollowUpAction], text=_("期限: {d}").format(d=f.blank_date())
            ),
            Field(_("紹介先"), options=[t.label() for t in ReferralTarget]),
        ]
    )
    f.privacy(
        [_("ご相談への対応とご連絡"), _("関係機関へのご紹介(ご本人の同意を得たうえで)"), _("相談件数・分野の集計")],
    )
    return f.build(_(TITLE), progress=progress)
