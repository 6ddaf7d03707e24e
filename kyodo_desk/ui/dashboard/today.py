"""A 「今日の窓口」 card: one list of what is due at the desk today (visits, reservations to hand
out, registrations to renew).  Loaded on the task runner; Tab reaches the list, the arrows choose,
Enter (or a click) opens the record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, format_number
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.page import Card, plain_label

if TYPE_CHECKING:  # pragma: no cover
    from kyodo_desk.services.base import Actor

MAX_LINES = 12
LATE = QColor("#b3261e")


class TodayCard(Card):
    """*load(actor)* runs on a worker and returns the entries; *line(entry)* gives the two-line
    text and whether the entry is late; *open_entry(entry)* opens its record."""

    loaded = Signal()

    def __init__(
        self,
        ctx: AppContext,
        title: str,
        *,
        name: str,
        permission: Permission,
        load: Callable[[Actor], Sequence[Any]],
        line: Callable[[Any], tuple[str, bool]],
        open_entry: Callable[[Any], object] | None,
        summary: Callable[[Sequence[Any]], str],
        empty: str,
        denied: str,
        kinds: tuple[str, ...] = (),
        more: str = "",
    ):
        super().__init__(title)
        self.ctx, self.permission = ctx, permission
        self._load, self._line, self.open_entry = load, line, open_entry
        self._summary, self._empty, self._denied, self._more = summary, empty, denied, more
        self.entries: list[Any] = []
        self._gen = 0
        self.summary = plain_label("…")
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)
        self.list = QListWidget()
        self.list.setObjectName(name)
        self.list.setAccessibleName(title)
        self.list.setWordWrap(True)
        self.list.setSpacing(1)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.list.hide()
        self.body.addWidget(self.list)
        self.body.addStretch(1)
        if kinds:
            ctx.events.data_changed.connect(lambda kind, _ids: self.refresh() if kind in kinds else None)

    def refresh(self) -> None:
        actor = self.ctx.require_actor()
        if not actor.can(self.permission):
            self.summary.setText(self._denied)
            self.list.hide()
            self.entries = []
            self.loaded.emit()
            return
        self._gen += 1
        gen, load = self._gen, self._load
        self.ctx.tasks.run(lambda _p: load(actor), on_done=lambda rows: self._show(gen, rows), owner=self)

    def _show(self, gen: int, rows: Sequence[Any]) -> None:
        if gen != self._gen:
            return  # a newer refresh is on its way
        self.entries = list(rows)
        self.summary.setText(self._summary(self.entries) if self.entries else self._empty)
        self.list.clear()
        line_height = self.list.fontMetrics().lineSpacing()
        for index, entry in enumerate(self.entries[:MAX_LINES]):
            text, late = self._line(entry)
            item = QListWidgetItem(text)
            item.setSizeHint(QSize(0, (text.count("\n") + 1) * line_height + 10))
            item.setData(Qt.ItemDataRole.UserRole, index)
            if late:
                item.setForeground(LATE)
            self.list.addItem(item)
        if len(self.entries) > MAX_LINES:
            extra = QListWidgetItem(
                _("ほか {n} 件").format(n=format_number(len(self.entries) - MAX_LINES))
                + (f" — {self._more}" if self._more else "")
            )
            extra.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(extra)
        rows_shown = min(self.list.count(), 4)  # grow with the list, then scroll
        self.list.setFixedHeight(rows_shown * (2 * line_height + 12) + 2 * self.list.frameWidth() + 4)
        self.list.setVisible(bool(self.entries))
        if self.entries and self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        self.loaded.emit()

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _activated(self, item: QListWidgetItem) -> None:
        index = item.data(Qt.ItemDataRole.UserRole)
        if index is not None and self.open_entry is not None and 0 <= index < len(self.entries):
            self.open_entry(self.entries[index])
