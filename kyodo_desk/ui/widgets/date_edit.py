"""Typed date, date-time and time fields (keyboard first).

A QDateEdit edits sections: typing "2025/11/20 14:30" into one saved 2025/11/11 20:14.  These
fields are plain text boxes instead.  What was typed is read whole by
:mod:`kyodo_desk.domain.date_input` when the field is left (Tab, Enter, a click elsewhere), then
shown again in the canonical form (``2025/04/01``, ``2025/04/01 14:30``, ``14:30``) with the 和暦
beside it.  A value that cannot be read, or does not exist, stays as typed, turns the field red and
shows a message that names the field and gives an example; :func:`date_problem` lets a form's save
refuse while any field holds such a text.  Alt+↓ or F4 opens a calendar (土 blue, 日・祝 red).

``value()`` is a ``datetime.date`` / ``datetime`` / ``time`` (or None while an optional field is
empty — 未設定).  For the screens that were written against QDateEdit, ``date()``/``setDate()``,
``dateTime()``/``setDateTime()``, ``time()``/``setTime()`` and their ``…Changed`` signals work too.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QEvent, QLocale, QObject, Qt, QTime, Signal
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain import date_input
from kyodo_desk.domain.calendar import public_holiday
from kyodo_desk.i18n import _, wareki
from kyodo_desk.ui.widgets.day_colors import SATURDAY, SUNDAY

Value = dt.date | dt.datetime | dt.time


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _qdatetime(value: dt.datetime) -> QDateTime:
    return QDateTime(_qdate(value.date()), QTime(value.hour, value.minute))


class CalendarPopup(QCalendarWidget):
    """The calendar a date field opens: 土 blue, 日 and national holidays red, Enter picks."""

    picked = Signal(object)  # datetime.date
    closed = Signal()  # Escape: nothing picked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Popup)
        self.setLocale(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
        self.setGridVisible(True)
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        line = self.fontMetrics().lineSpacing()
        self.setMinimumSize(line * 16, line * 12)  # big enough to read the days at a glance
        saturday, sunday = QTextCharFormat(), QTextCharFormat()
        saturday.setForeground(SATURDAY)
        sunday.setForeground(SUNDAY)
        self.setWeekdayTextFormat(Qt.DayOfWeek.Saturday, saturday)
        self.setWeekdayTextFormat(Qt.DayOfWeek.Sunday, sunday)
        self._holiday = sunday
        self._marked: set[int] = set()
        self.currentPageChanged.connect(self._mark_holidays)
        self.activated.connect(self._pick)
        self.clicked.connect(self._pick)
        for widget in (self, *self.findChildren(QWidget)):
            widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """Escape only closes the calendar; Enter only picks.  (A popup does not stop the window's
        shortcuts: without this, Escape here also reached the form, which offered to discard it.)"""
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                event.accept()
                if event.type() == QEvent.Type.KeyPress and key == Qt.Key.Key_Escape:
                    self.hide()
                    self.closed.emit()
                    return True
                return event.type() == QEvent.Type.ShortcutOverride
        return False

    def open_at(self, anchor: QWidget, value: dt.date | None) -> None:
        day = value or dt.date.today()
        self.setSelectedDate(_qdate(day))
        self.setCurrentPage(day.year, day.month)
        self._mark_holidays(day.year, day.month)
        self.adjustSize()
        self.move(anchor.mapToGlobal(anchor.rect().bottomLeft()))
        self.show()
        self.setFocus()

    def _mark_holidays(self, year: int, month: int) -> None:
        for y in (year - 1, year, year + 1):
            if y in self._marked:
                continue
            self._marked.add(y)
            first = dt.date(y, 1, 1)
            for offset in range(366):
                day = first + dt.timedelta(days=offset)
                if day.year == y and public_holiday(day):
                    self.setDateTextFormat(_qdate(day), self._holiday)

    def _pick(self, value: QDate) -> None:
        self.hide()
        self.picked.emit(value.toPython())


class _TypedField(QWidget):
    """A text box that holds one date, date-time or time; see the module docstring."""

    changed = Signal()
    edited = Signal()  # a person typed or picked (not setValue())
    kind = "date"

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        optional: bool = False,
        label: str = "",
        hint: bool = True,
        value: Value | None = None,
    ) -> None:
        super().__init__(parent)
        self.optional = optional
        self.label = label
        self._value: Value | None = None
        self._error: str | None = None
        self._errors = None  # FieldErrors of the form, once add_row() has met this field
        self._errors_name = ""
        self.edit = QLineEdit(self)
        self.edit.setObjectName("dateText")
        width = self.edit.fontMetrics().horizontalAdvance(self._sample()) + 18
        self.edit.setMinimumWidth(width)
        self.edit.setMaximumWidth(width + 60)
        self.edit.setPlaceholderText(_("未設定") if optional else _("例: {example}").format(example=self._sample()))
        self.edit.setToolTip(self._tooltip())
        self.edit.editingFinished.connect(self.commit)
        self.edit.textEdited.connect(self._edited)
        self.edit.textEdited.connect(lambda _t: self.edited.emit())
        self.edit.installEventFilter(self)
        self.calendar_button: QToolButton | None = None
        self.clear_button: QToolButton | None = None
        self.hint = QLabel(self)
        self.hint.setObjectName("hint")
        self.hint.setVisible(hint and self.kind != "time")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("fieldError")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)  # quotes what was typed
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.edit, 1)
        if self.kind != "time":
            self.calendar_button = QToolButton(self)
            self.calendar_button.setText("▼")
            self.calendar_button.setToolTip(_("カレンダー (Alt+↓ / F4)"))
            self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.calendar_button.clicked.connect(self.open_calendar)
            row.addWidget(self.calendar_button)
        if optional:
            self.clear_button = QToolButton(self)
            self.clear_button.setText("×")
            self.clear_button.setToolTip(_("未設定に戻す"))
            self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.clear_button.clicked.connect(lambda: self.setValue(None))
            row.addWidget(self.clear_button)
        row.addWidget(self.hint)
        row.addStretch(0)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.error_label)
        self.setFocusProxy(self.edit)
        self.popup: CalendarPopup | None = None
        self._show(value)

    # ---- kinds --------------------------------------------------------------------------------
    def _sample(self) -> str:
        return date_input.DATE_EXAMPLE

    def _tooltip(self) -> str:
        return _("例: 2025/04/01、2025/4/1、20250401、R7.4.1、令和7年4月1日、4/1(今年)。Alt+↓ または F4 でカレンダー")

    def _parse(self, text: str) -> Value:
        return date_input.parse_date(text)

    def _format(self, value: Value) -> str:
        assert isinstance(value, dt.date)
        return date_input.format_date(value)

    def _hint_text(self, value: Value | None) -> str:
        if isinstance(value, dt.date):
            try:
                return wareki(value if not isinstance(value, dt.datetime) else value.date(), weekday=True)
            except ValueError:
                return ""
        return ""

    def _emit_typed(self) -> None:
        """Kind-specific Qt-style signal (dateChanged ...)."""

    # ---- value --------------------------------------------------------------------------------
    def value(self):
        """The value the text means now (even before the field was left); the last good one while
        the text cannot be read (a form's save refuses then: see :func:`date_problem`)."""
        text = self.edit.text()
        if text != self._shown_text():
            try:
                return None if (self.optional and not text.strip()) else self._parse(text)
            except date_input.DateInputError:
                pass
        return self._value

    def setValue(self, value: Value | None) -> None:
        self._show(value)

    def _shown_text(self) -> str:
        return "" if self._value is None else self._format(self._value)

    def _show(self, value: Value | None) -> None:
        before = self._value
        self._value = value
        self.edit.setText(self._shown_text())
        self._set_error(None)
        self._refresh()
        if value != before:
            self.changed.emit()
            self._emit_typed()

    def _refresh(self) -> None:
        hint = self._hint_text(self._value)
        self.hint.setText(hint)
        if self._error is None:  # the 和暦 also in the tooltip (filter rows hide the label)
            self.edit.setToolTip(f"{hint}\n{self._tooltip()}" if hint else self._tooltip())
        if self.clear_button is not None:
            self.clear_button.setEnabled(self._value is not None and not self.edit.isReadOnly())

    def text(self) -> str:
        return self.edit.text()

    def commit(self) -> bool:
        """Read what was typed; reformat it, or keep it and show why it cannot be used."""
        text = self.edit.text()
        if not text.strip():
            if self.optional:
                self._show(None)
                return True
            self._set_error(self._message(date_input.DateInputError(self._empty_message())))
            return False
        try:
            value = self._parse(text)
        except date_input.DateInputError as exc:
            self._set_error(self._message(exc))
            return False
        self._show(value)
        return True

    def _empty_message(self) -> str:
        return _("日付を入力してください。例: {example}").format(example=self._sample())

    def has_error(self) -> bool:
        return self._error is not None

    def error(self) -> str | None:
        return self._error

    def validate(self) -> bool:
        """True when the text is a usable value (reads it first if it changed)."""
        if (
            self.edit.text() != self._shown_text()
            or self._error is not None
            or (not self.optional and self._value is None)
        ):
            return self.commit()
        return True

    # ---- errors -------------------------------------------------------------------------------
    def field_name(self) -> str:
        """The field's label: given, or the QFormLayout label next to it (or next to its box)."""
        if self.label:
            return self.label
        widget: QWidget = self
        parent = widget.parentWidget()
        while parent is not None:
            for form in parent.findChildren(QFormLayout):
                found = form.labelForField(widget)
                if isinstance(found, QLabel) and found.text():
                    return found.text().rstrip(":：*＊ ")
            if parent.isWindow():
                break
            widget, parent = parent, parent.parentWidget()
        return ""

    def _message(self, exc: date_input.DateInputError) -> str:
        name = self.field_name()
        return f"{name}: {exc.message}" if name else exc.message

    def bind_field_errors(self, errors, name: str, label: str = "") -> None:
        """Show messages in the form's own red line for this field (FieldErrors.add_row calls this)."""
        self._errors, self._errors_name = errors, name
        if label and not self.label:
            self.label = label.rstrip(":：*＊ ")

    def _set_error(self, message: str | None) -> None:
        had = self._error
        self._error = message
        self.edit.setProperty("invalid", message is not None)
        self.edit.setStyleSheet("QLineEdit { border: 2px solid #b3261e; border-radius: 3px; }" if message else "")
        label = self._errors.labels.get(self._errors_name) if self._errors is not None else None
        if label is not None:
            if message:
                label.setText(message)
                label.show()
            elif had is not None and label.text() == had:
                label.clear()
                label.hide()
            self.error_label.hide()
        else:
            self.error_label.setText(message or "")
            self.error_label.setVisible(bool(message))
        if message:
            self.hint.setText("")
        self.edit.setToolTip(message or self._tooltip())

    def _edited(self, _text: str) -> None:
        if self._error is not None:
            # once the text reads, the red goes (item: red errors stayed after the fix)
            try:
                self._parse(self.edit.text())
            except date_input.DateInputError:
                return
            self._set_error(None)

    # ---- keys and the calendar ----------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.edit and event.type() == QEvent.Type.KeyPress and self.calendar_button is not None:
            key, mods = event.key(), event.modifiers()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_F4 or (key == Qt.Key.Key_Down and mods & Qt.KeyboardModifier.AltModifier):
                self.open_calendar()
                return True
        return False

    def open_calendar(self) -> None:
        if self.edit.isReadOnly() or not self.isEnabled():
            return
        if self.popup is None:
            self.popup = CalendarPopup(self)
            self.popup.picked.connect(self._picked)
            self.popup.closed.connect(self.edit.setFocus)
        current = self.value()
        day = current.date() if isinstance(current, dt.datetime) else current if isinstance(current, dt.date) else None
        self.popup.open_at(self.edit, day)

    def _picked(self, day: dt.date) -> None:
        self._show(self._from_day(day))
        self.edited.emit()
        self.edit.setFocus()

    def _from_day(self, day: dt.date) -> Value:
        return day

    def setReadOnly(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        if self.calendar_button is not None:
            self.calendar_button.setVisible(not read_only)
        if self.clear_button is not None:
            self.clear_button.setVisible(not read_only)
        self._refresh()

    def isReadOnly(self) -> bool:
        return self.edit.isReadOnly()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.EnabledChange:
            self._refresh()


class DateField(_TypedField):
    """A date (yyyy/MM/dd) with its 和暦 beside it."""

    dateChanged = Signal(QDate)

    def _emit_typed(self) -> None:
        value = self._value
        self.dateChanged.emit(_qdate(value) if isinstance(value, dt.date) else QDate())

    def date(self) -> QDate:
        value = self.value()
        return _qdate(value) if isinstance(value, dt.date) else QDate()

    def setDate(self, value: QDate | dt.date | None) -> None:
        day = value.toPython() if isinstance(value, QDate) else value
        assert day is None or isinstance(day, dt.date)
        self.setValue(day)


class OptionalDateEdit(DateField):
    """Date or nothing (未設定).  ``value()`` is a ``datetime.date`` or None; × clears it."""

    def __init__(self, parent: QWidget | None = None, **kwargs) -> None:
        kwargs.setdefault("optional", True)
        super().__init__(parent, **kwargs)


class DateTimeField(_TypedField):
    """A date and a time (yyyy/MM/dd HH:mm)."""

    kind = "datetime"
    dateTimeChanged = Signal(QDateTime)

    def _sample(self) -> str:
        return date_input.DATETIME_EXAMPLE

    def _tooltip(self) -> str:
        return _("例: 2025/04/01 14:30、2025/4/1 9:05、R7.4.1 1430、時刻だけなら今日。Alt+↓ または F4 でカレンダー")

    def _empty_message(self) -> str:
        return _("日時を入力してください。例: {example}").format(example=self._sample())

    def _parse(self, text: str) -> Value:
        return date_input.parse_datetime(text)

    def _format(self, value: Value) -> str:
        assert isinstance(value, dt.datetime)
        return date_input.format_datetime(value)

    def _from_day(self, day: dt.date) -> Value:
        current = self.value()
        at = (
            current.time()
            if isinstance(current, dt.datetime)
            else dt.datetime.now().time().replace(second=0, microsecond=0)
        )
        return dt.datetime.combine(day, at)

    def _emit_typed(self) -> None:
        value = self._value
        self.dateTimeChanged.emit(_qdatetime(value) if isinstance(value, dt.datetime) else QDateTime())

    def dateTime(self) -> QDateTime:
        value = self.value()
        return _qdatetime(value) if isinstance(value, dt.datetime) else QDateTime()

    def setDateTime(self, value: QDateTime | dt.datetime | None) -> None:
        at = value.toPython() if isinstance(value, QDateTime) else value
        assert at is None or isinstance(at, dt.datetime)
        self.setValue(at.replace(second=0, microsecond=0) if at is not None else None)


class TimeField(_TypedField):
    """A time of day (HH:mm): 14:30, 1430, 14時30分, 9:05."""

    kind = "time"
    timeChanged = Signal(QTime)

    def _sample(self) -> str:
        return date_input.TIME_EXAMPLE

    def _tooltip(self) -> str:
        return _("例: 14:30、1430、14時30分、9:05")

    def _empty_message(self) -> str:
        return _("時刻を入力してください。例: {example}").format(example=self._sample())

    def _parse(self, text: str) -> Value:
        return date_input.parse_time(text)

    def _format(self, value: Value) -> str:
        assert isinstance(value, dt.time)
        return date_input.format_time(value)

    def _emit_typed(self) -> None:
        value = self._value
        self.timeChanged.emit(QTime(value.hour, value.minute) if isinstance(value, dt.time) else QTime())

    def time(self) -> QTime:
        value = self.value()
        return QTime(value.hour, value.minute) if isinstance(value, dt.time) else QTime()

    def setTime(self, value: QTime | dt.time | None) -> None:
        if isinstance(value, QTime):
            value = dt.time(value.hour(), value.minute())
        self.setValue(value)


def date_fields(root: QWidget) -> list[_TypedField]:
    """The typed date/time fields under *root* that are in use (enabled, shown with *root*, editable)."""
    return [f for f in root.findChildren(_TypedField) if f.isEnabled() and f.isVisibleTo(root) and not f.isReadOnly()]


def date_problem(root: QWidget) -> str | None:
    """Read every date field under *root*; the first message (naming its field), or None.

    The fields show their own messages and keep what was typed; the first bad one takes focus.
    A save calls this first and refuses when it returns a message."""
    bad = [f for f in date_fields(root) if not f.validate()]
    if not bad:
        return None
    bad[0].edit.setFocus()
    bad[0].edit.selectAll()
    return bad[0].error()


__all__ = [
    "CalendarPopup",
    "DateField",
    "DateTimeField",
    "OptionalDateEdit",
    "TimeField",
    "date_fields",
    "date_problem",
]
