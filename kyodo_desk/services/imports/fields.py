"""What each import can fill in, the column names people give those fields, and the coded values.

A column is matched to a field by its heading folded (NFKC, lower case, no spaces or brackets):
「種類」「種別」「区分」 all mean the kind.  A coded column (device kind, state, organization kind,
advisor field, dispatch type) accepts the code, the label in any of the desk's languages and the
everyday names below (ノートPC, モバイルWi-Fi, 町内会 …); any other value is asked once in the
value-mapping step and remembered.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from kyodo_desk.domain.dispatch import DispatchType, Field
from kyodo_desk.domain.enums import LabelledEnum, OrganizationKind
from kyodo_desk.domain.lending import DeviceKind, DeviceState
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import N_, _, all_translations

DEVICES, ORGANIZATIONS, ADVISORS = "devices", "organizations", "advisors"
KINDS = (DEVICES, ORGANIZATIONS, ADVISORS)


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label_msgid: str
    synonyms: tuple[str, ...]
    required: bool = False
    codes: type[LabelledEnum] | None = None  # a coded column
    multiple: bool = False  # several codes in one cell (分野: 会計・広報)
    is_date: bool = False

    @property
    def label(self) -> str:
        return _(self.label_msgid)


@dataclass(frozen=True)
class KindSpec:
    kind: str
    title_msgid: str
    permission: Permission
    fields: tuple[FieldSpec, ...]
    key_field: str  # what tells an update from a new record

    @property
    def title(self) -> str:
        return _(self.title_msgid)

    def field(self, key: str) -> FieldSpec:
        return next(f for f in self.fields if f.key == key)


_NOTES = FieldSpec("notes", N_("備考"), ("備考", "メモ", "摘要", "注記", "特記事項", "notes", "remarks"))
_KANA = FieldSpec(
    "name_kana",
    N_("ふりがな"),
    (
        "ふりがな",
        "フリガナ",
        "よみがな",
        "ヨミガナ",
        "よみ",
        "読み",
        "カナ",
        "かな",
        "団体名カナ",
        "団体名フリガナ",
        "団体名ふりがな",
        "氏名カナ",
        "氏名フリガナ",
        "氏名ふりがな",
        "名前カナ",
        "名前フリガナ",
    ),
)
_PHONE = FieldSpec("phone", N_("電話"), ("電話", "電話番号", "TEL", "tel", "連絡先電話", "携帯", "携帯電話", "phone"))
_EMAIL = FieldSpec(
    "email", N_("メール"), ("メール", "メールアドレス", "Eメール", "E-mail", "email", "mail", "mailaddress")
)

SPECS: dict[str, KindSpec] = {
    DEVICES: KindSpec(
        DEVICES,
        N_("機器"),
        Permission.INVENTORY_EDIT,
        (
            FieldSpec(
                "asset_tag",
                N_("管理番号"),
                ("管理番号", "管理No", "管理コード", "資産番号", "備品番号", "整理番号", "タグ", "assettag"),
            ),
            FieldSpec(
                "kind",
                N_("種別"),
                ("種別", "種類", "区分", "分類", "機器種別", "機器の種類", "品目", "kind", "type"),
                required=True,
                codes=DeviceKind,
            ),
            FieldSpec("maker", N_("メーカー"), ("メーカー", "製造元", "製造者", "製造会社", "ブランド", "maker")),
            FieldSpec(
                "model_name",
                N_("型番"),
                (
                    "型番",
                    "型番/機種名",
                    "型番・機種名",
                    "機種",
                    "機種名",
                    "品名",
                    "品番",
                    "型式",
                    "製品名",
                    "モデル",
                    "model",
                ),
                required=True,
            ),
            FieldSpec(
                "serial",
                N_("シリアル番号"),
                ("シリアル番号", "シリアル", "シリアルNo", "製造番号", "製品番号", "S/N", "SN", "serial"),
            ),
            FieldSpec(
                "purchase_date",
                N_("購入日"),
                ("購入日", "購入年月日", "取得日", "取得年月日", "購入日付", "導入日", "購入時期"),
                is_date=True,
            ),
            FieldSpec("storage_place", N_("保管場所"), ("保管場所", "設置場所", "保管先", "場所", "置き場", "保管")),
            FieldSpec(
                "accessories", N_("付属品"), ("付属品", "付属物", "附属品", "付属", "同梱品", "同梱物", "付属品一覧")
            ),
            FieldSpec("state", N_("状態"), ("状態", "ステータス", "状況", "state", "status"), codes=DeviceState),
            _NOTES,
        ),
        "asset_tag",
    ),
    ORGANIZATIONS: KindSpec(
        ORGANIZATIONS,
        N_("団体"),
        Permission.ORGANIZATION_EDIT,
        (
            FieldSpec(
                "name", N_("団体名"), ("団体名", "名称", "団体名称", "組織名", "団体の名称", "名前"), required=True
            ),
            _KANA,
            FieldSpec(
                "kind",
                N_("種別"),
                ("種別", "種類", "区分", "団体種別", "団体区分", "分類", "団体の種類"),
                codes=OrganizationKind,
            ),
            FieldSpec("representative_name", N_("代表者名"), ("代表者名", "代表者", "代表", "代表者氏名", "会長")),
            FieldSpec(
                "contact_name", N_("連絡担当者"), ("連絡担当者", "担当者", "担当者名", "連絡先担当者", "窓口", "担当")
            ),
            _PHONE,
            _EMAIL,
            FieldSpec("postal_code", N_("郵便番号"), ("郵便番号", "〒", "郵便", "郵便No")),
            FieldSpec("address", N_("住所"), ("住所", "所在地", "連絡先住所", "所在")),
            _NOTES,
        ),
        "name",
    ),
    ADVISORS: KindSpec(
        ADVISORS,
        N_("アドバイザー"),
        Permission.DISPATCH_EDIT,
        (
            FieldSpec(
                "name", N_("氏名"), ("氏名", "名前", "アドバイザー名", "講師名", "お名前", "名前漢字"), required=True
            ),
            _KANA,
            FieldSpec(
                "fields",
                N_("分野"),
                ("分野", "専門分野", "専門", "得意分野", "対応分野"),
                required=True,
                codes=Field,
                multiple=True,
            ),
            FieldSpec(
                "dispatch_types",
                N_("派遣の種類"),
                ("派遣の種類", "派遣種類", "派遣種別", "対応する派遣", "派遣区分"),
                codes=DispatchType,
                multiple=True,
            ),
            _PHONE,
            _EMAIL,
            _NOTES,
        ),
        "name",
    ),
}

# Everyday names for the coded values, beyond the code and the label (folded when compared).
EXTRA_NAMES: dict[type[LabelledEnum], dict[str, tuple[str, ...]]] = {
    DeviceKind: {
        "tablet": ("タブレット端末", "iPad", "タブ"),
        "laptop": ("ノートPC", "ノート", "PC", "パソコン", "ノートブック", "laptop", "notebook"),
        "wifi_router": ("モバイルWi-Fi", "モバイルWiFi", "ポケットWi-Fi", "Wi-Fiルーター", "WiFi", "Wi-Fi", "ルーター"),
        "projector": ("プロジェクタ", "projector"),
        "webcam": ("Webカメラ", "ウェブカメラ", "カメラ"),
        "speakerphone": ("マイクスピーカー", "スピーカーマイク", "会議用スピーカー"),
        "other": ("その他", "他"),
    },
    DeviceState: {
        "available": ("利用可", "貸出可能", "在庫", "通常", "正常", "待機", "OK"),
        "on_loan": ("貸出", "貸し出し中", "貸出し中"),
        "inspection": ("点検", "点検中", "要点検"),
        "repair": ("修理", "故障", "故障中", "修理待ち"),
        "lost": ("紛失中", "行方不明"),
        "retired": ("廃棄済", "廃棄済み", "除却", "廃止"),
    },
    OrganizationKind: {
        "neighborhood": ("町会", "町内会", "自治会", "地域団体", "地縁団体", "校下", "公民館"),
        "citizen_group": ("市民団体", "任意団体", "ボランティア団体", "ボランティア", "サークル"),
        "npo": ("NPO", "特定非営利活動法人", "NPO団体"),
        "business": ("企業", "会社", "株式会社", "民間企業", "事業所"),
        "university": ("大学", "短大", "短期大学", "高専", "専門学校"),
        "student_group": ("学生", "学生サークル"),
        "government": ("市", "県", "国", "行政機関", "官公庁"),
        "other": ("その他", "他"),
    },
    Field: {
        "accounting": ("会計", "税務", "経理"),
        "npo_law": ("NPO法", "法人化", "法人設立"),
        "pr_design": ("広報", "デザイン", "PR"),
        "ict": ("IT", "IT活用", "デジタル", "パソコン"),
        "facilitation": ("ファシリテーター", "会議進行"),
        "management": ("運営", "組織", "組織づくり"),
        "fundraising": ("ファンドレイジング", "助成金", "資金"),
    },
    DispatchType: {
        "advisor": ("アドバイザー", "専門家派遣"),
        "ict_promoter": ("ICT推進員", "ICT"),
        "facilitator": ("ファシリテーター",),
    },
}

_PUNCT = re.compile(r"[\s\u3000()（）\[\]【】「」・:：_\-‐/／.。、,，*＊※]+")


def fold_heading(text: str) -> str:
    """A heading or coded value as compared: NFKC, lower case, no spaces, brackets or punctuation."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).casefold())


def fold_value(text: str) -> str:
    """A coded value as compared: NFKC, lower case, no spaces or hyphens (モバイルWi-Fi = モバイルWiFi)."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split()).replace("-", "")


def guess_mapping(spec: KindSpec, header: tuple[str, ...], saved: dict[str, str] | None = None) -> list[str]:
    """The field key for each column ("" = not imported).  *saved* (folded heading → field, "" for a
    column the person chose not to import) wins; then headings equal to a field's name or synonym;
    then headings that contain one (「機器の型番」, 「購入日(和暦)」), longest synonym first."""
    saved = saved or {}
    keys = {f.key for f in spec.fields}
    folded = [fold_heading(h) for h in header]
    result = [""] * len(header)
    taken: set[str] = set()

    def assign(i: int, key: str | None) -> None:
        if key and key in keys and key not in taken:
            result[i] = key
            taken.add(key)

    for i, h in enumerate(folded):
        if h in saved:
            assign(i, saved[h])
    exact = {fold_heading(s): f.key for f in spec.fields for s in (f.label_msgid, *f.synonyms)}
    for i, h in enumerate(folded):
        if h and h not in saved and not result[i]:
            assign(i, exact.get(h))
    contained = sorted(
        ((fold_heading(s), f.key) for f in spec.fields for s in f.synonyms if len(fold_heading(s)) >= 2),
        key=lambda pair: -len(pair[0]),
    )
    for i, h in enumerate(folded):
        if h and h not in saved and not result[i]:
            assign(i, next((key for syn, key in contained if key not in taken and syn in h), None))
    return result


@functools.cache
def known_values(codes: type[LabelledEnum]) -> dict[str, str]:
    """Folded name → code for every name a coded value goes by (labels in every language: cached)."""
    names: dict[str, str] = {}
    for member in codes:
        label = codes._label_map()[member.value]
        for name in (member.value, label, *all_translations(label), *EXTRA_NAMES.get(codes, {}).get(member.value, ())):
            names.setdefault(fold_value(name), member.value)
    return names


def split_multiple(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、,，・/／\n;；]+", text) if p.strip()]


def resolver(codes: type[LabelledEnum], chosen: dict[str, str]) -> Callable[[str], str | None]:
    """value → code, using the built-in names then the person's choices (folded value → code)."""
    names = known_values(codes)
    valid = {m.value for m in codes}

    def resolve(value: str) -> str | None:
        key = fold_value(value)
        code = names.get(key) or chosen.get(key)
        return code if code in valid else None

    return resolve


def choices_text(codes: type[LabelledEnum]) -> str:
    return "・".join(m.label() for m in codes)
