"""The global search-and-scan box.

Typing searches every kind of record the staff member may see (debounced, off the GUI thread);
the results drop down under the box, grouped by kind: a heading with the kind's count, its best
hits, and 「すべて表示」 (the kind's list filtered by the same words, through the window's
OpenerRegistry.open_list).  Down/Up move over hits and 「すべて表示」 rows, never headings.  Enter on
an exact code (what a barcode scanner types, followed by Enter) opens the record it names at once.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.search import Hit, HitGroup
from kyodo_desk.ui.context import AppContext

DEBOUNCE_MS = 200
PER_KIND = 4  # hits shown under each kind's heading; 「すべて表示」 opens the rest in its list
MAX_HEIGHT = 560  # the drop-down scrolls beyond this (a 768-pixel-high screen keeps the window's bars)


@dataclass(frozen=True)
class ShowAll:
    """The 「すべて表示」 row of a kind: its list, filtered by the query."""

    kind: str
    total: int


class SearchResults(QFrame):
    """The drop-down under the box: a child of the main window, drawn over the page.  One heading
    per kind 「団体 (120件)」, its best hits, and 「すべて表示 (120件)」 when there are more."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.list = QListWidget(self)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.list)
        self.entries: list[Hit | ShowAll | None] = []  # per row: what Enter on it does (None: nothing)
        self.hide()

    def fill(self, groups: list[HitGroup], empty_text: str, can_list: Callable[[str], bool]) -> None:
        self.list.clear()
        self.entries = []
        for group in groups:
            self._heading(_("{kind} ({count})").format(kind=group.label, count=group.count_text))
            for hit in group.hits:
                self._hit(hit)
            if group.more and can_list(group.kind):
                self._show_all(group)
            elif group.more:  # a kind without a list to filter (one registered later without it): say so
                self._note(
                    _("{count}のうち{shown}件を表示 — 語を足すと絞り込めます").format(
                        count=group.count_text, shown=format_number(len(group.hits))
                    )
                )
        if not groups:
            self._note(empty_text)

    def _add(self, item: QListWidgetItem, entry: Hit | ShowAll | None) -> None:
        if entry is None:
            item.setFlags(Qt.ItemFlag.NoItemFlags)
        item.setData(Qt.ItemDataRole.UserRole, entry)
        self.list.addItem(item)
        self.entries.append(entry)

    def _heading(self, text: str) -> None:
        item = QListWidgetItem(text)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        item.setForeground(QColor("#1f4e79"))
        item.setBackground(QColor("#eef3f8"))
        self._add(item, None)

    def _note(self, text: str) -> None:
        item = QListWidgetItem("    " + text)
        item.setForeground(QColor("#5f6b76"))
        self._add(item, None)

    def _show_all(self, group: HitGroup) -> None:
        item = QListWidgetItem(
            "    " + _("すべて表示 ({count}) — {kind}の一覧で").format(count=group.count_text, kind=group.label)
        )
        item.setForeground(QColor("#1a5fb4"))
        self._add(item, ShowAll(group.kind, group.total))

    def _hit(self, hit: Hit) -> None:
        item = QListWidgetItem()
        extra = " · ".join(p for p in (hit.code or "", hit.subtitle) if p)
        label = QLabel(f"<b>{html.escape(hit.title)}</b><br><span style='color:#5f6b76'>{html.escape(extra)}</span>")
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        label.setContentsMargins(18, 2, 6, 2)
        line = self.list.fontMetrics().lineSpacing()
        label.ensurePolished()  # Japanese glyphs come from a fallback font with taller lines: room for two
        item.setSizeHint(QSize(label.sizeHint().width(), max(label.sizeHint().height() + 6, int(2.6 * line) + 6)))
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{hit.kind_label} {hit.title} {extra}")
        self._add(item, hit)
        self.list.setItemWidget(item, label)

    def selectable(self) -> list[int]:
        return [row for row, entry in enumerate(self.entries) if entry is not None]

    def current(self) -> Hit | ShowAll | None:
        row = self.list.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def move(self, step: int) -> None:
        """Down/Up to the next hit or 「すべて表示」, over the headings."""
        rows = self.selectable()
        if not rows:
            return
        now = self.list.currentRow()
        if now not in rows:
            self.list.setCurrentRow(rows[0] if step > 0 else rows[-1])
            return
        self.list.setCurrentRow(rows[max(0, min(len(rows) - 1, rows.index(now) + step))])

    def content_height(self) -> int:
        return sum(self.list.sizeHintForRow(row) for row in range(self.list.count())) + 8

    def titles(self) -> list[str]:
        out = []
        for row in range(self.list.count()):
            entry = self.entries[row] if row < len(self.entries) else None
            out.append(entry.title if isinstance(entry, Hit) else self.list.item(row).text().strip())
        return out


class GlobalSearch(QLineEdit):
    hit_chosen = Signal(object)  # Hit
    list_chosen = Signal(str, str)  # kind, query: 「すべて表示」 — the kind's list filtered by the query
    code_found = Signal(str, object)  # code, Hit: Enter on an exact code (the rule of ui/keys.py applies)
    searched = Signal(str, list)  # query, hits in the order shown (after results are shown)

    def __init__(self, ctx: AppContext, overlay_parent: QWidget, can_list: Callable[[str], bool] = lambda _k: False):
        super().__init__()
        self.ctx = ctx
        self.can_list = can_list  # whether a kind has a list 「すべて表示」 can filter
        self.setObjectName("globalSearch")
        self.setPlaceholderText(_("検索・スキャン(Ctrl+K) — 団体名・カナ・電話番号・団体番号など"))
        self.setClearButtonEnabled(True)
        self.results = SearchResults(overlay_parent)
        self.results.list.itemClicked.connect(self._clicked)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.search_now)
        self._seq = 0
        self._query = ""  # the query the shown results answer
        self.groups: list[HitGroup] = []
        self.textEdited.connect(self._edited)

    # ---- typing ------------------------------------------------------------------
    def start_with(self, text: str) -> None:
        """Focus the box and type *text* into it (keys pressed while nothing text-like had focus)."""
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.insert(text)
        self._edited(self.text())

    def _edited(self, text: str) -> None:
        self._seq += 1  # results of older queries are now stale
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self.hide_results()

    def search_now(self) -> None:
        query = self.text().strip()
        if not query:
            return
        self._seq += 1
        seq = self._seq
        actor = self.ctx.require_actor()
        search = self.ctx.services.search
        self.ctx.tasks.run(
            lambda _p: search.search_grouped(actor, query, per_kind=PER_KIND),
            on_done=lambda groups: self._show(seq, query, groups),
            owner=self,
        )

    def _show(self, seq: int, query: str, groups: list[HitGroup], *, select_first: bool = False) -> None:
        if seq != self._seq:
            return
        self.groups, self._query = groups, query
        self.results.fill(groups, _("「{q}」に一致するものは見つかりませんでした。").format(q=query), self.can_list)
        if select_first:
            self.results.move(1)
        self._place_results()
        self.searched.emit(query, [h for g in groups for h in g.hits])

    def _place_results(self) -> None:
        host = self.results.parentWidget()
        pos = self.mapTo(host, QPoint(0, self.height() + 2))
        room = host.height() - pos.y() - 8
        height = max(40, min(self.results.content_height(), MAX_HEIGHT, room))
        self.results.setGeometry(pos.x(), pos.y(), max(self.width(), 520), height)
        self.results.show()
        self.results.raise_()

    def hide_results(self) -> None:
        self.results.hide()

    # ---- keys --------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.selectable():
            if not self.results.isVisible():
                self._place_results()
            self.results.move(1 if key == Qt.Key.Key_Down else -1)
            return
        if key == Qt.Key.Key_Escape:
            if self.results.isVisible():
                self.hide_results()
            else:
                self.clear()
                self.clearFocus()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._enter()
            return
        super().keyPressEvent(event)

    def _enter(self) -> None:
        self._timer.stop()
        chosen = self.results.current() if self.results.isVisible() else None
        if chosen is not None:
            self._choose(chosen)
            return
        query = self.text().strip()
        if not query:
            return
        self._seq += 1
        seq = self._seq
        actor = self.ctx.require_actor()
        search = self.ctx.services.search

        def look(_p):
            hit = search.resolve_code(actor, query)
            return hit, ([] if hit else search.search_grouped(actor, query, per_kind=PER_KIND))

        def done(result):
            hit, groups = result
            if seq != self._seq:
                return
            if hit is not None:
                self._seq += 1
                self.hide_results()
                self.clear()
                self.groups = []
                self.code_found.emit(query, hit)
            elif len(groups) == 1 and groups[0].total == 1:
                self._query = query
                self._choose(groups[0].hits[0])
            else:  # show the list with the first row ready: a second Enter opens it
                self._show(seq, query, groups, select_first=True)

        self.ctx.tasks.run(look, on_done=done, owner=self)

    def _clicked(self, item: QListWidgetItem) -> None:
        entry = item.data(Qt.ItemDataRole.UserRole)
        if entry is not None:
            self._choose(entry)

    def _choose(self, entry: Hit | ShowAll) -> None:
        query = self._query
        self._seq += 1
        self.hide_results()
        self.clear()
        self.groups = []
        self.results.fill([], "", self.can_list)
        if isinstance(entry, ShowAll):
            self.list_chosen.emit(entry.kind, query)
        else:
            self.hit_chosen.emit(entry)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.hide_results()


class _DownToResults(QObject):
    def __init__(self, edit: QLineEdit, view: QAbstractItemView):
        super().__init__(edit)
        self.view = view

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down and not event.modifiers():
            view = self.view
            view.setFocus(Qt.FocusReason.TabFocusReason)
            model = view.model()
            if not view.currentIndex().isValid() and model is not None and model.rowCount() > 0:
                view.setCurrentIndex(model.index(0, 0))
            return True
        return False


def down_to_results(edit: QLineEdit, view: QAbstractItemView) -> None:
    """A list's filter box: Down moves into the results (and Tab goes there next), so that no
    arrow key ever changes the next filter (受付日, 種別 …) by accident."""
    edit.installEventFilter(_DownToResults(edit, view))
    QWidget.setTabOrder(edit, view)


def show_filtered_list(
    text_filter: QLineEdit, text: str, apply: Callable[[], None], view: QWidget, resets: Iterable[QWidget] = ()
) -> None:
    """「すべて表示」 from the search box: the list's other filters back to 「すべて」 (*resets*: combo
    boxes), its word filter set to *text*, applied once, the list focused (Down/Enter go on from there)."""
    widgets = [text_filter, *resets]
    for widget in widgets:
        widget.blockSignals(True)
    for combo in resets:
        combo.setCurrentIndex(0)  # type: ignore[attr-defined]
    text_filter.setText(text)
    for widget in widgets:
        widget.blockSignals(False)
    apply()
    view.setFocus(Qt.FocusReason.OtherFocusReason)
