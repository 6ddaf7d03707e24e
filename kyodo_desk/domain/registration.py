"""The 「協働をすすめる市民団体」 registration as a state machine (pure: no database, no Qt).

Statuses and steps::

    none/ended ──申請受付──▶ applied ──審査(承認)──▶ reviewed ──登録──▶ registered ◀─┐
                              │  └──審査(不承認)──▶ rejected                      │ 更新 / 変更届
                              └──取下げ──▶ withdrawn ◀──取下げ── reviewed         │
    registered ──辞退──▶ withdrawn · ──登録取消──▶ cancelled · ──失効──▶ expired ─┘

A registration is *in force* on a day when the last step on or before that day left it registered
and (with automatic lapse on) that day is not after the period the last 登録/更新 granted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kyodo_desk.domain.enums import LabelledEnum, RegistrationStatus
from kyodo_desk.domain.validation import Validator
from kyodo_desk.i18n import N_, _

RegStatus = RegistrationStatus  # stored in registration.status and organization.registration_status


class Step(LabelledEnum):
    APPLY = "apply"
    APPROVE = "approve"
    REJECT = "reject"
    REGISTER = "register"
    RENEW = "renew"
    CHANGE = "change"
    LAPSE = "lapse"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "apply": N_("申請受付"),
            "approve": N_("審査(承認)"),
            "reject": N_("審査(不承認)"),
            "register": N_("登録"),
            "renew": N_("更新"),
            "change": N_("変更届"),
            "lapse": N_("失効"),
            "withdraw": N_("取下げ・辞退"),
            "cancel": N_("登録取消"),
        }


ENDED = frozenset({RegStatus.NONE, RegStatus.EXPIRED, RegStatus.WITHDRAWN, RegStatus.CANCELLED, RegStatus.REJECTED})

# step → (statuses it may start from, status after)
TRANSITIONS: dict[Step, tuple[frozenset[RegStatus], RegStatus]] = {
    Step.APPLY: (ENDED, RegStatus.APPLIED),
    Step.APPROVE: (frozenset({RegStatus.APPLIED}), RegStatus.REVIEWED),
    Step.REJECT: (frozenset({RegStatus.APPLIED}), RegStatus.REJECTED),
    Step.REGISTER: (frozenset({RegStatus.REVIEWED}), RegStatus.REGISTERED),
    Step.RENEW: (frozenset({RegStatus.REGISTERED}), RegStatus.REGISTERED),
    Step.CHANGE: (frozenset({RegStatus.REGISTERED}), RegStatus.REGISTERED),
    Step.LAPSE: (frozenset({RegStatus.REGISTERED}), RegStatus.EXPIRED),
    Step.WITHDRAW: (frozenset({RegStatus.APPLIED, RegStatus.REVIEWED, RegStatus.REGISTERED}), RegStatus.WITHDRAWN),
    Step.CANCEL: (frozenset({RegStatus.REGISTERED}), RegStatus.CANCELLED),
}
NEEDS_REASON = frozenset({Step.REJECT, Step.WITHDRAW, Step.CANCEL, Step.CHANGE})
# The steps a person chooses at the desk (失効 is the setting's job, but may be recorded by hand too).
DESK_STEPS = (
    Step.APPLY,
    Step.APPROVE,
    Step.REJECT,
    Step.REGISTER,
    Step.RENEW,
    Step.CHANGE,
    Step.WITHDRAW,
    Step.CANCEL,
    Step.LAPSE,
)

# Fields of the publication list, in the order of the 登録申請書 (code, label).
PUBLISH_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", N_("団体名")),
    ("representative", N_("代表者氏名")),
    ("address", N_("所在地")),
    ("phone", N_("電話")),
    ("email", N_("メール")),
    ("website", N_("ホームページ・SNS")),
    ("activity", N_("活動の目的と内容")),
    ("activity_area", N_("活動の場所")),
)
PUBLISH_CODES = tuple(code for code, _label in PUBLISH_FIELDS)

DEFAULT_DOCUMENTS = (N_("規約"), N_("名簿"), N_("活動計画"))
DEFAULT_NUMBER_PATTERN = "協働-{year}-{seq:03d}"


class RegistrationRefused(ValueError):
    """A step that is not allowed now; the message says why, for the person at the desk."""


def allowed_steps(status: str | RegStatus) -> list[Step]:
    """The steps that may follow *status*, in desk order."""
    current = RegStatus(status)
    return [s for s in DESK_STEPS if current in TRANSITIONS[s][0]]


def status_after(status: str | RegStatus, step: str | Step, *, last_date: dt.date | None, on: dt.date) -> RegStatus:
    """The status *step* on *on* leads to from *status*, or :class:`RegistrationRefused`."""
    current, chosen = RegStatus(status), Step(step)
    starts, after = TRANSITIONS[chosen]
    if current not in starts:
        raise RegistrationRefused(
            _("いまの登録状況「{status}」では「{step}」はできません。できる手続き: {allowed}").format(
                status=current.label(),
                step=chosen.label(),
                allowed="、".join(s.label() for s in allowed_steps(current)) or "-",
            )
        )
    if last_date is not None and on < last_date:
        raise RegistrationRefused(
            _("「日付」は前の手続きの日({last})より後にしてください。").format(last=last_date.isoformat())
        )
    return after


def validate_step(
    step: Step,
    *,
    on: dt.date | None,
    today: dt.date,
    reason: str,
    documents_checked: Sequence[str] = (),
    documents_required: Sequence[str] = (),
) -> None:
    """Field checks of one step's small dialog (date, reason, documents)."""
    v = Validator()
    if on is None:
        v.add("on_date", _("「日付」を入力してください。"))
    elif on > today:
        v.add("on_date", _("「日付」に先の日付は入れられません(今日 {today} まで)。").format(today=today.isoformat()))
    if step in NEEDS_REASON and not reason.strip():
        v.add("reason", _("「{what}」を入力してください。").format(what=reason_label(step)))
    v.max_length("reason", reason_label(step), reason, 1000)
    if step == Step.APPLY:
        missing = [d for d in documents_required if d not in documents_checked]
        if missing:
            v.add(
                "documents",
                _("「提出書類」の {missing} が確認されていません。そろってから受け付けてください。").format(
                    missing="、".join(missing)
                ),
            )
    v.raise_if_any()


def reason_label(step: Step) -> str:
    if step == Step.CHANGE:
        return _("変更の内容")
    if step in (Step.REJECT, Step.WITHDRAW, Step.CANCEL, Step.LAPSE):
        return _("理由")
    return _("備考")


def add_months(day: dt.date, months: int) -> dt.date:
    """*day* plus *months*, clamped to the month's last day (2024-02-29 + 12 → 2025-02-28)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def valid_until(start: dt.date, renewal_months: int) -> dt.date:
    """The last day a 登録/更新 on *start* holds: 2025-05-10 with 12 months → 2026-05-09."""
    return add_months(start, renewal_months) - dt.timedelta(days=1)


_PATTERN_FIELDS = re.compile(r"\{(\w+)(?::[^{}]*)?\}")


def check_number_pattern(pattern: str) -> str | None:
    """An error message for a bad 登録番号 pattern, or None.  Fields: {year} {wareki} {seq}."""
    names = set(_PATTERN_FIELDS.findall(pattern))
    if "seq" not in names:
        return _("「登録番号の形式」には通し番号 {seq} を入れてください(例: 協働-{year}-{seq:03d})。")
    if names - {"year", "wareki", "seq"}:
        return _("「登録番号の形式」に使えるのは {year}(年度)、{wareki}(和暦の年度)、{seq}(通し番号)だけです。")
    try:
        format_number(pattern, 2025, 1)
    except (ValueError, KeyError, IndexError):
        return _("「登録番号の形式」の書き方が正しくありません(例: 協働-{year}-{seq:03d})。")
    if len(format_number(pattern, 2025, 999)) > 40:
        return _("「登録番号の形式」は40文字以内の番号になるようにしてください。")
    return None


def format_number(pattern: str, fiscal_year: int, seq: int) -> str:
    reiwa = fiscal_year - 2018
    wareki = f"R{reiwa}" if reiwa >= 1 else f"H{fiscal_year - 1988}"
    return pattern.format(year=fiscal_year, wareki=wareki, seq=seq)


def counter_is_yearly(pattern: str) -> bool:
    """A pattern with the year restarts its 通し番号 each fiscal year; one without never does."""
    names = set(_PATTERN_FIELDS.findall(pattern))
    return bool(names & {"year", "wareki"})


@dataclass(frozen=True)
class StepPoint:
    """What counting needs of one step: its day, the status it left, and until when it holds."""

    on_date: dt.date
    status_after: str
    valid_until: dt.date | None = None


def in_force_on(steps: Iterable[StepPoint], day: dt.date, *, auto_lapse: bool, grace_days: int = 0) -> bool:
    """Was this registration in force on *day*?  *steps* in the order recorded (date, then id)."""
    last: StepPoint | None = None
    held_until: dt.date | None = None
    for point in steps:
        if point.on_date > day:
            break
        last = point
        if point.valid_until is not None:
            held_until = point.valid_until
    if last is None or last.status_after != RegStatus.REGISTERED:
        return False
    if auto_lapse and held_until is not None and day > held_until + dt.timedelta(days=grace_days):
        return False
    return True


def renewal_due(expires_on: dt.date | None) -> dt.date | None:
    """The day the renewal is due: the registration's last valid day."""
    return expires_on


def lapse_date(expires_on: dt.date, grace_days: int) -> dt.date:
    """The day an unrenewed registration lapses (the day after its period and any grace)."""
    return expires_on + dt.timedelta(days=grace_days + 1)
