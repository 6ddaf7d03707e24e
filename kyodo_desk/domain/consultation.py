"""Consultations (相談受付): channels, requester types, follow-ups, referrals, default categories."""

from __future__ import annotations

from kyodo_desk.domain.enums import LabelledEnum
from kyodo_desk.i18n import N_


class Channel(LabelledEnum):
    WALK_IN = "walk_in"
    PHONE = "phone"
    EMAIL = "email"
    FAX = "fax"
    ONLINE = "online"
    OUTREACH = "outreach"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "walk_in": N_("来所"),
            "phone": N_("電話"),
            "email": N_("メール"),
            "fax": N_("FAX"),
            "online": N_("オンライン"),
            "outreach": N_("出張"),
        }


class RequesterType(LabelledEnum):
    INDIVIDUAL = "individual"
    NEIGHBORHOOD = "neighborhood"
    CITIZEN_GROUP = "citizen_group"
    NPO = "npo"
    BUSINESS = "business"
    UNIVERSITY = "university"
    GOVERNMENT = "government"
    OTHER = "other"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "individual": N_("個人"),
            "neighborhood": N_("町会等地域団体"),
            "citizen_group": N_("市民活動団体"),
            "npo": N_("NPO法人"),
            "business": N_("事業者"),
            "university": N_("高等教育機関・学生"),
            "government": N_("行政"),
            "other": N_("その他"),
        }


# organization kind → requester type, so picking an organization fills the type in.
REQUESTER_FOR_KIND = {
    "neighborhood": RequesterType.NEIGHBORHOOD,
    "citizen_group": RequesterType.CITIZEN_GROUP,
    "npo": RequesterType.NPO,
    "business": RequesterType.BUSINESS,
    "university": RequesterType.UNIVERSITY,
    "student_group": RequesterType.UNIVERSITY,
    "government": RequesterType.GOVERNMENT,
    "other": RequesterType.OTHER,
}


class FollowUpAction(LabelledEnum):
    CALL_BACK = "call_back"
    SEND_MATERIAL = "send_material"
    APPOINTMENT = "appointment"
    DISPATCH = "dispatch"
    REFER = "refer"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "call_back": N_("折り返し連絡"),
            "send_material": N_("資料送付"),
            "appointment": N_("面談予約"),
            "dispatch": N_("派遣申請へ"),
            "refer": N_("他機関紹介"),
        }


class ReferralTarget(LabelledEnum):
    CITY_DEPARTMENT = "city_department"
    SOCIAL_WELFARE = "social_welfare"
    PREFECTURE_NPO = "prefecture_npo"
    EXPERT = "expert"
    OTHER = "other"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "city_department": N_("市の担当課"),
            "social_welfare": N_("社会福祉協議会"),
            "prefecture_npo": N_("県NPOセンター"),
            "expert": N_("専門家"),
            "other": N_("その他"),
        }


class ReferralOutcome(LabelledEnum):
    """What came of a referral, once the desk knows (None while it does not)."""

    CONTACTED = "contacted"
    CONNECTED = "connected"
    FAILED = "failed"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {"contacted": N_("連絡済み"), "connected": N_("つながった"), "failed": N_("不調")}


class CaseStatus(LabelledEnum):
    OPEN = "open"
    CLOSED = "closed"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {"open": N_("継続中"), "closed": N_("完了")}


# Default two-level category list for a new fiscal year (an admin edits it per year).
DEFAULT_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("設立・法人化", ("任意団体の設立", "NPO法人の設立", "一般社団法人の設立")),
    ("運営・会計・税務", ("会計・決算", "税務", "規約・総会")),
    ("資金・助成金・チャレンジ事業", ("助成金の探し方", "協働のまちづくりチャレンジ事業", "寄付・会費")),
    ("広報・情報発信", ("チラシ・ポスター", "SNS・ホームページ", "ポータルサイト")),
    ("ICT活用", ("オンライン会議", "機器の貸出", "町会のICT化")),
    ("人材・ボランティア", ("担い手の募集", "学生との連携", "ボランティアの受入")),
    ("協働・連携", ("事業者との連携", "行政との協働", "団体同士の連携")),
    ("場所・機材", ("活動場所", "機材・備品")),
    ("団体登録", ("協働をすすめる市民団体 登録", "登録内容の変更")),
    ("町会運営", ("役員の担い手", "回覧・連絡", "加入促進")),
    ("その他", ()),
)
