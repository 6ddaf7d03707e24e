"""Small pieces shared by the lending screens: a scan field, a coloured answer line, an organization
type-ahead, table helpers and the local style sheet."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QLineEdit

from kyodo_desk.i18n import _, weekday_short
from kyodo_desk.services.organizations import OrganizationFilter, OrganizationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.date_edit import DateField
from kyodo_desk.ui.widgets.rows_table import Row, RowsTable

OK_COLOR = QColor("#1b6e20")
ERROR_COLOR = QColor("#b3261e")
MUTED_COLOR = QColor("#6b7580")

LENDING_STYLE = """
#scanField { font-size: 16pt; padding: 6px 10px; border: 2px solid #1f5f99; border-radius: 6px; background: #ffffff; }
QLabel[tone="ok"] { color: #1b5e20; background: #e8f5e9; border: 1px solid #9ccc9f; border-radius: 6px; padding: 6px 10px; }
QLabel[tone="error"] { color: #8c1d18; background: #fdecea; border: 1px solid #e0867d; border-radius: 6px; padding: 6px 10px; }
QLabel[tone="info"] { color: #1c2a36; background: #eef4fa; border: 1px solid #b6cce2; border-radius: 6px; padding: 6px 10px; }
QLabel[tone="warn"] { color: #5a3b00; background: #fff4e5; border: 1px solid #f0b35b; border-radius: 6px; padding: 6px 10px; }
"""


class ScanField(QLineEdit):
    """What a USB barcode scanner types into (the code, then Enter).  ``scanned(code)`` on Enter
    with text; ``empty_enter`` on Enter with nothing typed.

    A scanner's Enter only ever means "here is a code": the field consumes Enter and keypad Enter,
    so it never reaches a dialog's default button.  Ctrl+Enter passes on — that is how a screen
    confirms (its own shortcut)."""

    scanned = Signal(str)
    empty_enter = Signal()

    def __init__(self, placeholder: str = ""):
        super().__init__()
        self.setObjectName("scanField")
        self.setPlaceholderText(placeholder or _("ここに機器のラベルをスキャン(または管理番号を入力して Enter)"))
        self.setClearButtonEnabled(True)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
            ):
                event.ignore()  # Ctrl+Enter: the screen's confirm shortcut, never a scan
                return
            event.accept()
            self._enter()
            return
        super().keyPressEvent(event)

    def _enter(self) -> None:
        code = self.text().strip()
        self.clear()
        if code:
            self.scanned.emit(code)
        else:
            self.empty_enter.emit()


def no_default_buttons(widget) -> None:
    """No push button of *widget* is (auto)default, and Enter that reaches a dialog presses nothing:
    Enter from a scanner or a text field can never commit.  Confirming is a click or the screen's
    Ctrl+Enter shortcut.  (A QDialogButtonBox makes its first accept button the default each time it
    is shown, so a dialog is guarded on every show, and its Enter is swallowed anyway.)"""
    from PySide6.QtWidgets import QDialog, QPushButton

    for button in widget.findChildren(QPushButton):
        button.setAutoDefault(False)
        button.setDefault(False)
    if isinstance(widget, QDialog) and widget.findChild(_EnterGuard) is None:
        widget.installEventFilter(_EnterGuard(widget))


class _EnterGuard(QObject):
    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if obj is not self.parent():
            return False
        if event.type() == QEvent.Type.Show:
            no_default_buttons(obj)
        elif (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not (event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        ):
            return True  # Enter that no field used: it presses no button here
        return False


def confirm_shortcuts(widget, slot) -> list:
    """Ctrl+Enter on the main keyboard (Ctrl+Return) and on the keypad run *slot* anywhere in *widget*."""
    from PySide6.QtGui import QKeySequence, QShortcut

    out = []
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        shortcut = QShortcut(QKeySequence(keys), widget, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        out.append(shortcut)
    return out


class MessageLine(QLabel):
    """One answer line in a colour that says whether it went well: ok, error, info, warn."""

    def __init__(self, text: str = "", tone: str = "info"):
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.show_message(text, tone)

    def show_message(self, text: str, tone: str = "info") -> None:
        self.setText(text)
        self.setProperty("tone", tone)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(bool(text))

    @property
    def tone(self) -> str:
        return self.property("tone") or ""


class OrganizationPicker(QLineEdit):
    """Type part of a name, kana, phone or ORG-code; matching organizations drop down (looked up
    off the GUI thread); choosing one emits ``chosen(record)``.  Editing the text clears it."""

    chosen = Signal(object)  # OrganizationRecord | None
    results_shown = Signal(int)

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.record: OrganizationRecord | None = None
        self.setPlaceholderText(_("団体名・カナ・電話番号・団体番号で検索"))
        self._model = QStandardItemModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setMaxVisibleItems(12)
        self._completer.setWidget(self)
        self._completer.activated[QModelIndex].connect(self._activated)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.search_now)
        self._seq = 0
        self.textEdited.connect(self._edited)

    def _edited(self, _text: str) -> None:
        if self.record is not None:
            self.record = None
            self.chosen.emit(None)
        self._seq += 1
        self._timer.start()

    def search_now(self) -> None:
        query = self.text().strip()
        self._seq += 1
        seq = self._seq
        if not query:
            self._model.clear()
            return
        actor, orgs = self.ctx.require_actor(), self.ctx.services.organizations
        self.ctx.tasks.run(
            lambda _p: orgs.page(actor, OrganizationFilter(text=query), limit=15),
            on_done=lambda rows: self._fill(seq, rows),
            owner=self,
        )

    def _fill(self, seq: int, rows: list[OrganizationRecord]) -> None:
        if seq != self._seq:
            return
        self._model.clear()
        for r in rows:
            item = QStandardItem(f"{r.name}({r.code}・{r.kind_label})")
            item.setData(r, Qt.ItemDataRole.UserRole)
            self._model.appendRow(item)
        if rows and self.hasFocus():
            self._completer.complete()
        self.results_shown.emit(len(rows))

    def _activated(self, index) -> None:
        record = index.data(Qt.ItemDataRole.UserRole)
        if record is not None:
            QTimer.singleShot(0, lambda: self.choose(record))

    def results(self) -> list[OrganizationRecord]:
        return [self._model.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self._model.rowCount())]

    def choose(self, record: OrganizationRecord | None) -> None:
        self._seq += 1
        self._timer.stop()
        self._completer.popup().hide()
        self.record = record
        self.setText(f"{record.name}({record.code})" if record else "")
        self.chosen.emit(record)

    def organization_id(self) -> int | None:
        return self.record.id if self.record else None


def make_table(headers: list[str], *, stretch: int | None = None) -> RowsTable:
    """A short computed table: a view over a list model, filled with ``set_rows`` in one go."""
    return RowsTable(headers, stretch=stretch)


def date_edit(value: dt.date | None = None, label: str = "") -> DateField:
    """A typed date (2025/04/01, R7.4.1, 4/1 …) with its 和暦 and weekday beside it."""
    return DateField(label=label, value=value or dt.date.today())


def set_date(edit: DateField, value: dt.date) -> None:
    edit.setValue(value)


def qdatetime(value: dt.datetime) -> QDateTime:
    return QDateTime(QDate(value.year, value.month, value.day), value.time())


def choice_combo(choices: list[tuple[str, str]], first: tuple[str, object] | None = None) -> QComboBox:
    combo = QComboBox()
    if first is not None:
        combo.addItem(first[0], first[1])
    for value, label in choices:
        combo.addItem(label, value)
    return combo


def md(day: dt.date) -> str:
    return f"{day.month}/{day.day}({weekday_short(day)})"


def when(value: dt.datetime | None) -> str:
    return value.strftime("%Y/%m/%d %H:%M") if value else ""


__all__ = [
    "ScanField",
    "no_default_buttons",
    "confirm_shortcuts",
    "MessageLine",
    "OrganizationPicker",
    "make_table",
    "Row",
    "RowsTable",
    "date_edit",
    "set_date",
    "md",
    "when",
    "choice_combo",
    "qdatetime",
    "LENDING_STYLE",
    "OK_COLOR",
    "ERROR_COLOR",
    "MUTED_COLOR",
]
