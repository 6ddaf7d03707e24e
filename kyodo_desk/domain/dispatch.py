"""Advisor dispatch (アドバイザー派遣): types, fields, the status workflow and booking rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kyodo_desk.domain.enums import LabelledEnum
from kyodo_desk.i18n import N_


class DispatchType(LabelledEnum):
    ADVISOR = "advisor"
    ICT_PROMOTER = "ict_promoter"
    FACILITATOR = "facilitator"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "advisor": N_("アドバイザー派遣"),
            "ict_promoter": N_("ICT推進員の派遣"),
            "facilitator": N_("ファシリテーター派遣"),
        }


class Field(LabelledEnum):
    ACCOUNTING = "accounting"
    NPO_LAW = "npo_law"
    PR_DESIGN = "pr_design"
    ICT = "ict"
    FACILITATION = "facilitation"
    MANAGEMENT = "management"
    FUNDRAISING = "fundraising"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "accounting": N_("会計・税務"),
            "npo_law": N_("NPO法・法人化"),
            "pr_design": N_("広報・デザイン"),
            "ict": N_("ICT"),
            "facilitation": N_("ファシリテーション"),
            "management": N_("組織運営"),
            "fundraising": N_("資金調達"),
        }


class Support(LabelledEnum):
    """Participation support from the plan (参加サポート)."""

    CHILDCARE = "childcare"
    SIGN_LANGUAGE = "sign_language"
    CAPTIONING = "captioning"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {"childcare": N_("託児"), "sign_language": N_("手話通訳"), "captioning": N_("要約筆記")}


class Status(LabelledEnum):
    RECEIVED = "received"
    SCHEDULING = "scheduling"
    DECIDED = "decided"
    DONE = "done"
    REPORTED = "reported"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    POSTPONED = "postponed"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "received": N_("申請受付"),
            "scheduling": N_("日程調整中"),
            "decided": N_("派遣決定"),
            "done": N_("実施済"),
            "reported": N_("報告受領"),
            "completed": N_("完了"),
            "withdrawn": N_("取下げ"),
            "rejected": N_("却下"),
            "postponed": N_("延期"),
        }


# Allowed next steps.  取下げ/却下/延期 are possible until the dispatch has taken place.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("scheduling", "decided", "withdrawn", "rejected", "postponed"),
    "scheduling": ("decided", "withdrawn", "rejected", "postponed"),
    "decided": ("done", "scheduling", "withdrawn", "postponed"),
    "postponed": ("scheduling", "withdrawn"),
    "done": ("reported",),
    "reported": ("completed",),
    "completed": (),
    "withdrawn": (),
    "rejected": (),
}
CANCELLED = ("withdrawn", "rejected")
ACTIVE_BOOKING = ("decided", "done", "reported", "completed")


class SessionStatus(LabelledEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {"planned": N_("予定"), "held": N_("実施"), "cancelled": N_("中止"), "no_show": N_("不在・未実施")}


@dataclass(frozen=True)
class TimeRange:
    start: dt.datetime
    end: dt.datetime

    def overlaps(self, other: "TimeRange", buffer: dt.timedelta = dt.timedelta()) -> bool:
        return self.start < other.end + buffer and other.start < self.end + buffer


def within_weekly(start: dt.datetime, end: dt.datetime, windows: list[tuple[int, dt.time, dt.time]]) -> bool:
    """True when [start, end] lies inside one availability window of that weekday."""
    if start.date() != end.date():
        return False
    return any(w == start.weekday() and s <= start.time() and end.time() <= e for w, s, e in windows)
