"""Small pieces the dispatch screens share: tables, pickers, formatting, the save-file question."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
)

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.i18n import _, format_number, wareki_fiscal_year, weekday_short
from kyodo_desk.ui.printing.dialog import ask_save_path  # noqa: F401  (one save-as question for every area)
from kyodo_desk.ui.widgets.date_edit import DateField, TimeField
from kyodo_desk.ui.widgets.page import plain_label


def weekday_name(weekday: int) -> str:
    """月 / Mon … in the active language."""
    return weekday_short(weekday)


def when_text(start: dt.datetime | None, end: dt.datetime | None = None) -> str:
    """``2025/06/14(土) 13:00〜15:00`` (or 未定)."""
    if start is None:
        return _("未定")
    text = f"{start:%Y/%m/%d}({weekday_short(start)}) {start:%H:%M}"
    if end is not None:
        text += f"〜{end:%H:%M}" if end.date() == start.date() else f"〜{end:%m/%d %H:%M}"
    return text


def yen(value: int) -> str:
    return _("{n}円").format(n=format_number(value))


def table(headers: list[str], *, stretch: int | None = None) -> QTableWidget:
    """A read-only, row-selecting table."""
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    t.horizontalHeader().setHighlightSections(False)
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 12)
    if stretch is not None:
        t.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        t.horizontalHeader().setStretchLastSection(True)
    return t


def cell(text: object, data: object = None, *, align_right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def combo(choices: list[tuple[object, str]], first: tuple[object, str] | None = None) -> QComboBox:
    box = QComboBox()
    if first is not None:
        box.addItem(first[1], first[0])
    for value, label in choices:
        box.addItem(label, value)
    return box


def select_data(box: QComboBox, value: object) -> None:
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)


def fiscal_year_combo(today: dt.date | None = None, *, with_all: bool = False, back: int = 9) -> QComboBox:
    """令和7年度 (2025) … , newest first; the current fiscal year is selected."""
    current = fiscal_year_of(today or dt.date.today())
    box = combo(
        [(fy, f"{wareki_fiscal_year(fy)}({fy})") for fy in range(current + 1, current - back - 1, -1)],
        (None, _("すべての年度")) if with_all else None,
    )
    select_data(box, current)
    return box


def date_edit(value: dt.date | None = None, label: str = "") -> DateField:
    """A typed date (2025/04/01, R7.4.1, 4/1 …) with its 和暦 and weekday beside it."""
    return DateField(label=label, value=value or dt.date.today())


def time_edit(value: dt.time, label: str = "") -> TimeField:
    """A typed time (14:30, 1430, 14時30分)."""
    return TimeField(label=label, value=dt.time(value.hour, value.minute))


def qtime(value: QTime) -> dt.time:
    return dt.time(value.hour(), value.minute())


def error_label() -> QLabel:
    label = plain_label()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def banner(object_name: str = "errorBanner") -> QLabel:
    label = plain_label()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.hide()
    return label


def show_text(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def safe_filename(text: str) -> str:
    return "".join("_" if c in '\\/:*?"<>| ' else c for c in text)
