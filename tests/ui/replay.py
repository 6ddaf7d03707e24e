"""Desk replay harness: drive the REAL main window the way a person or a USB scanner does.

Every key goes to ``QApplication.focusWidget()`` at the moment it is pressed (re-resolved per
key), through ``QTest.keyClick`` — so the app-wide key filter (``ui/keys.py``), shortcuts and the
dialogs' default buttons are all in the path.  Assert on the database afterwards.

Use it from a test module::

    from tests.ui.replay import desk, first_run, focused, on_next_dialog, press, scan, tab_until, type_text  # noqa: F401

    def test_something(qtbot, desk):
        win = desk()                      # small demo data (all areas), signed in as "admin"
        win.show_page("groups")
        type_text(qtbot, "町会")          # a person typing (fast, Latin-1 via keyClick; Japanese
                                          # is sent as key events carrying the text, like an IME commit)
        press(qtbot, Qt.Key.Key_Tab)
        scan(qtbot, "KD-0001")            # a scanner: a fast burst + Enter
        type_text(qtbot, "1234", human=True)  # a person's pace: gaps ≥ keys.SCAN_GAP_MS
        w = tab_until(qtbot, lambda w: w.objectName() == "saveButton")

``desk(login="admin", *, demo=True, size="small")`` builds the window through the composition root
(``kyodo_desk.app.build_context`` as ``make_ctx`` does, then ``MainWindow``); ``demo=False`` leaves the
database empty except for the signed-in staff member ``login`` (created as admin).  The window is
1366x728 (the laptop screen less a taskbar), shown, active, with ホーム loaded.

``first_run(qtbot)`` opens the first-run dialog of a new, empty database (the real
``FirstRunDialog`` the app shows) and returns ``(dialog, ctx)``.

Modal dialogs opened with ``exec()`` block the test: ``on_next_dialog(qtbot, fn)`` (call it BEFORE
the key that opens the dialog) runs ``fn(dialog)`` as soon as a modal dialog is active.
``wait_dialog(qtbot, cls)`` waits for a top-level window of that class (dialogs opened with open()).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.conftest import sign_in

WIDTH, HEIGHT = 1366, 728
HUMAN_GAP_MS = 90  # well above kyodo_desk.ui.keys.SCAN_GAP_MS: a person's pace


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def _target() -> QWidget:
    widget = QApplication.focusWidget() or QApplication.activeModalWidget() or QApplication.activeWindow()
    assert widget is not None, "no widget has focus and no window is active: nothing would receive the key"
    return widget


def _release(key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """The key's release, to whatever has focus now (nothing, when the press closed the last window)."""
    widget = QApplication.focusWidget() or QApplication.activeModalWidget() or QApplication.activeWindow()
    if widget is not None:
        QTest.keyRelease(widget, key, modifiers)


def _send_char(char: str, delay: int) -> None:
    if delay > 0:
        QTest.qWait(delay)
    if len(char) == 1 and ord(char) <= 0xFF:
        # the char overload gives the key code of the glyph and the character as the event's text
        QTest.keyPress(_target(), char)
        _release(char)  # to whatever has focus now (the press may have moved it)
        return
    # Japanese and other text: a key event carrying the text (what an input method commits)
    QApplication.sendEvent(
        _target(), QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
    )
    after = QApplication.focusWidget() or QApplication.activeModalWidget() or QApplication.activeWindow()
    if after is not None:
        QApplication.sendEvent(
            after, QKeyEvent(QEvent.Type.KeyRelease, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
        )


def type_text(qtbot, text: str, *, human: bool = False) -> None:
    """Type *text* one character at a time into whatever has focus at each key.

    Default: as fast as Qt can deliver (what a scanner does).  ``human=True``: a person's pace
    (``HUMAN_GAP_MS`` between keys), which the scan rule never takes for a scanner."""
    for char in text:
        _send_char(char, HUMAN_GAP_MS if human else 0)
    if human:
        QTest.qWait(HUMAN_GAP_MS)  # a person's next key (or a scan) comes later, never in the same burst
    QApplication.processEvents()


def press(qtbot, key, modifiers=Qt.KeyboardModifier.NoModifier, *, human: bool = False) -> None:
    """One key (Enter, Tab, Space, Esc, Ctrl+Enter, Alt+N ...) to the widget that has focus."""
    if human:
        QTest.qWait(HUMAN_GAP_MS)
    widget = _target()
    QTest.keyPress(widget, key, modifiers)
    _release(key, modifiers)
    QApplication.processEvents()


def scan(qtbot, code: str) -> None:
    """A USB scanner (an HID keyboard): the characters in a fast burst, then Enter."""
    for char in code:  # one burst: nothing else runs between the keys (as the OS queues them)
        _send_char(char, 0)
    QTest.keyPress(_target(), Qt.Key.Key_Return)
    _release(Qt.Key.Key_Return)
    QApplication.processEvents()


def tab_until(qtbot, predicate: Callable[[QWidget], bool], max_tabs: int = 60, *, backwards: bool = False) -> QWidget:
    """Press Tab until the focused widget satisfies *predicate*; fail with the path taken."""
    seen = []
    for _ in range(max_tabs + 1):
        widget = focused()
        if widget is not None and predicate(widget):
            return widget
        seen.append(describe(widget))
        press(qtbot, Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab)
    pytest.fail(f"Tab never reached the widget after {max_tabs} presses; focus went: " + " → ".join(seen[:80]))


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "None"
    name = widget.objectName() or ""
    text = ""
    for attr in ("text", "currentText", "placeholderText"):
        try:
            value = getattr(widget, attr)()
        except Exception:  # noqa: BLE001 - only for a readable failure message
            continue
        if value:
            text = str(value)[:20]
            break
    return f"{type(widget).__name__}({name}{':' if name and text else ''}{text})"


def on_next_dialog(
    qtbot, fn: Callable[[QWidget], None], *, timeout: int = 5000, poll_ms: int = 10
) -> Callable[[], bool]:
    """Run ``fn(dialog)`` once a modal dialog (``exec()`` or ``open()``) is active.

    Call it before the key that opens the dialog.  Returns ``done()`` (True once fn ran) to wait on:
    ``qtbot.waitUntil(done)``."""
    state = {"done": False, "left": max(1, timeout // poll_ms)}

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.isVisible():
            state["done"] = True
            _make_active(dialog)  # a window manager would; keys then go to the dialog's focus
            fn(dialog)
            return
        state["left"] -= 1
        if state["left"] > 0:
            QTimer.singleShot(poll_ms, poll)

    QTimer.singleShot(0, poll)
    return lambda: state["done"]


def wait_dialog(qtbot, cls: type, timeout: int = 5000) -> QWidget:
    """The visible top-level window of class *cls* (e.g. a dialog opened with open())."""
    found: list[QWidget] = []

    def there() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, cls) and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(there, timeout=timeout)
    return found[-1]


def _make_active(window: QWidget) -> None:
    window.raise_()
    window.activateWindow()
    if not window.isActiveWindow():  # offscreen: no window manager to grant it
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            QApplication.setActiveWindow(window)


def activate(qtbot, window: QWidget) -> QWidget:
    _make_active(window)
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    return window


def status_text(win) -> str:
    return win.statusBar().currentMessage()


@pytest.fixture
def desk(qtbot, make_ctx, services, db):
    """Factory: the real main window on the small demo database, signed in as *login*."""
    from kyodo_desk.services import demo
    from kyodo_desk.services.base import SYSTEM
    from kyodo_desk.ui.main_window import MainWindow

    made = []

    def build(login: str = "admin", *, demo_data: bool = True, size: str = "small") -> MainWindow:
        if demo_data:
            demo.generate(db, size=size)
        else:
            services.staff.create(SYSTEM, login, "テスト 管理者", "admin", "テスト カンリシャ")
        ctx = make_ctx(sign_in(services, login))
        win = MainWindow(ctx)
        qtbot.addWidget(win)
        win.resize(WIDTH, HEIGHT)
        win.show()
        qtbot.waitExposed(win)
        activate(qtbot, win)
        qtbot.waitUntil(lambda: win.pages["home"].loaded, timeout=10000)
        made.append(win)
        return win

    yield build
    for win in made:
        win.close()


@pytest.fixture
def first_run(qtbot, make_ctx):
    """Factory: the first-run dialog over a new database with no staff; returns (dialog, ctx)."""
    from kyodo_desk.ui.signin import FirstRunDialog

    def build():
        ctx = make_ctx(None)
        dialog = FirstRunDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        activate(qtbot, dialog)
        return dialog, ctx

    return build
