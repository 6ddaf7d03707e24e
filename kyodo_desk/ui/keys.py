"""The one rule for where keys go (scanner codes and ordinary typing).

A USB scanner is a keyboard.  So that nothing is lost and nothing is pressed by accident, every key
typed in the main window (and in the dialogs it opens) passes this filter first.

**What is a scan.**  Characters that together read as a code — letters/digits of a label such as an
asset tag ``KD-0001`` (the 管理番号 prefix of the settings, then digits), ``ORG-00042``, a record
number ``S2025-00001`` / ``D2025-…`` / ``L2025-…`` (``CODE_RE``) — each pressed less than
``SCAN_GAP_MS`` (50 ms) after the one before (by the keyboard's own timestamps, so a busy screen
does not change the verdict), and ended by Enter within that gap.  Nobody types a
label that fast; every scanner does.  Typing at a person's pace is never a scan.

**Where a scan goes** (decided in this order):

1. The cursor is in a scan field (貸出・返却 desk, a loan's return window): the field takes it, as
   it always did.
2. Anywhere else the characters are taken back out of whatever received them — a text field keeps
   exactly what was typed before, a list or combo box keeps its row — and the scanner's Enter is
   swallowed: it never presses a default button, submits a form or opens a record.  Then:
3. the window shows a scan field (the desk tab, a return window): the code goes there;
4. otherwise, in the main window, by what the code names — a device or a loan: the 機器貸出 desk
   receives it in its scan field (the desk decides checkout or return), never the device's master
   record; an organization: 団体 with that organization selected (Enter opens it); a consultation or
   a dispatch application: its own screen opens it; an unknown code: the status bar says so;
5. in any other dialog the code is not routed (the dialog stays as it was) and the status bar says
   to close the dialog first.
The status bar always says what became of a scan.

**Ordinary typing** (not a scan):

* Text fields, date fields, spin boxes and combo boxes take their own keys.
* Lists, tables and trees keep their keys: Space ticks or selects, letters jump (type-ahead).
  Buttons and check boxes keep Space.
* Other printable keys typed on the main window's buttons or page background start a search in
  the global search box (「打てば検索」).
* Alt+letter/digit that no shortcut claimed is swallowed: it never types into a field.
* Enter in the global search on a code typed by hand follows rule 4; Enter on a chosen result
  opens the record's own page or view.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTextEdit,
    QWidget,
)

from kyodo_desk.domain.text import fold

SCAN_GAP_MS = 50
MIN_CODE_LENGTH = 5
CODE_RE = re.compile(r"(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{1,6}-?[0-9]{3,}(?:-[0-9]{1,6})?")
TEXT_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)
_MODIFIER_KEYS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_CapsLock,
    Qt.Key.Key_NumLock,
}
_ENTER_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}


def normalize_code(text: str) -> str:
    return fold(text).upper().strip().replace(" ", "")


def looks_like_code(text: str) -> bool:
    """True when *text* reads as a label code (asset tag, organization or record number)."""
    value = normalize_code(text)
    return len(value) >= MIN_CODE_LENGTH and CODE_RE.fullmatch(value) is not None


def is_scan_field(widget: QWidget | None) -> bool:
    """A field made for the scanner (lending's ScanField): it takes scans itself."""
    return widget is not None and widget.objectName() == "scanField" and hasattr(widget, "scanned")


def visible_scan_field(window: QWidget | None) -> QWidget | None:
    if window is None:
        return None
    for child in window.findChildren(QLineEdit, "scanField"):
        if is_scan_field(child) and child.isVisible() and child.isEnabled():
            return child
    return None


# ---- taking a burst back out of the widget that received it --------------------------------------
@dataclass
class Snapshot:
    """What a widget showed before a burst of keys reached it, and how to put it back."""

    widget: QWidget
    state: tuple = field(default_factory=tuple)

    def restore(self) -> None:
        w, s = self.widget, self.state
        if isinstance(w, QLineEdit):
            text, cursor = s
            if w.text() != text:
                w.setText(text)
                w.setCursorPosition(cursor)
                w.textEdited.emit(text)  # filters that follow typing see the old text again
        elif isinstance(w, (QTextEdit, QPlainTextEdit)):
            text, position = s
            if w.toPlainText() != text:
                _restore_text_edit(w, text, position)
        elif isinstance(w, QComboBox):
            index, edit_text = s
            if w.currentIndex() != index:
                w.setCurrentIndex(index)
            if w.isEditable() and w.currentText() != edit_text:
                w.setEditText(edit_text)
        elif isinstance(w, QAbstractSpinBox):
            value, text = s
            line = w.findChild(QLineEdit)
            if line is not None and line.text() != text:
                line.setText(text)
            if isinstance(w, QDateTimeEdit):
                w.setDateTime(value)
            elif isinstance(w, (QSpinBox, QDoubleSpinBox)):
                w.setValue(value)
        elif isinstance(w, QAbstractItemView):
            (index,) = s
            model = w.selectionModel()
            if model is None or w.currentIndex() == index:
                return
            if index.isValid():
                flag = QItemSelectionModel.SelectionFlag
                model.setCurrentIndex(index, flag.ClearAndSelect | flag.Rows)
            else:  # nothing was current before the burst
                model.clearSelection()
                model.clearCurrentIndex()


def _restore_text_edit(w: QTextEdit | QPlainTextEdit, text: str, position: int) -> None:
    now = w.toPlainText()
    added = len(now) - len(text)
    if added > 0 and now[:position] + now[position + added :] == text:
        cursor = w.textCursor()
        cursor.setPosition(position)
        cursor.setPosition(position + added, cursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        w.setTextCursor(cursor)
    else:
        w.setPlainText(text)


def snapshot(widget: QWidget) -> Snapshot:
    if isinstance(widget, QLineEdit):
        return Snapshot(widget, (widget.text(), widget.cursorPosition()))
    if isinstance(widget, (QTextEdit, QPlainTextEdit)):
        return Snapshot(widget, (widget.toPlainText(), widget.textCursor().position()))
    if isinstance(widget, QComboBox):
        return Snapshot(widget, (widget.currentIndex(), widget.currentText()))
    if isinstance(widget, QAbstractSpinBox):
        line = widget.findChild(QLineEdit)
        text = line.text() if line is not None else ""
        if isinstance(widget, QDateTimeEdit):
            return Snapshot(widget, (widget.dateTime(), text))
        if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
            return Snapshot(widget, (widget.value(), text))
        return Snapshot(widget, (None, text))
    if isinstance(widget, QAbstractItemView):
        return Snapshot(widget, (QPersistentModelIndex(widget.currentIndex()),))
    return Snapshot(widget, ())


# ---- the filter ------------------------------------------------------------------------------------
class KeyRule(QObject):
    """The app-wide key filter of one main window (installed by MainWindow).

    *route(code, origin)* receives a recognised scan (rules 3–5 above); *search(text)* receives
    printable keys typed on widgets that do not use them (the global search box).
    """

    def __init__(
        self,
        window: QWidget,
        route: Callable[[str, QWidget | None], None],
        search: Callable[[str], QWidget],
        clock: Callable[[], float] = time.monotonic,
    ):
        super().__init__(window)
        self.window = window
        self.route = route
        self.search = search
        self.clock = clock
        self._reset()

    def _reset(self) -> None:
        self._chars: list[str] = []
        self._last = -1.0
        self._last_stamp = 0
        self._released = -1.0
        self._snapshots: list[Snapshot] = []
        self._origin: QWidget | None = None

    def _ours(self, widget: QWidget) -> bool:
        """The main window, or a window it opened (its dialogs)."""
        top = widget.window()
        while top is not None:
            if top is self.window:
                return True
            parent = top.parentWidget()
            top = parent.window() if parent is not None else None
        return False

    def _gap_ms(self, event) -> float | None:
        """Milliseconds since the previous key of the burst, None when there is none.

        The window system's timestamps say when the keys were pressed, whatever the GUI was busy
        with meanwhile.  Synthetic events (tests) have none: then the gap is counted from the moment
        the previous key was released (its handling had finished), not from its press."""
        if self._last < 0:
            return None
        stamp = event.timestamp()
        if stamp and self._last_stamp:
            return float(stamp - self._last_stamp)
        since = self._released if self._released >= self._last else self._last
        return (self.clock() - since) * 1000.0

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) or not isinstance(obj, QWidget):
            return False
        focus = QApplication.focusWidget()
        if obj is not (focus or obj.window()) or not self._ours(obj):
            return False
        key = event.key()
        if key in _MODIFIER_KEYS:
            return False
        if kind == QEvent.Type.KeyRelease:
            if self._chars:
                self._released = self.clock()
            return False
        gap = self._gap_ms(event)
        now = self.clock()
        fast = gap is not None and gap < SCAN_GAP_MS
        mods = event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        text = event.text()
        if key in _ENTER_KEYS and mods == Qt.KeyboardModifier.NoModifier:
            code = "".join(self._chars)
            origin, snapshots = self._origin, self._snapshots
            self._reset()
            if fast and looks_like_code(code) and not is_scan_field(obj):
                for snap in reversed(snapshots):
                    snap.restore()
                if origin is not None and origin is not obj and origin.isVisible():
                    origin.setFocus(Qt.FocusReason.OtherFocusReason)
                self.route(normalize_code(code), origin or obj)
                return True
            return False
        if not text or not text.isprintable() or mods != Qt.KeyboardModifier.NoModifier:
            self._reset()
            if (
                text
                and text.isprintable()
                and mods & Qt.KeyboardModifier.AltModifier
                and not mods & Qt.KeyboardModifier.ControlModifier
            ):
                return True  # an Alt+key no shortcut wanted: never typed into a field
            return False
        # a printable key: part of a burst if it came fast after the previous one
        if not fast:
            self._reset()
            self._origin = obj
        self._last = now
        self._last_stamp = event.timestamp()
        self._chars.append(text)
        if not any(s.widget is obj for s in self._snapshots):
            self._snapshots.append(snapshot(obj))
        if is_scan_field(obj) or isinstance(obj, (*TEXT_INPUTS, QAbstractItemView)):
            return False  # the widget uses the key
        if text.isspace() and isinstance(obj, QAbstractButton):
            return False
        if obj.window() is not self.window:
            return False  # a dialog's button: the key does nothing, as Qt intends
        target = self.search(text)  # 打てば検索: typed on a button or a page's background
        if target is not None and not any(s.widget is target for s in self._snapshots):
            self._snapshots.insert(0, snapshot_before(target, text))
        return True


def snapshot_before(line: QLineEdit, inserted: str) -> Snapshot:
    """The search box as it was before *inserted* went in (it has been typed already)."""
    text, cursor = line.text(), line.cursorPosition()
    start = max(0, cursor - len(inserted))
    if text[start:cursor] == inserted:
        return Snapshot(line, (text[:start] + text[cursor:], start))
    return Snapshot(line, (text, cursor))
