"""The word filter of a list (貸出記録, 派遣申請, アドバイザー, 個人): 「絞り込み」 and a box whose
placeholder gives an example; typing filters after a short pause, Enter at once, Down (or Tab)
goes into the results; an empty filtered list names the filters in force."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QWidget

from kyodo_desk.i18n import _
from kyodo_desk.ui.widgets.page import plain_label
from kyodo_desk.ui.widgets.search_box import down_to_results

FILTER_DELAY_MS = 250


class TextFilter(QLineEdit):
    """The box; :attr:`label` is its 「絞り込み」 label, to put before it."""

    def __init__(self, example: str, apply: Callable[[], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("listTextFilter")
        self.setPlaceholderText(_("例: {example}").format(example=example))
        self.setClearButtonEnabled(True)
        self.label = QLabel(_("絞り込み"))
        self.label.setBuddy(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(apply)
        self.textChanged.connect(lambda _t: self._timer.start())
        self.returnPressed.connect(apply)  # Enter: now, not after the pause

    def stop(self) -> None:
        """The filter is being applied now: no second load after the pause."""
        self._timer.stop()

    def words(self) -> str:
        return self.text().strip()

    def lead_to(self, view: QAbstractItemView) -> None:
        down_to_results(self, view)


def empty_note() -> QLabel:
    note = plain_label()
    note.setObjectName("emptyNote")
    note.setWordWrap(True)
    note.hide()
    return note


def show_empty(note: QLabel, what: str, total: int | None, active: Iterable[str]) -> None:
    """Under a list that the filters left empty: 「条件に合う貸出はありません。絞り込み中: 「町会」、貸出中。」"""
    filters = [f for f in active if f]
    if total == 0 and filters:
        note.setText(
            _("条件に合う{what}はありません。絞り込み中: {filters}。条件を外すとすべて表示します。").format(
                what=what, filters="、".join(filters)
            )
        )
    note.setVisible(total == 0 and bool(filters))


def words_text(box: QLineEdit) -> str:
    """The word filter as :func:`show_empty` names it (「「町会」」), or "" when empty."""
    words = box.text().strip()
    return _("「{text}」").format(text=words) if words else ""
