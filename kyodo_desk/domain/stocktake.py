"""棚卸 (stock-take) rules: what a scanned code is, which devices are expected on the shelf, and
when a device counts as unseen twice.

A stock-take is a session in which staff scan every device on the shelf.  Each code becomes one
line of the result:

* **found** (確認済み): a registered device that is not out on loan.  Devices the records call 紛失,
  廃棄 or 修理中 are found too when they are scanned — the list says what the records say.
* **missing** (未確認): expected on the shelf (貸出可 or 点検待ち) but not scanned.
* **on_loan** (貸出中): out on loan, so not expected; scanned (on the shelf though the records say
  it is lent — a return not recorded?) or not.
* **unknown** (不明なコード): a code that names no device.

A device is **unseen twice** (2回続けて未確認) when it is missing in a finished stock-take and was
missing in the finished stock-take before it too.
"""

from __future__ import annotations

from kyodo_desk.domain.enums import LabelledEnum
from kyodo_desk.domain.lending import DeviceState
from kyodo_desk.i18n import N_

# The states of a device that should be on the shelf (修理中 is at the repair shop; 紛失 and 廃棄
# are gone; 貸出中 is with a borrower).
EXPECTED_STATES = frozenset({DeviceState.AVAILABLE.value, DeviceState.INSPECTION.value})
MAX_CODE_LENGTH = 100


class StocktakeState(LabelledEnum):
    OPEN = "open"
    FINISHED = "finished"
    CANCELLED = "cancelled"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {"open": N_("実施中"), "finished": N_("終了"), "cancelled": N_("中止")}


class StocktakeResult(LabelledEnum):
    FOUND = "found"
    MISSING = "missing"
    ON_LOAN = "on_loan"
    UNKNOWN = "unknown"

    @classmethod
    def _label_map(cls) -> dict[str, str]:
        return {
            "found": N_("確認済み"),
            "missing": N_("未確認"),
            "on_loan": N_("貸出中"),
            "unknown": N_("不明なコード"),
        }


def expected_on_shelf(state: str) -> bool:
    return state in EXPECTED_STATES


def classify_scan(state: str | None) -> StocktakeResult:
    """The result of a scanned code whose device is in *state* (None: no such device)."""
    if state is None:
        return StocktakeResult.UNKNOWN
    if state == DeviceState.ON_LOAN.value:
        return StocktakeResult.ON_LOAN
    return StocktakeResult.FOUND


def unseen_twice(missing_now: set[int], missing_before: set[int]) -> set[int]:
    """Devices missing in this stock-take and in the one before it."""
    return missing_now & missing_before
