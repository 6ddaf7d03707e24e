"""Building widgets after the main window is on screen (a page, a tab) without stray windows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget


class NoStrayWindows(QObject):
    """While a page is built after the window is on screen: a widget made visible before it was put
    in a layout (``button.setVisible(can_edit)`` on a fresh button) would flash as a window of its
    own and take the focus from the main window.  It is kept off screen until it has a parent."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if not isinstance(obj, QWidget):
            return False
        if (
            event.type() == QEvent.Type.Show
            and obj.isWindow()
            and obj.parentWidget() is None
            and not isinstance(obj, QDialog)
        ):
            obj.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            obj.setProperty("_kd_kept_off_screen", True)
        elif (
            event.type() == QEvent.Type.ParentChange
            and obj.property("_kd_kept_off_screen")
            and obj.parentWidget() is not None
        ):
            obj.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, False)
            obj.setProperty("_kd_kept_off_screen", None)
        return False


@contextmanager
def no_stray_windows() -> Iterator[None]:
    """Widgets built inside the block never flash as windows of their own."""
    app = QApplication.instance()
    guard = NoStrayWindows()
    app.installEventFilter(guard)
    try:
        yield
    finally:
        app.removeEventFilter(guard)
        guard.deleteLater()
