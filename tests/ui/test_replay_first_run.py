"""First run, replayed with the keyboard only: Enter in 最初の管理者 creates the administrator."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.replay import first_run, focused, press, type_text  # noqa: F401 - fixtures


def test_first_administrator_by_keyboard_only(qtbot, first_run, services):
    dialog, _ctx = first_run()
    assert focused() is dialog.login_edit  # the form has the first focus, not the demo button
    type_text(qtbot, "sato", human=True)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "佐藤 一郎")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "サトウ イチロウ")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "ichiro-2026", human=True)  # the password, twice
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "ichiro-2026", human=True)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        press(qtbot, Qt.Key.Key_Return)
    staff = services.staff.list()
    assert [(s.login_name, s.display_name, s.role.value) for s in staff] == [("sato", "佐藤 一郎", "admin")]
    assert staff[0].has_password and dialog.actor is not None and dialog.actor.name == "佐藤 一郎"
    assert not dialog.demo_loaded


def test_enter_on_the_demo_button_does_not_load_demo_data(qtbot, first_run, services):
    dialog, _ctx = first_run()
    dialog.demo_button.setFocus()
    qtbot.waitUntil(dialog.demo_button.hasFocus)
    press(qtbot, Qt.Key.Key_Return)  # the default is the admin form: empty, so it says what is missing
    qtbot.waitUntil(lambda: dialog.errors.message("login_name") != "", timeout=5000)
    assert not dialog.demo_loaded and services.staff.count() == 0
    assert dialog.isVisible()


def test_tab_order_is_form_first(qtbot, first_run):
    dialog, _ctx = first_run()
    order = []
    for _ in range(6):
        order.append(focused())
        press(qtbot, Qt.Key.Key_Tab)
    assert order == [
        dialog.login_edit,
        dialog.name_edit,
        dialog.kana_edit,
        dialog.password_edit,
        dialog.confirm_edit,
        dialog.create_button,
    ]
    assert focused() is dialog.demo_button
