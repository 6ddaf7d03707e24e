"""Partnership projects (パートナーシップ事業) and the plan's targets: statuses, value sources, rules.

Pure Python (no SQLAlchemy, no Qt).  Codes are stable ASCII stored in the database; ``label()``
gives the Japanese text.
"""

from __future__ import annotations

from kyodo_desk.domain.enums import LabelledEnum
from kyodo_desk.i18n import N_


class ProjectStatus(LabelledEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    DONE = "done"
    CANCELLED = "cancelled"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "planned": N_("計画"),
            "active": N_("実施中"),
            "done": N_("完了"),
            "cancelled": N_("中止"),
        }


# Statuses that count as "a project done in partnership" for the plan's target 3 (中止 does not).
COUNTED_STATUSES: tuple[str, ...] = (ProjectStatus.PLANNED, ProjectStatus.ACTIVE, ProjectStatus.DONE)


class ValueSource(LabelledEnum):
    """Where a plan item's yearly values come from."""

    REGISTRATIONS = "registrations"  # computed: registered 協働をすすめる市民団体 (services.registration)
    PROJECTS = "projects"  # computed: partnership projects per fiscal year (not 中止)
    SURVEY = "survey"  # satisfied answers / respondents of a survey, per fiscal year
    MANUAL = "manual"  # yearly values typed by the administrator

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "registrations": N_("登録団体数(自動集計)"),
            "projects": N_("協働事業数(自動集計)"),
            "survey": N_("アンケート(回答者数と満足の回答数)"),
            "manual": N_("年度ごとに入力"),
        }


def survey_percent(respondents: int, satisfied: int) -> float:
    """The share of satisfied answers in percent, to one decimal (66.8 for 489 of 732)."""
    if respondents <= 0:
        raise ValueError("respondents must be positive")
    return round(satisfied * 100.0 / respondents, 1)


def progress(reference: float | None, target: float, current: float | None) -> float | None:
    """Share of the way from *reference* to *target* (1.0 = reached; may exceed 1 or be negative).

    Without a reference the share of the target itself; None without a current value."""
    if current is None:
        return None
    if reference is None or reference == target:
        return current / target if target else None
    return (current - reference) / (target - reference)
