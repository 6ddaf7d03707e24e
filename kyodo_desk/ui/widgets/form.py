"""Forms that show validation messages next to the field they belong to."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

# the first of these a field has tells that the user changed it (textEdited: typing, not set by code)
_CHANGE_SIGNALS = (
    "textEdited",
    "edited",
    "changed",
    "currentIndexChanged",
    "valueChanged",
    "dateTimeChanged",
    "dateChanged",
    "toggled",
    "textChanged",
)


# the first of these a field has says the user changed it (textEdited: typing, never setText())
_CHANGE_SIGNALS = (
    "textEdited",
    "edited",
    "changed",
    "currentIndexChanged",
    "valueChanged",
    "dateTimeChanged",
    "dateChanged",
    "toggled",
    "textChanged",
)


class FieldErrors:
    """Keeps one red message label per field under the field's widget.

    ``add_row(form, name, label, widget)`` puts the widget and its (hidden) message in *form*;
    ``show(errors)`` fills the messages from ``ValidationError.errors`` and returns the first
    field (in form order) that has one, so the caller can focus it.  A field's message goes away
    as soon as the user changes that field (the others stay until the next save).
    """

    def __init__(self) -> None:
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.order: list[str] = []

    def add_row(self, form: QFormLayout, name: str, label: str, widget: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        message = QLabel()
        message.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote what was typed
        message.setObjectName("fieldError")
        message.setWordWrap(True)
        message.hide()
        column.addWidget(message)
        form.addRow(label, box)
        self.widgets[name] = widget
        self.labels[name] = message
        self.order.append(name)
        if hasattr(widget, "bind_field_errors"):  # typed date fields show their messages here
            widget.bind_field_errors(self, name, label)
        self.watch(name, widget)
        return box

    def watch(self, name: str, widget: QWidget) -> None:
        """Hide *name*'s message once *widget* is changed by the user (add_row calls it)."""
        for signal in _CHANGE_SIGNALS:
            if hasattr(widget, signal):
                getattr(widget, signal).connect(lambda *_a, n=name: self.clear_field(n))
                return

    def clear_field(self, name: str) -> None:
        """The user fixed (changed) this field: its red message and frame go away."""
        label = self.labels.get(name)
        if label is None or label.isHidden():
            return
        label.clear()
        label.hide()
        widget = self.widgets[name]
        widget.setProperty("invalid", False)
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def clear(self) -> None:
        for label in self.labels.values():
            label.clear()
            label.hide()
        for widget in self.widgets.values():
            widget.setProperty("invalid", False)
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def show(self, errors: dict[str, str]) -> str | None:
        """Show *errors* next to their fields; returns the first bad field's name (form order)."""
        self.clear()
        first = None
        for name in self.order:
            if name in errors:
                self.labels[name].setText(errors[name])
                self.labels[name].show()
                widget = self.widgets[name]
                widget.setProperty("invalid", True)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
                first = first or name
        return first

    def unknown(self, errors: dict[str, str]) -> list[str]:
        """Messages for fields this form has no widget for (shown in a banner instead)."""
        return [msg for name, msg in errors.items() if name not in self.labels]

    def message(self, name: str) -> str:
        label = self.labels.get(name)
        return label.text() if label is not None else ""
