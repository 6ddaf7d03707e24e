"""Referrals (他機関紹介) followed up: recording what came of one (連絡済み / つながった / 不調 and a
short note) days after the intake, from the editor or the home page's follow-up card.

One write transaction: the version seen is checked (another desk's newer save is refused), the
follow-up can be marked done at the same time, and one audit row names the fields changed (never
the note's text)."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db.consultation_models import Consultation
from kyodo_desk.db.models import now
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import Validator
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, StaleEdit, audit, require
from kyodo_desk.services.consultation_editing import index_consultation, not_found
from kyodo_desk.services.consultation_records import KIND, ConsultationRecord, ServiceBase, to_records
from kyodo_desk.services.consultation_validation import check_referral_outcome


class ConsultationReferrals(ServiceBase):
    def record_referral_outcome(
        self,
        actor: Actor,
        consultation_id: int,
        expected_version: int,
        outcome: str | None,
        note: str = "",
        *,
        followup_done: bool | None = None,
    ) -> ConsultationRecord:
        """Set (or clear: *outcome* None = 未確認) the outcome of a referral and its note; with
        *followup_done* given, the follow-up is marked done (or open) in the same save."""
        require(actor, Permission.CONSULTATION_EDIT)
        try:
            with self.db.write() as s:
                row = s.get(Consultation, consultation_id)
                if row is None:
                    raise not_found()
                if row.version != expected_version:
                    raise StaleEdit(_("相談記録"))
                v = Validator()
                check_referral_outcome(v, row.referral_to, outcome, note)
                if row.anonymized_at is not None and note.strip():
                    v.add(
                        "referral_outcome_note",
                        _(
                            "この相談は保存期間を過ぎて文章を消去済みです。「紹介の結果のメモ」は空のままにしてください。"
                        ),
                    )
                v.raise_if_any()
                new: dict[str, object] = {"referral_outcome": outcome or None, "referral_outcome_note": note.strip()}
                if followup_done is not None and row.followup_action:
                    new["followup_done"] = followup_done
                changed = [name for name, value in new.items() if getattr(row, name) != value]
                if not changed:
                    return to_records(s, [row])[0]
                for name in changed:
                    setattr(row, name, new[name])
                if "followup_done" in changed:
                    row.followup_done_at = now() if row.followup_done else None
                row.updated_at = now()
                s.flush()
                index_consultation(s, row)
                audit(s, actor, AuditAction.UPDATE, KIND, row.id, "fields=" + ",".join(changed))
                s.flush()
                return to_records(s, [row])[0]
        except StaleDataError as exc:
            raise StaleEdit(_("相談記録")) from exc
