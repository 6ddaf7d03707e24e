"""Shared widgets: the typed date, date-time and time fields."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QFormLayout, QLineEdit, QWidget

from kyodo_desk.ui.widgets.date_edit import (
    DateField,
    DateTimeField,
    OptionalDateEdit,
    TimeField,
    date_problem,
)
from kyodo_desk.ui.widgets.day_colors import SATURDAY, SUNDAY
from kyodo_desk.ui.widgets.form import FieldErrors


def _form(qtbot, field, label="受付日時"):
    box = QWidget()
    form = QFormLayout(box)
    form.addRow(label, field)
    other = QLineEdit()
    form.addRow("次", other)
    qtbot.addWidget(box)
    box.show()
    box.activateWindow()
    qtbot.waitUntil(box.isActiveWindow)
    return box, other


def _type(qtbot, field, text):
    field.edit.setFocus()
    field.edit.selectAll()
    for ch in text:  # QTest.keyClicks aborts on non-Latin-1 text (令和, full-width digits)
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(field.edit, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))
    if not text:
        qtbot.keyClick(field.edit, Qt.Key.Key_Delete)
    qtbot.keyClick(field.edit, Qt.Key.Key_Tab)


def test_optional_date_starts_empty_and_clears(qtbot):
    field = OptionalDateEdit()
    qtbot.addWidget(field)
    field.show()
    assert field.value() is None and field.edit.text() == "" and field.edit.placeholderText() == "未設定"
    field.setValue(dt.date(2025, 4, 1))
    assert field.value() == dt.date(2025, 4, 1) and field.edit.text() == "2025/04/01"
    assert field.hint.text() == "令和7年4月1日(火)"
    field.clear_button.click()
    assert field.value() is None and field.edit.text() == ""


def test_arrow_keys_do_not_change_a_date(qtbot):
    field = OptionalDateEdit()
    _box, _other = _form(qtbot, field)
    field.setValue(dt.date(2025, 4, 1))
    field.edit.setFocus()
    qtbot.keyClick(field.edit, Qt.Key.Key_Up)
    qtbot.keyClick(field.edit, Qt.Key.Key_Down)
    assert field.value() == dt.date(2025, 4, 1)


def test_typed_dates_are_reformatted_with_their_wareki(qtbot):
    field = DateField()
    _box, _other = _form(qtbot, field, "希望日")
    for typed in ("20250401", "R7.4.1", "令和7年4月1日", "２０２５／４／１", "2025-4-1"):
        _type(qtbot, field, typed)
        assert field.value() == dt.date(2025, 4, 1) and field.text() == "2025/04/01", typed
        assert field.date().toPython() == dt.date(2025, 4, 1)
    assert field.hint.text().startswith("令和7年4月1日")


def test_impossible_date_is_kept_red_and_named(qtbot):
    field = DateTimeField()
    box, _other = _form(qtbot, field)
    field.setValue(dt.datetime(2025, 11, 1, 9, 0))
    _type(qtbot, field, "2025/02/30 10:00")
    assert field.text() == "2025/02/30 10:00"
    assert field.error_label.isVisible() and field.error().startswith("受付日時: ")
    assert "2月に30日はありません" in field.error()
    problem = date_problem(box)
    assert problem is not None and "受付日時" in problem
    assert box.focusWidget() is field.edit
    _type(qtbot, field, "2025/11/20 14:30")
    assert field.value() == dt.datetime(2025, 11, 20, 14, 30) and not field.error_label.isVisible()
    assert date_problem(box) is None


def test_required_date_refuses_empty(qtbot):
    field = DateField(value=dt.date(2025, 4, 1))
    box, _other = _form(qtbot, field, "受付日")
    _type(qtbot, field, "")
    assert field.has_error() and "受付日" in date_problem(box)


def test_field_errors_line_is_used_when_the_form_has_one(qtbot):
    box = QWidget()
    form = QFormLayout(box)
    errors = FieldErrors()
    field = OptionalDateEdit()
    errors.add_row(form, "followup_due", "次回対応日", field)
    form.addRow("次", QLineEdit())
    qtbot.addWidget(box)
    box.show()
    box.activateWindow()
    qtbot.waitUntil(box.isActiveWindow)
    _type(qtbot, field, "2025/13/01")
    assert errors.message("followup_due").startswith("次回対応日") and "13月" in errors.message("followup_due")
    assert not field.error_label.isVisible()
    _type(qtbot, field, "")
    assert field.value() is None and errors.message("followup_due") == ""


def test_time_field(qtbot):
    field = TimeField(value=dt.time(13, 0))
    _box, _other = _form(qtbot, field, "開始")
    _type(qtbot, field, "1430")
    assert field.value() == dt.time(14, 30) and field.text() == "14:30"
    _type(qtbot, field, "25:00")
    assert field.text() == "25:00" and "25時" in field.error() and field.value() == dt.time(14, 30)


def test_calendar_opens_with_alt_down_and_colours_weekends(qtbot):
    field = DateField(value=dt.date(2025, 11, 20))
    _box, _other = _form(qtbot, field, "希望日")
    field.edit.setFocus()
    qtbot.keyClick(field.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    popup = field.popup
    assert popup is not None and popup.isVisible()
    assert popup.weekdayTextFormat(Qt.DayOfWeek.Saturday).foreground().color() == SATURDAY
    assert popup.weekdayTextFormat(Qt.DayOfWeek.Sunday).foreground().color() == SUNDAY
    from PySide6.QtCore import QDate

    assert popup.dateTextFormat(QDate(2025, 11, 3)).foreground().color() == SUNDAY  # 文化の日
    popup.setSelectedDate(QDate(2025, 11, 21))
    qtbot.keyClick(QApplication.focusWidget() or popup, Qt.Key.Key_Return)
    assert field.value() == dt.date(2025, 11, 21) and not popup.isVisible()


def test_escape_in_the_calendar_only_closes_it(qtbot):
    from PySide6.QtGui import QKeySequence, QShortcut

    field = DateField(value=dt.date(2025, 11, 20))
    box, _other = _form(qtbot, field, "希望日")
    fired = []
    QShortcut(QKeySequence("Escape"), box, activated=lambda: fired.append(True))  # a form's "discard" shortcut
    field.edit.setFocus()
    qtbot.keyClick(field.edit, Qt.Key.Key_F4)
    qtbot.waitUntil(field.popup.isVisible)
    qtbot.keyClick(QApplication.focusWidget() or field.popup, Qt.Key.Key_Escape)
    assert not field.popup.isVisible() and fired == [] and field.value() == dt.date(2025, 11, 20)
