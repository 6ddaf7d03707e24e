"""Filters replayed through the real main window: Tab/Down from a filter box never changes the
next filter, and a list emptied by filters says which ones and offers 条件をクリア."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.replay import desk, focused, press, type_text  # noqa: F401 - fixtures

ALT = Qt.KeyboardModifier.AltModifier


def test_inventory_filter_keys_and_empty_list(qtbot, desk):
    win = desk()
    lending = win.show_page("lending")
    press(qtbot, Qt.Key.Key_2, ALT)  # 在庫
    inv = lending.inventory
    assert lending.tabs.currentWidget() is inv
    qtbot.waitUntil(lambda: inv.model.total is not None and inv.model.total > 0, timeout=5000)
    total = inv.model.total
    inv.text_filter.setFocus()
    qtbot.waitUntil(inv.text_filter.hasFocus)
    kind_before = inv.kind_filter.currentIndex()
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Down)
    assert focused() is inv.table and inv.kind_filter.currentIndex() == kind_before
    inv.text_filter.setFocus()
    qtbot.waitUntil(inv.text_filter.hasFocus)
    with qtbot.waitSignal(inv.model.modelReset, timeout=5000):
        type_text(qtbot, "zzzz", human=True)  # nothing matches
    qtbot.waitUntil(lambda: inv.model.total == 0, timeout=5000)
    assert "絞り込み中" in inv.count_label.text() and "zzzz" in inv.count_label.text()
    assert inv.clear_filters_button.isVisible()
    with qtbot.waitSignal(inv.model.modelReset, timeout=5000):
        inv.clear_filters_button.click()
    qtbot.waitUntil(lambda: inv.model.total == total, timeout=5000)
    assert not inv.clear_filters_button.isVisible() and inv.text_filter.text() == ""
