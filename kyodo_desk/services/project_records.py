"""What the projects service speaks in: the form's input, the records it returns, validation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kyodo_desk.domain.projects import ProjectStatus
from kyodo_desk.domain.text import clean_keep_width
from kyodo_desk.domain.validation import Validator
from kyodo_desk.i18n import _

KIND = "project"
PREFIX = "P"


@dataclass(frozen=True)
class Division:
    id: int
    programme_id: int
    name: str
    sort_order: int
    active: bool


@dataclass(frozen=True)
class Programme:
    id: int
    name: str
    sort_order: int
    active: bool
    version: int
    divisions: tuple[Division, ...] = ()


@dataclass(frozen=True)
class Partner:
    organization_id: int
    name: str
    kind: str


@dataclass(frozen=True)
class LinkedRecord:
    """A linked consultation or dispatch application: its id and human reference (S2025-00001)."""

    id: int
    reference: str
    title: str


@dataclass(frozen=True)
class ProjectInput:
    """What the editor sends; strings as typed.  Links are references (S2025-00001 / D2025-00001)."""

    name: str = ""
    fiscal_year: int = 0
    programme_id: int | None = None
    division_id: int | None = None
    status: str = ProjectStatus.PLANNED.value
    amount: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    partner_ids: tuple[int, ...] = ()
    city_departments: tuple[str, ...] = ()
    summary: str = ""
    review_done: str = ""
    review_participants: int | None = None
    review_evaluation: str = ""
    reviewed_on: dt.date | None = None
    consultation_refs: tuple[str, ...] = ()
    dispatch_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProjectRow:
    """One line of the list."""

    id: int
    reference: str
    name: str
    fiscal_year: int
    programme: str
    division: str
    status: str
    amount: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    partners: str  # names joined with 、

    @property
    def status_label(self) -> str:
        return ProjectStatus(self.status).label()


@dataclass(frozen=True)
class ProjectRecord:
    id: int
    reference: str
    version: int
    name: str
    fiscal_year: int
    programme_id: int | None
    division_id: int | None
    status: str
    amount: int | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    partners: tuple[Partner, ...]
    city_departments: tuple[str, ...]
    summary: str
    review_done: str
    review_participants: int | None
    review_evaluation: str
    reviewed_on: dt.date | None
    consultations: tuple[LinkedRecord, ...]
    dispatches: tuple[LinkedRecord, ...]

    def as_input(self) -> ProjectInput:
        return ProjectInput(
            name=self.name,
            fiscal_year=self.fiscal_year,
            programme_id=self.programme_id,
            division_id=self.division_id,
            status=self.status,
            amount=self.amount,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            partner_ids=tuple(p.organization_id for p in self.partners),
            city_departments=self.city_departments,
            summary=self.summary,
            review_done=self.review_done,
            review_participants=self.review_participants,
            review_evaluation=self.review_evaluation,
            reviewed_on=self.reviewed_on,
            consultation_refs=tuple(c.reference for c in self.consultations),
            dispatch_refs=tuple(d.reference for d in self.dispatches),
        )


@dataclass(frozen=True)
class ProjectFilter:
    fiscal_year: int | None = None
    programme_id: int | None = None
    status: str | None = None
    text: str = ""


def clean_lines(values: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values:
        for part in v.replace("、", "\n").replace(",", "\n").splitlines():
            part = clean_keep_width(part)
            if part and part not in out:
                out.append(part)
    return tuple(out)


def validate(data: ProjectInput) -> ProjectInput:
    """Check *data*; return it cleaned.  Every error names its field and says what to do."""
    v = Validator()
    name = clean_keep_width(data.name)
    v.required("name", _("事業名"), name)
    v.max_length("name", _("事業名"), name, 200)
    if not 2000 <= data.fiscal_year <= 2100:
        v.add("fiscal_year", _("「年度」を西暦で入力してください(例: 2025)。"))
    if data.status not in {s.value for s in ProjectStatus}:
        v.add("status", _("「状況」を一覧から選んでください。"))
    if data.amount is not None and data.amount < 0:
        v.add("amount", _("「補助額」は0円以上の金額を円単位で入力してください。"))
    if data.amount is not None and data.amount > 100_000_000:
        v.add("amount", _("「補助額」が大きすぎます。円単位で入力してください(例: 300000)。"))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        v.add("ends_on", _("「終了日」は開始日と同じか後の日付にしてください。"))
    if data.review_participants is not None and data.review_participants < 0:
        v.add("review_participants", _("「参加者数」は0以上の人数を入力してください。"))
    departments = clean_lines(data.city_departments)
    if not data.partner_ids and not departments:
        v.add("partners", _("「協働の相手」を1つ以上選ぶか、市の担当課を入力してください。"))
    v.raise_if_any()
    return ProjectInput(
        name=name,
        fiscal_year=data.fiscal_year,
        programme_id=data.programme_id,
        division_id=data.division_id if data.programme_id else None,
        status=data.status,
        amount=data.amount,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        partner_ids=tuple(dict.fromkeys(data.partner_ids)),
        city_departments=departments,
        summary=data.summary.strip(),
        review_done=data.review_done.strip(),
        review_participants=data.review_participants,
        review_evaluation=data.review_evaluation.strip(),
        reviewed_on=data.reviewed_on,
        consultation_refs=tuple(dict.fromkeys(r.strip().upper() for r in data.consultation_refs if r.strip())),
        dispatch_refs=tuple(dict.fromkeys(r.strip().upper() for r in data.dispatch_refs if r.strip())),
    )
