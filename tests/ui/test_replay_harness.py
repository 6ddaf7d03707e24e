"""The replay harness itself: keys reach the focused widget of the real main window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from tests.ui.replay import desk, focused, press, tab_until, type_text  # noqa: F401 - fixtures


def test_keys_go_to_the_focused_widget_of_the_real_window(qtbot, desk):
    win = desk()
    assert win.isActiveWindow() and win.pages["home"].loaded
    press(qtbot, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert focused() is win.search
    type_text(qtbot, "森山", human=False)
    assert win.search.text() == "森山"
    line = tab_until(qtbot, lambda w: w is win.nav)
    assert line is win.nav
    press(qtbot, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(focused(), QLineEdit)


def test_on_next_dialog_acts_on_a_dialog_opened_with_exec(qtbot, desk):
    from PySide6.QtWidgets import QMessageBox

    from tests.ui.replay import on_next_dialog

    win = desk()
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "確認",
        "閉じますか?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        win,
    )
    done = on_next_dialog(qtbot, lambda dialog: press(qtbot, Qt.Key.Key_Escape))
    assert box.exec() == QMessageBox.StandardButton.No  # Escape reached the modal box through the app
    assert done()
