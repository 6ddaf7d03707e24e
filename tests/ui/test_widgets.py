"""Shared widgets: the optional date field."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from kyodo_desk.ui.widgets.date_edit import OptionalDateEdit


def test_optional_date_starts_empty_and_clears(qtbot):
    field = OptionalDateEdit()
    qtbot.addWidget(field)
    field.show()
    assert field.value() is None and field.edit.text() == "未設定"
    field.setValue(dt.date(2025, 4, 1))
    assert field.value() == dt.date(2025, 4, 1) and field.edit.text() == "2025/04/01"
    field.clear_button.click()
    assert field.value() is None and field.edit.text() == "未設定"


def test_arrow_key_on_an_empty_date_starts_from_today(qtbot):
    field = OptionalDateEdit()
    qtbot.addWidget(field)
    field.show()
    field.edit.setFocus()
    qtbot.keyClick(field.edit, Qt.Key.Key_Up)
    assert field.value() is not None and abs((field.value() - dt.date.today()).days) <= 366


def test_typing_a_date_into_an_empty_field(qtbot):
    field = OptionalDateEdit()
    qtbot.addWidget(field)
    field.show()
    field.edit.setFocus()
    qtbot.keyClicks(field.edit, "20250401")
    assert field.value() == dt.date(2025, 4, 1)
