"""Checking a consultation before it is saved: each problem is a Japanese message naming the field."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import String

from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.models import now
from kyodo_desk.domain.consultation import Channel, FollowUpAction, ReferralOutcome, ReferralTarget, RequesterType
from kyodo_desk.domain.text_fields import label
from kyodo_desk.domain.validation import Validator
from kyodo_desk.i18n import _
from kyodo_desk.services.consultation_records import ConsultationInput


def received(clean: ConsultationInput) -> dt.datetime:
    assert clean.received_at is not None, "validate() fills in the time of receipt"
    return clean.received_at


# the note's limit is its column's (domain/text_fields.py: one source for every text field)
_NOTE_TYPE = Consultation.__table__.c.referral_outcome_note.type
assert isinstance(_NOTE_TYPE, String) and _NOTE_TYPE.length
OUTCOME_NOTE_LIMIT: int = _NOTE_TYPE.length


def check_referral_outcome(v: Validator, referral_to: str | None, outcome: str | None, note: str) -> None:
    """An outcome (and its note) belongs to a referral: refused on a consultation referred nowhere."""
    outcome_label, note_label = _("紹介の結果"), label("consultation", "referral_outcome_note")
    if outcome and outcome not in {o.value for o in ReferralOutcome}:
        v.add("referral_outcome", _("「{label}」を一覧から選んでください。").format(label=outcome_label))
    if not referral_to:
        if outcome:
            v.add(
                "referral_outcome",
                _(
                    "「{label}」は紹介先があるときだけ記録できます。紹介先を選ぶか、結果を「未確認」に戻してください。"
                ).format(label=outcome_label),
            )
        if note.strip():
            v.add(
                "referral_outcome_note",
                _("「{label}」は紹介先があるときだけ記録できます。紹介先を選ぶか、メモを消してください。").format(
                    label=note_label
                ),
            )
    v.max_length("referral_outcome_note", note_label, note.strip(), OUTCOME_NOTE_LIMIT)


def validate(data: ConsultationInput, *, clock: dt.datetime | None = None) -> ConsultationInput:
    v = Validator()
    current = clock or now()
    received_at = data.received_at or current
    if received_at > current + dt.timedelta(minutes=10):
        v.add("received_at", _("「受付日時」が未来になっています。今日までの日時にしてください。"))
    if data.channel not in {c.value for c in Channel}:
        v.add("channel", _("「受付方法」を一覧から選んでください。"))
    if data.requester_type not in {r.value for r in RequesterType}:
        v.add("requester_type", _("「相談者の種別」を一覧から選んでください。"))
    v.required("summary", _("相談の要旨"), data.summary)
    v.max_length("summary", _("相談の要旨"), data.summary.strip(), 200)
    if not data.category_ids:
        v.add("category_ids", _("「相談分類」を一つ以上選んでください。"))
    if not 1 <= int(data.people_count) <= 999:
        v.add("people_count", _("「人数」は1〜999の数で入力してください。"))
    if not 0 <= int(data.minutes_spent) <= 24 * 60:
        v.add("minutes_spent", _("「対応時間(分)」は0〜1440の数で入力してください。"))
    if data.followup_action and data.followup_action not in {a.value for a in FollowUpAction}:
        v.add("followup_action", _("「次の対応」を一覧から選んでください。"))
    if data.followup_action and data.followup_due is None:
        v.add("followup_due", _("「期限」を入力してください(次の対応を選んだときに必要です)。"))
    if data.followup_due and not data.followup_action:
        v.add("followup_action", _("「次の対応」を選んでください(期限を入れたときに必要です)。"))
    if data.referral_to:
        if data.referral_to not in {r.value for r in ReferralTarget}:
            v.add("referral_to", _("「紹介先」を一覧から選んでください。"))
        v.required("referral_reason", _("紹介の理由"), data.referral_reason)
        if data.referral_to == ReferralTarget.OTHER.value:
            v.required("referral_detail", _("紹介先(その他)"), data.referral_detail)
    check_referral_outcome(v, data.referral_to, data.referral_outcome, data.referral_outcome_note)
    v.raise_if_any()
    return replace(
        data,
        received_at=received_at.replace(microsecond=0),
        summary=data.summary.strip(),
        details=data.details.strip(),
        answer=data.answer.strip(),
        people_count=int(data.people_count),
        minutes_spent=int(data.minutes_spent),
        category_ids=tuple(dict.fromkeys(data.category_ids)),
        followup_action=data.followup_action or None,
        referral_to=data.referral_to or None,
        referral_detail=data.referral_detail.strip() if data.referral_to else "",
        referral_reason=data.referral_reason.strip() if data.referral_to else "",
        referral_outcome=data.referral_outcome or None,
        referral_outcome_note=data.referral_outcome_note.strip(),
    )
