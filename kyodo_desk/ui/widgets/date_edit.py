"""A date field that may be empty (未設定)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QToolButton, QWidget

from kyodo_desk.i18n import _

_EMPTY = QDate(1900, 1, 1)


class _DateEdit(QDateEdit):
    """QDateEdit whose minimum date stands for "no date" and shows 未設定."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy/MM/dd")
        self.setMinimumDate(_EMPTY)
        self.setMaximumDate(QDate(2200, 12, 31))
        self.setSpecialValueText(_("未設定"))
        self.setDate(_EMPTY)
        self.calendarWidget().installEventFilter(self)

    def is_empty(self) -> bool:
        return self.date() == _EMPTY

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.is_empty() and (event.text().isdigit() or event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)):
            self.setDate(QDate.currentDate())  # start editing from today, not from 1900
            if not event.text().isdigit():
                return
            self.setSelectedSection(QDateEdit.Section.YearSection)  # digits typed now replace the year
        super().keyPressEvent(event)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if obj is self.calendarWidget() and event.type() == QEvent.Type.Show and self.is_empty():
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return False


class OptionalDateEdit(QWidget):
    """Date or nothing.  ``value()`` is a ``datetime.date`` or None; the × button clears it."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.edit = _DateEdit(self)
        self.clear_button = QToolButton(self)
        self.clear_button.setText("×")
        self.clear_button.setToolTip(_("未設定に戻す"))
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(lambda: self.setValue(None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.clear_button)
        self.setFocusProxy(self.edit)
        self.edit.dateChanged.connect(self._on_changed)
        self._on_changed()

    def _on_changed(self, *_args) -> None:
        self.clear_button.setEnabled(not self.edit.is_empty() and self.isEnabled())
        self.changed.emit()

    def value(self) -> dt.date | None:
        if self.edit.is_empty():
            return None
        return self.edit.date().toPython()

    def setValue(self, value: dt.date | None) -> None:  # noqa: N802 - Qt naming
        self.edit.setDate(_EMPTY if value is None else QDate(value.year, value.month, value.day))

    def setReadOnly(self, read_only: bool) -> None:  # noqa: N802 - Qt naming
        self.edit.setReadOnly(read_only)
        self.clear_button.setVisible(not read_only)
