"""The global search-and-scan box.

Typing searches every kind of record the staff member may see (debounced, off the GUI thread);
the results drop down under the box.  Enter on an exact code (what a barcode scanner types,
followed by Enter) opens the record it names at once.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, QTimer, Signal
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

from kyodo_desk.i18n import _
from kyodo_desk.services.search import Hit
from kyodo_desk.ui.context import AppContext

DEBOUNCE_MS = 200
MAX_HITS = 30


class SearchResults(QFrame):
    """The drop-down under the box: a child of the main window, drawn over the page."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.list = QListWidget(self)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.addWidget(self.list)
        self.hide()

    def fill(self, hits: list[Hit], empty_text: str) -> None:
        self.list.clear()
        for hit in hits:
            item = QListWidgetItem()
            extra = " · ".join(p for p in (hit.kind_label, hit.code or "", hit.subtitle) if p)
            label = QLabel(
                f"<b>{html.escape(hit.title)}</b><br><span style='color:#5f6b76'>{html.escape(extra)}</span>"
            )
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setContentsMargins(6, 3, 6, 3)
            line = self.list.fontMetrics().lineSpacing()
            item.setSizeHint(QSize(label.sizeHint().width(), 2 * line + 16))
            item.setData(Qt.ItemDataRole.UserRole, hit)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{hit.title} {extra}")
            self.list.addItem(item)
            self.list.setItemWidget(item, label)
        if not hits:
            item = QListWidgetItem(empty_text)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(item)

    def titles(self) -> list[str]:
        out = []
        for row in range(self.list.count()):
            hit = self.list.item(row).data(Qt.ItemDataRole.UserRole)
            out.append(hit.title if hit else self.list.item(row).text())
        return out


class GlobalSearch(QLineEdit):
    hit_chosen = Signal(object)  # Hit
    code_found = Signal(str, object)  # code, Hit: Enter on an exact code (the rule of ui/keys.py applies)
    searched = Signal(str, list)  # query, hits (after results are shown)

    def __init__(self, ctx: AppContext, overlay_parent: QWidget):
        super().__init__()
        self.ctx = ctx
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
        self._hits: list[Hit] = []
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
            lambda _p: search.search(actor, query, limit=MAX_HITS),
            on_done=lambda hits: self._show(seq, query, hits),
            owner=self,
        )

    def _show(self, seq: int, query: str, hits: list[Hit], *, select_first: bool = False) -> None:
        if seq != self._seq:
            return
        self._hits = hits
        self.results.fill(hits, _("「{q}」に一致するものは見つかりませんでした。").format(q=query))
        if select_first and hits:
            self.results.list.setCurrentRow(0)
        self._place_results()
        self.searched.emit(query, hits)

    def _place_results(self) -> None:
        host = self.results.parentWidget()
        pos = self.mapTo(host, QPoint(0, self.height() + 2))
        rows = max(1, self.results.list.count())
        first = self.results.list.sizeHintForRow(0) if self.results.list.count() else 32
        height = min(rows * max(first, 24) + 8, 380)
        self.results.setGeometry(pos.x(), pos.y(), max(self.width(), 460), height)
        self.results.show()
        self.results.raise_()

    def hide_results(self) -> None:
        self.results.hide()

    # ---- keys --------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        key = event.key()
        lst = self.results.list
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self._hits:
            if not self.results.isVisible():
                self._place_results()
            step = 1 if key == Qt.Key.Key_Down else -1
            lst.setCurrentRow(max(0, min(len(self._hits) - 1, lst.currentRow() + step)))
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
        lst = self.results.list
        if self.results.isVisible() and 0 <= lst.currentRow() < len(self._hits):
            self._choose(self._hits[lst.currentRow()])
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
            return hit, ([] if hit else search.search(actor, query, limit=MAX_HITS))

        def done(result):
            hit, hits = result
            if seq != self._seq:
                return
            if hit is not None:
                self._seq += 1
                self.hide_results()
                self.clear()
                self._hits = []
                self.code_found.emit(query, hit)
            elif len(hits) == 1:
                self._choose(hits[0])
            else:  # show the list with the first row ready: a second Enter opens it
                self._show(seq, query, hits, select_first=True)

        self.ctx.tasks.run(look, on_done=done, owner=self)

    def _clicked(self, item: QListWidgetItem) -> None:
        hit = item.data(Qt.ItemDataRole.UserRole)
        if hit is not None:
            self._choose(hit)

    def _choose(self, hit: Hit) -> None:
        self._seq += 1
        self.hide_results()
        self.clear()
        self._hits = []
        self.hit_chosen.emit(hit)

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
