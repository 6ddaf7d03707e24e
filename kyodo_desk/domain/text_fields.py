"""The one place for what a text field may hold: its name on screen and the characters allowed.

The length limit of each field is its column's (``String(200)`` in db/*_models.py: one source, read
by :func:`kyodo_desk.db.input_rules.check_session` before every write).  SQLite stores any length
and a NUL character, PostgreSQL refuses both with a raw DataError; checking here, before either
database sees the row, makes both behave alike and tells the person which field to shorten, in
Japanese.  ``tests/domain/test_text_fields.py`` walks every text column of every model, so a new
column without a name here fails the tests.
"""

from __future__ import annotations

import re

from kyodo_desk.i18n import N_, _

# Field names by column name (most columns mean the same wherever they appear) …
LABELS: dict[str, str] = {
    "name": N_("名称"),
    "name_kana": N_("ふりがな"),
    "phone": N_("電話番号"),
    "email": N_("メールアドレス"),
    "contact_name": N_("連絡担当者"),
    "contact_phone": N_("連絡先電話"),
    "representative_name": N_("代表者名"),
    "postal_code": N_("郵便番号"),
    "address": N_("住所"),
    "reason": N_("理由"),
    "note": N_("メモ"),
    "purpose": N_("利用目的"),
    "title": N_("件名"),
    "topic": N_("テーマ"),
    "venue": N_("会場"),
    "support": N_("希望する支援"),
    "fields": N_("分野"),
    "dispatch_types": N_("派遣の種類"),
    "maker": N_("メーカー"),
    "model_name": N_("型番・機種名"),
    "asset_tag": N_("管理番号"),
    "serial": N_("シリアル番号"),
    "storage_place": N_("保管場所"),
    "responsible_name": N_("責任者"),
    "summary": N_("相談の要旨"),
    "referral_detail": N_("紹介先の詳細"),
    "referral_reason": N_("紹介の理由"),
    "referral_outcome_note": N_("紹介の結果のメモ"),
    "quota_override_reason": N_("上限を超える理由"),
    "override_reason": N_("例外の理由"),
    "activity_area": N_("活動地域"),
    "website": N_("ウェブサイト"),
    "documents": N_("提出書類"),
    "number": N_("登録番号"),
    "login_name": N_("ログイン名"),
    "display_name": N_("氏名"),
    "display_kana": N_("氏名のふりがな"),
    "unit": N_("単位"),
    # long texts (no length limit; the allowed characters still apply)
    "notes": N_("備考"),
    "details": N_("相談の詳細"),
    "answer": N_("回答・対応"),
    "activity": N_("活動内容"),
    "report_summary": N_("実施報告"),
    "preferred": N_("希望日時"),
    "accessories": N_("付属品"),
    "city_departments": N_("市の担当課"),
    "review_done": N_("成果検証: 実施したこと"),
    "review_evaluation": N_("成果検証: 協働相手の評価"),
}

# … and where the same column name means something else
TABLE_LABELS: dict[str, str] = {
    "organization.name": N_("団体名"),
    "person.name": N_("氏名"),
    "advisor.name": N_("アドバイザー氏名"),
    "project.name": N_("事業名"),
    "plan_period.name": N_("計画の名称"),
    "plan_item.name": N_("目標の項目名"),
    "plan_survey.name": N_("調査の名称"),
    "consultation_category.name": N_("相談分類の名称"),
    "project_programme.name": N_("事業区分の名称"),
    "project_division.name": N_("部門の名称"),
    "label_template.name": N_("ラベル用紙の名称"),
    "consultation_case.title": N_("案件名"),
    "stocktake_line.code": N_("読み取ったコード"),
    "closed_day.reason": N_("休館日の理由"),
    "device_state_change.reason": N_("状態を変える理由"),
    "advisor_exception.reason": N_("不在の理由"),
    "loan_note.note": N_("貸出のメモ"),
    "loan_item.note": N_("機器ごとのメモ"),
}

# Codes the desk itself writes (states, kinds, references, hashes) and copies it keeps for its own
# use: never typed by a person, so never a message; the search index and the audit log shorten an
# over-long copy instead of refusing the save of the record it describes.
CODE_COLUMNS = frozenset(
    {
        "kind", "status", "state", "role", "registration_status", "reference", "channel", "requester_type",
        "followup_action", "referral_to", "referral_outcome", "from_state", "to_state", "from_status", "to_status", "condition",
        "result_state", "dispatch_type", "field", "step", "status_after", "source", "key", "item_key",
        "prefix", "password_hash", "pin_hash", "publish_fields", "actor", "action", "entity",
        "definition", "value", "accessories_out", "accessories_back", "request_key",
        "result", "device_state", "loan_reference",
    }
)  # fmt: skip
SHORTENED_TABLES = frozenset({"search_document", "audit_log"})

# C0 controls except tab and line breaks, DEL, and lone surrogates (text decoded badly): PostgreSQL
# refuses NUL and invalid UTF-8; neither belongs in a record.
_NOT_ALLOWED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def label(table: str, column: str) -> str:
    """The field's name on screen (translated), e.g. ``organization.name`` → 「団体名」."""
    return _(TABLE_LABELS.get(f"{table}.{column}") or LABELS.get(column) or column)


def has_label(table: str, column: str) -> bool:
    return f"{table}.{column}" in TABLE_LABELS or column in LABELS or column in CODE_COLUMNS


def bad_characters(value: str) -> bool:
    return _NOT_ALLOWED.search(value) is not None


def without_bad_characters(value: str) -> str:
    return _NOT_ALLOWED.sub("", value)


def too_long_message(field_label: str, limit: int, count: int) -> str:
    return _("「{label}」は{limit}文字以内で入力してください(いま{count}文字)。").format(
        label=field_label, limit=limit, count=count
    )


def bad_characters_message(field_label: str) -> str:
    return _(
        "「{label}」に使えない文字(制御文字など、画面に見えない文字)が含まれています。"
        "その文字を消してから保存してください。"
    ).format(label=field_label)
