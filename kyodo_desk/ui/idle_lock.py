"""Idle lock: after N minutes without a key or mouse event the desk hides every record it shows.

:class:`IdleWatcher` watches the app's input events (an app-wide event filter that only looks and
never takes a key, so the key rule of ``ui/keys.py`` still decides where every key goes) and
emits ``idle`` when nothing happened for ``minutes``.  The clock and the check interval are
injectable: tests move a fake clock forward and call :meth:`IdleWatcher.check`.

:func:`cover_windows` lays an opaque cover over the main window and every other window of the app
(a dialog left open with a consultation in it too), so nothing personal stays visible behind the
lock screen (the staff picker in lock mode, ``ui/signin.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from kyodo_desk.i18n import _

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
CHECK_MS = 15_000  # how often the watcher looks at the clock (a lock comes at most this late)


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(
        self,
        minutes: float = 10,
        *,
        clock: Callable[[], float] = time.monotonic,
        check_ms: int = CHECK_MS,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.clock = clock
        self.minutes = float(minutes)
        self.last_activity = clock()
        self.paused = False
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def set_minutes(self, minutes: float) -> None:
        self.minutes = float(minutes)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if event.type() in ACTIVITY and not self.paused:
            self.last_activity = self.clock()
        return False  # only looks: the key rule and the widgets get every event

    def idle_seconds(self) -> float:
        return self.clock() - self.last_activity

    def check(self) -> bool:
        """Emit ``idle`` (once, until :meth:`resume`) when the time is up; True if it did."""
        if self.paused or self.minutes <= 0 or self.idle_seconds() < self.minutes * 60:
            return False
        self.paused = True
        self.idle.emit()
        return True

    def resume(self) -> None:
        """Someone signed in again: count from now."""
        self.last_activity = self.clock()
        self.paused = False

    def stop(self) -> None:
        self.timer.stop()


class Cover(QWidget):
    """An opaque sheet over a window's whole content, following its size."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("lockCover")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lockCover { background: #3b4a5a; } #lockCover QLabel { color: white; }")
        column = QVBoxLayout(self)
        label = QLabel(_("ロック中 — 記録は隠してあります"))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        label.setFont(font)
        column.addWidget(label)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.raise_()
        self.show()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(obj.rect())
            self.raise_()
        return False


def cover_windows(except_for: QWidget | None = None) -> list[Cover]:
    """Cover every visible window of the app (but *except_for*); returns the covers to remove."""
    covers = []
    for window in QApplication.topLevelWidgets():
        if window is except_for or not window.isVisible() or isinstance(window, Cover):
            continue
        if window.windowType() in (Qt.WindowType.ToolTip, Qt.WindowType.Popup):
            window.hide()  # a tooltip or an open list's popup would float over the cover
            continue
        covers.append(Cover(window))
    return covers


def uncover(covers: list[Cover]) -> None:
    for cover in covers:
        try:
            window = cover.parentWidget()
            if window is not None:
                window.removeEventFilter(cover)
            cover.hide()
            cover.deleteLater()
        except RuntimeError:  # the window was closed meanwhile (交代 closes the previous person's dialogs)
            pass
