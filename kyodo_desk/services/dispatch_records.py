"""Plain records of the dispatch services (inputs, results, errors)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kyodo_desk.domain.dispatch import DispatchType, Field, Status, Support
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError


class BookingConflict(ServiceError):
    """The booking breaks a rule; ``problems`` lists each in Japanese.  Retry with an override reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            _("この日時では予約できません。")
            + "\n"
            + "\n".join(problems)
            + "\n"
            + _("やむを得ない場合は理由を入力して上書きできます。")
        )


@dataclass(frozen=True)
class ApplicationInput:
    organization_id: int = 0
    dispatch_type: str = DispatchType.ADVISOR.value
    field: str = Field.MANAGEMENT.value
    topic: str = ""
    preferred: tuple[tuple[dt.datetime, dt.datetime], ...] = ()
    venue: str = ""
    expected_participants: int = 0
    support: tuple[str, ...] = ()
    sessions: int = 1
    received_on: dt.date | None = None
    consultation_id: int | None = None


def intake_questions(data: ApplicationInput, received_on: dt.date | None = None) -> dict[str, str]:
    """What the desk is asked to confirm before an application is taken (field → question).

    Neither is refused: a paper application can be entered after the day it asks for, and the
    number of participants is often not known yet at a phone intake.  Both are also what a slip
    of the keyboard produces (2024 for 2025, a forgotten number), so the desk is asked."""
    questions: dict[str, str] = {}
    received = received_on or data.received_on or dt.date.today()
    early = sorted(start.date() for start, _end in data.preferred if start.date() < received)
    if early:
        questions["preferred"] = _("「希望日時」の {day} は「受付日」({received})より前です。").format(
            day=f"{early[0]:%Y/%m/%d}", received=f"{received:%Y/%m/%d}"
        )
    if data.expected_participants == 0:
        questions["expected_participants"] = _("「参加予定人数」が0人です。")
    return questions


@dataclass(frozen=True)
class SessionRecord:
    id: int
    number: int
    advisor_id: int | None
    advisor_name: str
    start_at: dt.datetime | None
    end_at: dt.datetime | None
    status: str
    attendance: int | None
    report_summary: str
    fee: int
    travel_cost: int
    ics_sequence: int
    override_reason: str
    version: int


@dataclass(frozen=True)
class ApplicationRecord:
    id: int
    reference: str
    fiscal_year: int
    organization_id: int
    organization_name: str
    organization_registered: bool
    dispatch_type: str
    field: str
    topic: str
    preferred: tuple[tuple[dt.datetime, dt.datetime], ...]
    venue: str
    expected_participants: int
    support: tuple[str, ...]
    status: str
    received_on: dt.date
    sessions: tuple[SessionRecord, ...]
    history: tuple[tuple[dt.datetime, str | None, str, str, str], ...] = ()
    version: int = 0

    @property
    def status_label(self) -> str:
        return Status(self.status).label()

    @property
    def support_label(self) -> str:
        return "・".join(Support(s).label() for s in self.support)


@dataclass(frozen=True)
class QuotaStatus:
    used: int
    limit: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


@dataclass(frozen=True)
class Suggestion:
    advisor_id: int
    advisor_name: str
    start: dt.datetime
    end: dt.datetime
    advisor_month_used: int
