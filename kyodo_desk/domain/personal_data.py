"""What personal information the desk holds, declared once (APPI, 行政機関等の義務).

This is the data structure behind three things that must agree with each other:

* the 個人情報ファイル簿 (personal-information file register) printed from 印刷,
* the 開示 (disclosure) of everything held about one person or organization — each value is
  labelled with the place it is kept (screen, table and column) from these declarations,
* the retention rules (:mod:`kyodo_desk.services.retention`) — ``retention`` says what happens.

A test walks the models and fails when a column that can hold a name, phone number, address or
free text about someone is not declared here.  Labels are msgids (translated when shown).
Pure Python: no SQLAlchemy, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kyodo_desk.domain.enums import StaffRole
from kyodo_desk.domain.permissions import ROLE_PERMISSIONS, Permission
from kyodo_desk.i18n import N_, _


@dataclass(frozen=True)
class HeldField:
    """One column holding personal information: where it is kept and what it is called on screen."""

    table: str
    column: str
    label: str  # msgid
    screen: str  # msgid: where staff see and edit it

    @property
    def location(self) -> str:
        return f"{self.table}.{self.column}"


@dataclass(frozen=True)
class PersonalFile:
    """One 個人情報ファイル: a set of records about people kept for one purpose."""

    key: str
    name: str  # msgid
    purpose: str  # msgid
    subjects: str  # msgid: whose information it is (本人の範囲)
    source: str  # msgid: how it is collected (収集方法)
    retention: str  # msgid, may use {years}
    view_permission: Permission
    fields: tuple[HeldField, ...]
    recipients: str = N_("なし(法令に基づく場合を除き、本人の同意なく外部に提供しません)")

    def roles(self) -> tuple[StaffRole, ...]:
        """Who may see the file: every role holding :attr:`view_permission` (from the one role table)."""
        return tuple(r for r in StaffRole if self.view_permission in ROLE_PERMISSIONS[r])

    def roles_label(self) -> str:
        return "、".join(r.label() for r in self.roles())

    def retention_text(self, years: int) -> str:
        return _(self.retention).format(years=years)

    def field(self, table: str, column: str) -> HeldField:
        for f in self.fields:
            if f.table == table and f.column == column:
                return f
        raise KeyError(f"{table}.{column}")


class ErasureReason(StrEnum):
    """Why a person's data was erased (recorded in the audit trail as this code, never free text)."""

    STOP_USE = "stop_use"  # 利用停止の求め
    ERASE = "erase"  # 消去の求め
    WRONG_ENTRY = "wrong_entry"  # 重複・誤って登録
    NO_LONGER_NEEDED = "no_longer_needed"  # 利用目的を達した

    def label(self) -> str:
        labels = {
            "stop_use": N_("本人からの利用停止の求め"),
            "erase": N_("本人からの消去の求め"),
            "wrong_entry": N_("重複・誤って登録した記録"),
            "no_longer_needed": N_("利用目的を達したため"),
        }
        return _(labels[self.value])


_S_CONSULT = N_("相談受付")
_S_PERSON = N_("相談受付 › 相談者(個人)")
_S_ORG = N_("団体 › 団体の情報")
_S_REG = N_("団体 › 協働をすすめる市民団体の登録")
_S_LOAN = N_("機器貸出 › 貸出")
_S_RESERVE = N_("機器貸出 › 予約")
_S_ADVISOR = N_("アドバイザー派遣 › アドバイザー")
_S_STAFF = N_("設定 › 職員")
_S_AUDIT = N_("設定 › 監査ログ")
_S_SEARCH = N_("検索(画面上部の検索欄)")

PEOPLE = PersonalFile(
    key="people",
    name=N_("相談者(個人)の記録"),
    purpose=N_("相談への対応と、その後の連絡(フォローアップ)のため"),
    subjects=N_("センターに相談した個人(匿名の相談は記録しません)"),
    source=N_("本人から窓口・電話・メールで"),
    retention=N_("最後の相談から{years}年。その後は記録ごと削除します。"),
    view_permission=Permission.PERSON_VIEW,
    fields=(
        HeldField("person", "name", N_("氏名"), _S_PERSON),
        HeldField("person", "name_kana", N_("氏名(カナ)"), _S_PERSON),
        HeldField("person", "phone", N_("電話番号"), _S_PERSON),
        HeldField("person", "email", N_("メールアドレス"), _S_PERSON),
        HeldField("person", "organization_id", N_("所属団体"), _S_PERSON),
        HeldField("person", "notes", N_("備考"), _S_PERSON),
        HeldField("search_document", "title", N_("検索用の写し(氏名・カナ)"), _S_SEARCH),
    ),
)

CONSULTATIONS = PersonalFile(
    key="consultations",
    name=N_("相談受付の記録"),
    purpose=N_("相談への回答・紹介・フォローアップと、個人を特定しない統計のため"),
    subjects=N_("相談者と、相談の中で話された人"),
    source=N_("本人から窓口・電話・メール・オンラインで"),
    retention=N_("受付から{years}年。その後は相談の文章を消去し、統計の項目(日付・方法・分類・人数)だけを残します。"),
    view_permission=Permission.CONSULTATION_VIEW,
    fields=(
        HeldField("consultation", "person_id", N_("相談者(個人)"), _S_CONSULT),
        HeldField("consultation", "summary", N_("相談の要旨"), _S_CONSULT),
        HeldField("consultation", "details", N_("相談内容"), _S_CONSULT),
        HeldField("consultation", "answer", N_("対応・回答"), _S_CONSULT),
        HeldField("consultation", "referral_detail", N_("紹介先(詳しく)"), _S_CONSULT),
        HeldField("consultation", "referral_reason", N_("紹介の理由"), _S_CONSULT),
        HeldField("consultation", "referral_outcome_note", N_("紹介の結果のメモ"), _S_CONSULT),
        HeldField("search_document", "text", N_("検索用の写し(要旨・内容・回答)"), _S_SEARCH),
    ),
)

ORGANIZATION_CONTACTS = PersonalFile(
    key="organization_contacts",
    name=N_("団体の代表者・担当者の連絡先"),
    purpose=N_("団体登録・機器貸出・アドバイザー派遣の連絡と、センターからのお知らせのため"),
    subjects=N_("登録団体の代表者と担当者"),
    source=N_("団体から登録申請書・窓口で"),
    retention=N_("団体が活動している間。本人の求めがあれば連絡先を消去します(団体名と統計は残ります)。"),
    view_permission=Permission.ORGANIZATION_VIEW,
    fields=(
        HeldField("organization", "representative_name", N_("代表者"), _S_ORG),
        HeldField("organization", "contact_name", N_("担当者"), _S_ORG),
        HeldField("organization", "phone", N_("電話番号"), _S_ORG),
        HeldField("organization", "email", N_("メールアドレス"), _S_ORG),
        HeldField("organization", "postal_code", N_("郵便番号"), _S_ORG),
        HeldField("organization", "address", N_("住所"), _S_ORG),
        HeldField("organization", "notes", N_("備考"), _S_ORG),
        HeldField("registration_step", "reason", N_("登録手続きの理由・備考"), _S_REG),
        HeldField("search_document", "text", N_("検索用の写し(代表者・担当者・住所・電話)"), _S_SEARCH),
    ),
)

LENDING = PersonalFile(
    key="lending",
    name=N_("機器貸出・予約の記録"),
    purpose=N_("貸し出した機器の返却の確認と連絡のため"),
    subjects=N_("機器を借りた団体の責任者と予約の連絡先"),
    source=N_("貸出申請書・窓口で"),
    retention=N_(
        "返却から{years}年(予約は予約期間の終わりから{years}年)。その後は責任者・電話番号・督促の記録を消去し、"
        "機器と日付と団体は統計のために残します。"
    ),
    view_permission=Permission.LENDING_OPERATE,
    fields=(
        HeldField("loan", "responsible_name", N_("責任者"), _S_LOAN),
        HeldField("loan", "contact_phone", N_("連絡先電話番号"), _S_LOAN),
        HeldField("loan_note", "note", N_("督促・連絡の記録"), _S_LOAN),
        HeldField("reservation", "contact_name", N_("予約の連絡先(氏名)"), _S_RESERVE),
        HeldField("reservation", "contact_phone", N_("予約の連絡先(電話)"), _S_RESERVE),
    ),
)

ADVISORS = PersonalFile(
    key="advisors",
    name=N_("アドバイザー名簿"),
    purpose=N_("アドバイザー派遣の調整・依頼・謝礼の支払いのため"),
    subjects=N_("センターに登録したアドバイザー"),
    source=N_("本人から登録時に"),
    retention=N_("登録している間。登録をやめた方の記録は、管理者がアドバイザーの画面で消去します。"),
    view_permission=Permission.DISPATCH_EDIT,
    fields=(
        HeldField("advisor", "name", N_("氏名"), _S_ADVISOR),
        HeldField("advisor", "name_kana", N_("氏名(カナ)"), _S_ADVISOR),
        HeldField("advisor", "phone", N_("電話番号"), _S_ADVISOR),
        HeldField("advisor", "email", N_("メールアドレス"), _S_ADVISOR),
        HeldField("advisor", "notes", N_("備考"), _S_ADVISOR),
        HeldField("advisor_exception", "reason", N_("都合の悪い日の理由"), _S_ADVISOR),
    ),
)

STAFF = PersonalFile(
    key="staff",
    name=N_("職員アカウントと監査ログ"),
    purpose=N_("窓口アプリの利用者の確認と、誰がいつどの記録を扱ったかの記録のため"),
    subjects=N_("センターの職員・ICT推進員"),
    source=N_("管理者がアカウントを作るときに"),
    retention=N_("在職中。監査ログの自由記述(理由など)は{years}年で消去し、操作の種類・日時・記録番号は残します。"),
    view_permission=Permission.AUDIT_VIEW,
    fields=(
        HeldField("staff", "display_name", N_("氏名"), _S_STAFF),
        HeldField("staff", "display_kana", N_("氏名(カナ)"), _S_STAFF),
        HeldField("staff", "login_name", N_("ログイン名"), _S_STAFF),
        HeldField("audit_log", "detail", N_("操作の詳細(理由などの自由記述)"), _S_AUDIT),
    ),
)

PERSONAL_FILES: tuple[PersonalFile, ...] = (PEOPLE, CONSULTATIONS, ORGANIZATION_CONTACTS, LENDING, ADVISORS, STAFF)


def declared_locations() -> set[str]:
    """Every ``table.column`` declared as holding personal information."""
    return {f.location for file in PERSONAL_FILES for f in file.fields}


def held_field(table: str, column: str) -> HeldField:
    """The declaration of ``table.column`` (first file that declares it)."""
    for file in PERSONAL_FILES:
        for f in file.fields:
            if f.table == table and f.column == column:
                return f
    raise KeyError(f"{table}.{column}")
