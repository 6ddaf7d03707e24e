"""Windows that fit the desk's screen.

Most desks are 1366×768 laptops; with the Windows taskbar the usable area is 1366×728, and a
window's title bar and borders take about 39 px of that.  Nothing here is a fixed size:

* ``fit_to_screen(window, w, h)`` resizes a window to its preferred size, shrunk to what the screen
  it opens on can show (title bar and borders included).  Call it instead of ``resize(w, h)``.
* ``scrolling(widget)`` wraps a long form in a frameless QScrollArea; keep the window's button row
  *outside* it, so 保存 / 閉じる stay on screen however small the screen is.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

#: What a Windows 10/11 title bar and (invisible resize) borders add around a window at 100 %.
WINDOWS_FRAME = QMargins(8, 31, 8, 8)


def available_area(widget: QWidget | None = None) -> QRect:
    """The part of the screen *widget* opens on that windows may use (taskbar excluded)."""
    screen = None
    if widget is not None:
        parent = widget.parentWidget()
        screen = (parent.window() if parent is not None else widget).screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)


def frame_margins(window: QWidget) -> QMargins:
    """Title bar and borders of *window*: the real ones once shown, else the Windows ones."""
    handle = window.windowHandle()
    if handle is not None and window.isVisible():
        real = handle.frameMargins()
        if real.top() >= WINDOWS_FRAME.top():
            return real
    return WINDOWS_FRAME


def fitted_size(window: QWidget, width: int, height: int) -> QSize:
    """min(preferred, available area less the window frame)."""
    area = available_area(window).marginsRemoved(frame_margins(window))
    return QSize(min(width, area.width()), min(height, area.height()))


def fit_to_screen(window: QWidget, width: int, height: int) -> QSize:
    """Resize *window* to (width, height) or less, so that it and its frame fit the screen."""
    size = fitted_size(window, width, height)
    window.resize(size)
    return size


def scrolling(content: QWidget) -> QScrollArea:
    """*content* inside a frameless scroll area that grows with the window and scrolls when the
    window is smaller than the content needs."""
    area = QScrollArea()
    area.setObjectName("fitScroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the fields; the area follows the focus
    area.setWidget(content)
    content.setAutoFillBackground(False)
    area.viewport().setAutoFillBackground(False)
    return area
