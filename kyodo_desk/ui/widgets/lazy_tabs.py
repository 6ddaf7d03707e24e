"""Tabs whose content is built the first time the tab is shown or asked for.

A page with five tabs used to build all five when it was first opened (170–260 ms on a desk PC,
over the 150 ms a list may take to show).  :class:`LazyTabs` adds an empty placeholder per tab and
swaps in the real content when the tab becomes current, or when code asks for it with
:meth:`LazyTabs.get` (an opener, a test) — after the swap ``tabs.currentWidget()`` and
``tabs.setCurrentWidget(content)`` work with the content itself, as with ordinary tabs.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QTabWidget, QWidget

from kyodo_desk.ui.widgets.stray_windows import no_stray_windows


class LazyTabs(QObject):
    """Create it before connecting the page's own ``currentChanged`` handler: it must swap the
    content in before the page looks at ``currentWidget()``."""

    def __init__(self, tabs: QTabWidget):
        super().__init__(tabs)
        self.tabs = tabs
        self._placeholders: dict[str, QWidget] = {}
        self._builders: dict[str, Callable[[], QWidget]] = {}
        self._built: dict[str, QWidget] = {}
        tabs.currentChanged.connect(self._current_changed)

    def add(self, key: str, title: str, build: Callable[[], QWidget]) -> None:
        placeholder = QWidget()
        placeholder.setObjectName(f"tabPlaceholder_{key}")
        # takes the focus when its tab is chosen from inside the tabs, so that the content can
        # take it over as an ordinary tab's page would (else it would drift out of the page)
        placeholder.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._placeholders[key] = placeholder
        self._builders[key] = build
        self.tabs.addTab(placeholder, title)
        if self.tabs.count() == 1:  # the first tab is shown at once: build it now
            self.get(key)

    def add_built(self, key: str, title: str, content: QWidget) -> None:
        """A tab built up front (the one a page opens on)."""
        self._built[key] = content
        self.tabs.addTab(content, title)

    def has(self, key: str) -> bool:
        """Whether the page has this tab at all (built or not)."""
        return key in self._built or key in self._builders

    def is_built(self, key: str) -> bool:
        return key in self._built

    def built(self, key: str) -> QWidget | None:
        return self._built.get(key)

    def get(self, key: str) -> QWidget:
        """The tab's content, built now if it was not yet (the tab stays where it is)."""
        content = self._built.get(key)
        if content is not None:
            return content
        with no_stray_windows():  # a tab is built while the window is on screen
            content = self._builders.pop(key)()
        self._built[key] = content
        placeholder = self._placeholders.pop(key)
        index = self.tabs.indexOf(placeholder)
        had_focus = placeholder.hasFocus()
        title, tip, current = self.tabs.tabText(index), self.tabs.tabToolTip(index), self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, content, title)
            self.tabs.setTabToolTip(index, tip)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(blocked)
        placeholder.deleteLater()
        if had_focus:
            _focus_first(content)
        return content

    def _current_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        for key, placeholder in list(self._placeholders.items()):
            if placeholder is widget:
                self.get(key)
                return


def _focus_first(content: QWidget) -> None:
    """The focus to the first field of *content* that takes Tab focus (as QStackedWidget does)."""
    widget = content.nextInFocusChain()
    while widget is not None and widget is not content:
        if (
            content.isAncestorOf(widget)
            and widget.isVisibleTo(content)
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            return
        widget = widget.nextInFocusChain()
    content.setFocus(Qt.FocusReason.TabFocusReason)
