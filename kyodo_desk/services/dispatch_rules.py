"""The rules of a dispatch application that need no database: what a form must hold, who may
apply for which type, when the 派遣決定通知書 may be printed, which statuses are closed."""

from __future__ import annotations

from kyodo_desk.db.models import Organization
from kyodo_desk.domain.dispatch import ACTIVE_BOOKING, DispatchType, Field, Support
from kyodo_desk.domain.enums import RegistrationStatus
from kyodo_desk.domain.validation import ValidationError, Validator
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.dispatch_records import ApplicationInput, ApplicationRecord

MAX_SESSIONS = 12
# an application in one of these can no longer be corrected, nor its visits added or cancelled
CLOSED_FOR_EDIT = ("completed", "withdrawn", "rejected")


def notice_refusal(app: ApplicationRecord) -> str:
    """Why the 派遣決定通知書 cannot be printed for *app* ("" = it can).  It tells the group that the
    dispatch is decided, so only from 派遣決定 on (and while that stays true: 実施済, 報告受領, 完了)."""
    if app.status in ACTIVE_BOOKING:
        return ""
    return _("派遣決定通知書は、申請が「派遣決定」になってから印刷できます(いまは「{s}」)。").format(s=app.status_label)


def require_notice_allowed(app: ApplicationRecord) -> None:
    """The documents layer's check before building the notice (the screen disables the button too)."""
    refusal = notice_refusal(app)
    if refusal:
        raise ServiceError(refusal)


def validate_application(data: ApplicationInput, *, creating: bool) -> None:
    """The checks shared by taking an application and correcting it (the number of visits and the
    organization are only chosen when it is taken)."""
    v = Validator()
    v.required("topic", _("相談したい内容(テーマ)"), data.topic)
    if data.dispatch_type not in {t.value for t in DispatchType}:
        v.add("dispatch_type", _("「派遣の種類」を一覧から選んでください。"))
    if data.field not in {f.value for f in Field}:
        v.add("field", _("「分野」を一覧から選んでください。"))
    if len(data.preferred) > 3:
        v.add("preferred", _("「希望日時」は3つまでです。"))
    if any(end <= start for start, end in data.preferred):
        v.add("preferred", _("「希望日時」の終了は開始より後にしてください。"))
    if creating and not 1 <= data.sessions <= MAX_SESSIONS:
        v.add("sessions", _("「回数」は1〜12回で入力してください。"))
    if any(x not in {s.value for s in Support} for x in data.support):
        v.add("support", _("「参加サポート」を一覧から選んでください。"))
    if data.expected_participants < 0:
        v.add("expected_participants", _("「参加予定人数」は0以上で入力してください。"))
    v.raise_if_any()


def check_registration(cfg, org: Organization, dispatch_type: str) -> None:
    if (
        dispatch_type in cfg.dispatch_types_requiring_registration
        and org.registration_status != RegistrationStatus.REGISTERED.value
    ):
        raise ValidationError(
            {
                "organization_id": _(
                    "{type}は「協働をすすめる市民団体」に登録済みの団体だけが申請できます({org}は{status})。"
                ).format(
                    type=DispatchType(dispatch_type).label(),
                    org=org.name,
                    status=RegistrationStatus(org.registration_status).label(),
                )
            }
        )
