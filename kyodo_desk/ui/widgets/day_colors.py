"""The colours of the days, one definition for every calendar: 土 blue, 日 and holidays red."""

from __future__ import annotations

from PySide6.QtGui import QColor

SATURDAY_HEX = "#1f5f99"
SUNDAY_HEX = "#b3261e"  # also national holidays and the center's closed days
WEEKDAY_HEX = "#33414e"

SATURDAY = QColor(SATURDAY_HEX)
SUNDAY = QColor(SUNDAY_HEX)
WEEKDAY = QColor(WEEKDAY_HEX)


def day_color(weekday: int, *, holiday: bool = False) -> QColor:
    """Text colour for a day (``weekday`` as ``date.weekday()``: Monday 0 … Sunday 6)."""
    if weekday == 6 or holiday:
        return SUNDAY
    if weekday == 5:
        return SATURDAY
    return WEEKDAY
