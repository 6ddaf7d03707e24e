"""Device lending rules: kinds, states, loan periods and the one availability rule.

Periods are inclusive date ranges [start, end].  A device is busy for another borrower from the
start of a loan/reservation until its end *plus the buffer days* (charging, wiping), so two
periods conflict when ``a.start <= b.end + buffer`` and ``b.start <= a.end + buffer``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kyodo_desk.domain.enums import LabelledEnum
from kyodo_desk.i18n import N_


class DeviceKind(LabelledEnum):
    TABLET = "tablet"
    LAPTOP = "laptop"
    WIFI_ROUTER = "wifi_router"
    PROJECTOR = "projector"
    WEBCAM = "webcam"
    SPEAKERPHONE = "speakerphone"
    OTHER = "other"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "tablet": N_("タブレット"),
            "laptop": N_("ノートパソコン"),
            "wifi_router": N_("モバイルWi-Fiルーター"),
            "projector": N_("プロジェクター"),
            "webcam": N_("Webカメラ"),
            "speakerphone": N_("スピーカーフォン"),
            "other": N_("その他"),
        }


# Default loan period in days per kind (an admin can override per kind in settings later).
DEFAULT_LOAN_DAYS = {
    "tablet": 14,
    "laptop": 14,
    "wifi_router": 14,
    "projector": 7,
    "webcam": 14,
    "speakerphone": 14,
    "other": 7,
}


class DeviceState(LabelledEnum):
    AVAILABLE = "available"
    ON_LOAN = "on_loan"
    INSPECTION = "inspection"
    REPAIR = "repair"
    LOST = "lost"
    RETIRED = "retired"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "available": N_("貸出可"),
            "on_loan": N_("貸出中"),
            "inspection": N_("点検待ち"),
            "repair": N_("修理中"),
            "lost": N_("紛失"),
            "retired": N_("廃棄"),
        }


class AccessoryResult(LabelledEnum):
    RETURNED = "returned"
    MISSING = "missing"
    DAMAGED = "damaged"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {"returned": N_("返却"), "missing": N_("欠品"), "damaged": N_("破損")}


class Condition(LabelledEnum):
    GOOD = "good"
    NEEDS_CHECK = "needs_check"
    DAMAGED = "damaged"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {"good": N_("良好"), "needs_check": N_("要点検"), "damaged": N_("破損あり")}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def conflicts(self, other: "Period", buffer_days: int = 0) -> bool:
        pad = dt.timedelta(days=buffer_days)
        return self.start <= other.end + pad and other.start <= self.end + pad


def default_due(kind: str, start: dt.date) -> dt.date:
    return start + dt.timedelta(days=DEFAULT_LOAN_DAYS.get(kind, 7))
