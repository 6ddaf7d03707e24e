"""One way to show why a save failed, for every record window.

A ``ValidationError`` puts each message under its field (focus on the first bad one, in form order)
and the messages for fields the window has no widget for in its banner; an error the window
explains itself (another desk's change — ``StaleEdit`` — by default) goes to the banner too; anything
else is reported (ui.errors.report_error).  What was typed always stays.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.widgets.date_edit import DateField
from kyodo_desk.ui.widgets.form import FieldErrors


def show_save_failure(
    owner: QWidget,
    errors: FieldErrors,
    exc: BaseException,
    banner: Callable[[str], None],
    log_file: Path | None,
    *,
    explained: tuple[type[BaseException], ...] = (StaleEdit,),
) -> None:
    if isinstance(exc, ValidationError):
        first = errors.show(exc.errors)
        others = errors.unknown(exc.errors)
        if others:
            banner("\n".join(others))
        if first:
            widget = errors.widgets[first]
            (widget.edit if isinstance(widget, DateField) else widget).setFocus(Qt.FocusReason.OtherFocusReason)
    elif isinstance(exc, explained):
        banner(str(exc))
    else:
        report_error(owner, exc, log_file)
