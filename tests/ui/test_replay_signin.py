"""Desk scenarios for signing in, through the real main window and dialogs, keyboard only.

First run with a password; 交代 with the picker (name → Enter → password → Enter); five wrong
passwords lock the account (audited); a temporary password is changed at first use; an account
without a password sets one; the idle lock covers every window until the same person signs in
again, or someone else does (交代).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog
from kyodo_desk.domain import passwords
from kyodo_desk.services.base import SYSTEM
from kyodo_desk.ui.idle_lock import Cover
from kyodo_desk.ui.signin import FirstRunDialog, StaffPickerDialog
from tests.ui.replay import (  # noqa: F401
    desk,
    first_run,
    focused,
    on_next_dialog,
    press,
    scan,
    status_text,
    type_text,
    wait_dialog,
)


@pytest.fixture(autouse=True)
def _quick_kdf(monkeypatch):
    """A cheap scrypt cost (the stored hash names its cost, so checks stay real)."""
    monkeypatch.setattr(passwords, "DEFAULT_PARAMS", passwords.KdfParams(n=2**10))


def _login_id(services, login: str) -> int:
    return services.staff.find_login(login).id


def _choose(qtbot, dialog: StaffPickerDialog, name: str) -> None:
    """Arrow keys in the list until *name* is chosen, then Enter (which moves to its password)."""
    qtbot.waitUntil(lambda: dialog.list.count() > 0)
    assert focused() is dialog.list
    for _step in range(dialog.list.count()):
        if dialog.list.currentItem().text().startswith(name):
            break
        press(qtbot, Qt.Key.Key_Up if dialog.list.currentRow() == dialog.list.count() - 1 else Qt.Key.Key_Down)
    while not dialog.list.currentItem().text().startswith(name):
        press(qtbot, Qt.Key.Key_Up)
    press(qtbot, Qt.Key.Key_Return)


def _open_picker(qtbot, win) -> StaffPickerDialog:
    win.switch_button.click()
    dialog = wait_dialog(qtbot, StaffPickerDialog)
    on_next_dialog(qtbot, lambda _d: None)
    qtbot.waitUntil(lambda: dialog.list.count() > 0 and focused() is dialog.list)
    return dialog


def _message(dialog) -> str:
    return dialog.message.text() if dialog.message.isVisible() else ""


def test_first_run_with_a_password_by_keyboard_only(qtbot, make_ctx, services):
    from kyodo_desk.ui.main_window import MainWindow
    from kyodo_desk.ui.signin import sign_in_at_start

    ctx = make_ctx(None)
    steps = []

    def drive(dialog):
        assert isinstance(dialog, FirstRunDialog) and focused() is dialog.login_edit
        type_text(qtbot, "yamada")
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "山田 花子")
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "ヤマダ ハナコ")
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "hanako-2026", human=True)
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, "hanako-2062", human=True)
        press(qtbot, Qt.Key.Key_Return)  # Enter creates the administrator ... once both agree
        steps.append(dialog.errors.message("password_confirm"))
        assert focused() is dialog.confirm_edit or focused() is dialog.password_edit
        dialog.confirm_edit.setFocus()
        dialog.confirm_edit.clear()
        type_text(qtbot, "hanako-2026", human=True)
        press(qtbot, Qt.Key.Key_Return)

    on_next_dialog(qtbot, drive)
    actor = sign_in_at_start(ctx)
    assert "一致しません" in steps[0]
    assert actor is not None and actor.name == "山田 花子" and actor.role.value == "admin"
    ctx.actor = actor
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.pages["home"].loaded, timeout=10000)
    assert "山田 花子" in win.staff_label.text()
    record = services.staff.find_login("yamada")
    assert record.has_password and services.staff.sign_in(record.id, "hanako-2026") == actor
    win.close()


def test_picker_asks_the_chosen_persons_password_and_wrong_ones_lock_it(qtbot, desk, services, db):
    win = desk()
    tanaka = _login_id(services, "tanaka")
    services.staff.set_password(SYSTEM, tanaka, "tanaka-2026")
    dialog = _open_picker(qtbot, win)
    _choose(qtbot, dialog, "田中 健一")
    assert focused() is dialog.password and _message(dialog) == ""  # Enter on the name: its password next

    for attempt in range(1, 6):
        type_text(qtbot, f"guess-{attempt}xx", human=True)
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.ok_button.isEnabled() and "確認しています" not in _message(dialog))
        assert dialog.isVisible() and dialog.password.text() == ""  # cleared for the next try
        assert focused() is dialog.password
    assert "ロックされています" in _message(dialog) and "5回" in _message(dialog)
    type_text(qtbot, "tanaka-2026", human=True)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled() and "確認しています" not in _message(dialog))
    assert "ロックされています" in _message(dialog)  # even the right password waits 5 minutes
    assert "デモ 管理者" in win.staff_label.text()  # nobody else took the desk

    with db.read() as s:
        rows = s.execute(select(AuditLog.action, AuditLog.detail).where(AuditLog.staff_id == tanaka)).all()
    actions = [a for a, _d in rows]
    assert actions.count("login_failed") == 6 and actions.count("lockout") == 1 and "login" not in actions
    assert all("guess" not in d and "tanaka-2026" not in d for _a, d in rows)

    # an administrator's `kyodo-desk staff passwd` (or a temporary password) lets them back in
    services.staff.set_password(SYSTEM, tanaka, "tanaka-2027")
    type_text(qtbot, "tanaka-2027", human=True)
    with qtbot.waitSignal(dialog.signed_in, timeout=5000):
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "田中" in win.staff_label.text())
    assert "交代しました" in status_text(win)


def test_temporary_password_is_changed_at_first_use(qtbot, desk, services):
    win = desk()
    nakamura = _login_id(services, "nakamura")
    temporary = services.staff.issue_temporary_password(SYSTEM, nakamura)
    name = services.staff.get(nakamura).display_name
    dialog = _open_picker(qtbot, win)
    _choose(qtbot, dialog, name)
    type_text(qtbot, temporary, human=True)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.new_password.isVisible())
    assert "仮パスワード" in _message(dialog) and focused() is dialog.new_password
    type_text(qtbot, "nakamura-2026", human=True)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "nakamura-2026", human=True)
    with qtbot.waitSignal(dialog.signed_in, timeout=5000):
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: name in win.staff_label.text())
    record = services.staff.get(nakamura)
    assert not record.password_temporary
    assert services.staff.sign_in(nakamura, "nakamura-2026").name == name


def test_staff_without_a_password_sets_one_at_first_sign_in(qtbot, desk, services):
    win = desk()
    kitamura = _login_id(services, "kitamura")
    assert not services.staff.get(kitamura).has_password  # as after the upgrade
    name = services.staff.get(kitamura).display_name
    dialog = _open_picker(qtbot, win)
    _choose(qtbot, dialog, name)
    assert focused() is dialog.new_password and not dialog.password.isVisible()
    assert "まだ設定されていません" in _message(dialog)
    type_text(qtbot, "short", human=True)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "short", human=True)
    press(qtbot, Qt.Key.Key_Return)
    assert "8文字以上" in _message(dialog) and dialog.isVisible()
    assert focused() is dialog.new_password
    dialog.new_password.clear()
    dialog.confirm.clear()
    type_text(qtbot, "kitamura-2026", human=True)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "kitamura-2026", human=True)
    with qtbot.waitSignal(dialog.signed_in, timeout=5000):
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: name in win.staff_label.text())
    assert services.staff.get(kitamura).has_password


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _covered(window) -> bool:
    """Whatever one points at in the window is the lock cover."""
    for fx, fy in ((0.1, 0.1), (0.5, 0.5), (0.9, 0.9), (0.5, 0.05), (0.05, 0.95)):
        child = window.childAt(QPoint(int(window.width() * fx), int(window.height() * fy)))
        while child is not None and not isinstance(child, Cover):
            child = child.parentWidget()
        if child is None:
            return False
    return True


def test_idle_lock_hides_everything_until_the_same_person_signs_in(qtbot, desk, services):
    win = desk()
    admin = _login_id(services, "admin")
    services.staff.set_password(SYSTEM, admin, "admin-2026")
    clock = FakeClock()
    win.idle.clock = clock
    win.idle.resume()
    win.show_page("groups")
    assert win.idle.minutes == 10  # the center's default

    clock.now += 9 * 60
    press(qtbot, Qt.Key.Key_Down)  # someone is working: the count starts again
    clock.now += 9 * 60
    assert not win.idle.check() and not win.locked
    clock.now += 61
    assert win.idle.check() and win.locked
    lock = wait_dialog(qtbot, StaffPickerDialog)
    on_next_dialog(qtbot, lambda _d: None)
    qtbot.waitUntil(lambda: focused() is lock.password)
    assert lock is win.lock_screen and "画面をロックしました" in lock.windowTitle() + " ".join(
        label.text() for label in lock.findChildren(type(lock.message))
    )
    assert _covered(win) and not win.statusBar().isVisible()
    assert lock.list.currentItem().text().startswith("デモ 管理者")  # the same person, already chosen

    press(qtbot, Qt.Key.Key_Escape)
    assert lock.isVisible() and win.locked  # Esc does not unlock
    scan(qtbot, "KD-0001")
    assert lock.password.text() == "" and win.current_page_key() == "groups"  # a scan opens nothing
    type_text(qtbot, "admin-2025", human=True)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "パスワードが違います" in _message(lock))
    assert win.locked and _covered(win)
    type_text(qtbot, "admin-2026", human=True)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not win.locked)
    assert not _covered(win) and win.statusBar().isVisible()
    assert win.current_page_key() == "groups"  # where they were, nothing rebuilt
    assert "ロックを解除しました" in status_text(win)
    clock.now += 5 * 60
    assert not win.idle.check()  # counting again from the unlock


def test_idle_lock_covers_an_open_dialog_and_another_person_takes_over(qtbot, desk, services, db):
    win = desk()
    tanaka = _login_id(services, "tanaka")
    services.staff.set_password(SYSTEM, tanaka, "tanaka-2026")
    services.settings.update(SYSTEM, services.settings.get().with_changes(idle_lock_minutes=3))
    win.ctx.events.emit_changed("setting", [])
    qtbot.waitUntil(lambda: win.idle.minutes == 3)
    clock = FakeClock()
    win.idle.clock = clock
    win.idle.resume()

    left_open = QDialog(win)  # e.g. a record left open at the desk
    left_open.setWindowTitle("open record")
    left_open.resize(400, 300)
    left_open.open()
    qtbot.waitExposed(left_open)
    clock.now += 3 * 60
    assert win.idle.check()
    lock = wait_dialog(qtbot, StaffPickerDialog)
    assert _covered(win) and _covered(left_open)

    on_next_dialog(qtbot, lambda _d: None)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is lock)
    lock.list.setFocus()
    _choose(qtbot, lock, "田中 健一")
    type_text(qtbot, "tanaka-2026", human=True)
    with qtbot.waitSignal(lock.signed_in, timeout=5000):
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "田中" in win.staff_label.text())
    assert not win.locked and not _covered(win)
    assert not left_open.isVisible()  # the previous person's open record is closed
    assert "交代しました" in status_text(win)
    assert win.ctx.actor.staff_id == tanaka
    admin = _login_id(services, "admin")
    qtbot.waitUntil(lambda: _actions(db, admin)[-1:] == ["logout"])  # 管理者 out ...
    assert _actions(db, tanaka)[-1:] == ["login"]  # ... 田中 in


def _actions(db, staff_id) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(
                select(AuditLog.action)
                .where(AuditLog.staff_id == staff_id, AuditLog.action.in_(("login", "logout")))
                .order_by(AuditLog.id)
            )
        )


def test_own_password_and_pin_then_pin_for_a_quick_take_over(qtbot, desk, services):
    from kyodo_desk.ui.own_password import OwnPasswordDialog

    win = desk()
    tanaka = _login_id(services, "tanaka")
    services.staff.set_password(SYSTEM, tanaka, "tanaka-2026")
    services.staff.set_password(SYSTEM, _login_id(services, "admin"), "admin-2026")
    services.settings.update(SYSTEM, services.settings.get().with_changes(pin_sign_in=True))
    win.ctx.actor = services.staff.sign_in(tanaka, "tanaka-2026")
    win.password_button.click()
    dialog = wait_dialog(qtbot, OwnPasswordDialog)
    on_next_dialog(qtbot, lambda _d: None)
    qtbot.waitUntil(lambda: focused() is dialog.current)
    type_text(qtbot, "tanaka-2026", human=True)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "tanaka-2027", human=True)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "tanaka-2027", human=True)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "123456", human=True)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "123456", human=True)
    press(qtbot, Qt.Key.Key_Return)
    assert "連番" in dialog.message.text() and dialog.isVisible()
    dialog.pin.clear()
    dialog.pin_confirm.clear()
    dialog.pin.setFocus()
    type_text(qtbot, "481592", human=True)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "481592", human=True)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        press(qtbot, Qt.Key.Key_Return)
    assert "変更しました" in status_text(win)
    assert services.staff.sign_in(tanaka, "tanaka-2027").staff_id == tanaka

    # the PIN is enough at the lock screen (the center allows it)
    assert win.lock() is not None
    lock = wait_dialog(qtbot, StaffPickerDialog)
    on_next_dialog(qtbot, lambda _d: None)
    qtbot.waitUntil(lambda: focused() is lock.password)
    type_text(qtbot, "481592", human=True)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not win.locked)
