"""The center's own holiday rules give exactly the public holidays (names too) that the `holidays`
package gives for Japan, every year 2000–2060 — without loading its ~250 country modules."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from kyodo_desk.domain.calendar import public_holiday
from kyodo_desk.domain.japan_holidays import japan_holidays


def test_same_days_and_names_as_the_holidays_package():
    holidays = pytest.importorskip("holidays")
    for year in range(2000, 2061):
        assert japan_holidays(year) == dict(holidays.Japan(years=year, language="ja").items()), year


def test_substitute_and_sandwiched_days():
    assert public_holiday(dt.date(2026, 9, 22)) == "国民の休日"  # between 敬老の日 and 秋分の日
    assert public_holiday(dt.date(2025, 2, 24)) == "振替休日"  # 天皇誕生日 on a Sunday
    assert public_holiday(dt.date(2019, 5, 1)) == "天皇の即位の日"
    assert public_holiday(dt.date(2025, 6, 2)) is None


def test_looking_up_a_holiday_does_not_load_the_holidays_package():
    code = (
        "import sys, datetime; from kyodo_desk.domain.calendar import public_holiday; "
        "print(public_holiday(datetime.date(2026, 1, 1)), 'holidays' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["元日", "False"]
