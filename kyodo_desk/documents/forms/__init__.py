"""Blank forms for visitors, by name: ``FORMS["lending"].build(center) -> PDF bytes``.

Every builder takes the center's details (:class:`~kyodo_desk.documents.base.CenterInfo`),
optionally ``today`` (for the era printed in blank dates) and ``progress``, and returns PDF bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kyodo_desk.documents.forms import consultation, dispatch, lending, registration
from kyodo_desk.i18n import N_, _


@dataclass(frozen=True)
class FormSpec:
    name: str
    title_msgid: str
    description_msgid: str
    build: Callable[..., bytes]

    @property
    def title(self) -> str:
        return _(self.title_msgid)

    @property
    def description(self) -> str:
        return _(self.description_msgid)


FORMS: dict[str, FormSpec] = {
    spec.name: spec
    for spec in (
        FormSpec(
            "lending",
            N_("機器貸出申請書"),
            N_("タブレットなどのデジタル機器を借りるときの申請書(ICT推進員の手助けの希望欄つき)"),
            lending.build,
        ),
        FormSpec(
            "dispatch",
            N_("アドバイザー派遣申請書"),
            N_("アドバイザー・ICT推進員・ファシリテーターの派遣を申し込む用紙"),
            dispatch.build,
        ),
        FormSpec(
            "registration",
            N_("協働をすすめる市民団体 登録申請書"),
            N_("「協働をすすめる市民団体」の新規登録・変更・更新の申請書"),
            registration.build,
        ),
        FormSpec(
            "consultation", N_("相談票"), N_("窓口で相談内容を書いてもらう用紙(センター記入欄つき)"), consultation.build
        ),
    )
}


def get_form(name: str) -> FormSpec:
    try:
        return FORMS[name]
    except KeyError:
        raise KeyError(
            _("「{name}」という様式はありません。使える様式: {names}").format(name=name, names=", ".join(FORMS))
        ) from None
