"""Errors are for people: expected ones show their message; unexpected ones are logged with the
traceback and shown in a dialog that says where the log file is.  Nothing is dropped silently.

Neither the log nor the dialog carries an unexpected exception's raw text: database errors quote
the failing row's values (names, phones, consultation text), so both go through
:mod:`kyodo_desk.redact`."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.redact import format_exception_safely, safe_message
from kyodo_desk.services import connection_loss, database_trouble
from kyodo_desk.services.base import PermissionDenied, ServiceError

log = logging.getLogger("kyodo_desk.ui")


def is_expected(exc: BaseException) -> bool:
    """Errors whose message is written for the person at the desk."""
    return isinstance(exc, (ServiceError, ValidationError))


def unexpected_text(exc: BaseException, log_file: Path | str) -> str:
    return _(
        "予期しないエラーが起きました。作業はこのまま続けられます。\n\n{error}\n\n"
        "詳しい記録をログファイルに残しました。管理者に伝えてください:\n{log}"
    ).format(error=safe_message(exc), log=log_file)


connection_lost_text = database_trouble.connection_lost_text  # the text the CLI prints too


def busy_box(parent: QWidget | None = None) -> QMessageBox:
    """Another desk held the database too long: a warning in words, never the driver's text."""
    log.warning("the database was busy (another desk held it longer than the wait)")
    trouble = database_trouble.busy()
    return QMessageBox(QMessageBox.Icon.Warning, trouble.title, trouble.text, parent=parent)


def report_error(parent: QWidget | None, exc: BaseException, log_file: Path | str) -> QMessageBox:
    """Show *exc* to the user (and log it when it was not expected).  Returns the open box."""
    trouble = database_trouble.explain(exc)
    if trouble is not None and trouble.kind == "busy":
        box = busy_box(parent)
    elif trouble is not None:
        log.warning("the database server cannot be reached (%s)", type(exc).__name__)
        box = QMessageBox(QMessageBox.Icon.Warning, trouble.title, trouble.text, parent=parent)
    elif isinstance(exc, PermissionDenied):
        box = QMessageBox(QMessageBox.Icon.Information, _("権限がありません"), str(exc), parent=parent)
    elif is_expected(exc):
        box = QMessageBox(QMessageBox.Icon.Warning, _("確認してください"), str(exc), parent=parent)
    else:
        log.error("unexpected error:\n%s", format_exception_safely(exc))
        box = QMessageBox(QMessageBox.Icon.Critical, _("エラー"), unexpected_text(exc, log_file), parent=parent)
    box.setObjectName("errorBox")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.open()
    return box


class ErrorReporter:
    """The task runner's reporter: like :func:`report_error`, and keeps boxes that have no
    parent window alive until they are closed (otherwise Python would delete them at once)."""

    def __init__(self, log_file: Path | str):
        self.log_file = log_file
        self._boxes: list[QMessageBox] = []
        self._connection_box: QMessageBox | None = None

    @property
    def open_boxes(self) -> list[QMessageBox]:
        self._boxes = [b for b in self._boxes if shiboken6.isValid(b) and b.isVisible()]
        return list(self._boxes)

    def __call__(self, parent: QWidget | None, exc: BaseException) -> QMessageBox:
        lost = connection_loss.is_connection_lost(exc)
        shown = self._connection_box
        if lost and shown is not None and shiboken6.isValid(shown) and shown.isVisible():
            # one box says it (the status bar says it until the server is back), not one per failed look
            log.info("the database server still cannot be reached (%s)", type(exc).__name__)
            return shown
        box = report_error(parent, exc, self.log_file)
        if lost:
            self._connection_box = box
        if parent is None:
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # freed as soon as it is read
            self._boxes = self.open_boxes + [box]
        return box


class ExceptHook:
    """``sys.excepthook`` for the GUI: log with traceback, show a dialog, keep running."""

    def __init__(self, log_file: Path | str, *, modal: bool = True):
        self.log_file = log_file
        self.modal = modal
        self._showing = False
        self.last_box: QMessageBox | None = None

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if exc is not None and exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        log.error("unexpected error:\n%s", format_exception_safely(exc) if exc is not None else exc_type.__name__)
        if self._showing:  # an error while showing the error: the log has it
            return
        self._showing = True
        try:
            trouble = database_trouble.explain(exc) if exc is not None else None
            if trouble is not None and trouble.kind == "busy":
                box = busy_box()
            elif trouble is not None:
                box = QMessageBox(QMessageBox.Icon.Warning, trouble.title, trouble.text)
            else:
                box = QMessageBox(QMessageBox.Icon.Critical, _("エラー"), unexpected_text(exc, self.log_file))
            box.setObjectName("errorBox")
            box.setTextFormat(Qt.TextFormat.PlainText)
            self.last_box = box
            if self.modal:
                box.exec()
            else:
                box.open()
        finally:
            self._showing = False


def install_excepthook(log_file: Path | str) -> ExceptHook:
    hook = ExceptHook(log_file)
    sys.excepthook = hook
    return hook
