"""The two-level checkable list of consultation categories for one fiscal year.

Keyboard: ↑↓ move, Space ticks, typing a few letters jumps (Qt's keyboard search).  The list is
loaded off the GUI thread; ticks asked for before it arrives are applied when it does.  A
category that was hidden later still shows when a consultation being edited uses it.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem

from kyodo_desk.i18n import _
from kyodo_desk.services.consultation_categories import Category
from kyodo_desk.ui.context import AppContext

ID_ROLE = Qt.ItemDataRole.UserRole


class CategoryTree(QTreeWidget):
    loaded = Signal(int)  # fiscal year
    changed = Signal()

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.fiscal_year: int | None = None
        self.categories: list[Category] = []
        self._wanted: set[int] = set()
        self._wanted_names: set[str] = set()
        self._seq = 0
        self._filling = False
        self.setHeaderHidden(True)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAccessibleName(_("相談分類"))
        self.itemChanged.connect(self._item_changed)
        ctx.events.data_changed.connect(lambda kind, _ids: self.refresh() if kind == "consultation_category" else None)

    # ---- loading -----------------------------------------------------------------------
    def load_year(self, fiscal_year: int, checked: tuple[int, ...] | None = None) -> None:
        """Show *fiscal_year*'s list; keep the ticks (by name) when only the year changes."""
        if checked is None:
            if fiscal_year == self.fiscal_year and self.categories:
                return
            names = {c.full_name for c in self.categories if c.id in self.checked_ids()}
            self._wanted_names = names
            self._wanted = set()
        elif fiscal_year == self.fiscal_year and self.categories:
            self.set_checked(tuple(checked))  # same list: tick at once (reloads only for a hidden one)
            return
        else:
            self._wanted_names = set()
            self._wanted = set(checked)
        self._start(fiscal_year)

    def refresh(self) -> None:
        """Load the list again (an admin edited it), keeping the ticks."""
        if self.fiscal_year is not None:
            self._wanted, self._wanted_names = set(self.checked_ids()), set()
            self._start(self.fiscal_year)

    def _start(self, fiscal_year: int) -> None:
        self.fiscal_year = fiscal_year
        self._seq += 1
        seq = self._seq
        service = self.ctx.services.consultation_categories
        self.ctx.tasks.run(
            lambda _p: service.for_year(fiscal_year, include_inactive=True),
            on_done=lambda cats: self._fill(seq, fiscal_year, cats),
            owner=self,
        )

    def _fill(self, seq: int, fiscal_year: int, categories: list[Category]) -> None:
        if seq != self._seq:
            return
        wanted = set(self._wanted) | {c.id for c in categories if c.full_name in self._wanted_names}
        self._filling = True
        self.clear()
        self.categories = categories
        tops: dict[int, QTreeWidgetItem] = {}
        row_height = self.fontMetrics().height() + 8
        for cat in categories:
            parent = tops.get(cat.parent_id) if cat.parent_id else None
            if cat.parent_id and parent is None:
                continue  # child of a hidden top-level category
            if not cat.active and cat.id not in wanted:
                continue
            item = QTreeWidgetItem([cat.name if cat.active else _("{name}(非表示)").format(name=cat.name)])
            item.setData(0, ID_ROLE, cat.id)
            item.setSizeHint(0, QSize(self.fontMetrics().horizontalAdvance(item.text(0)) + 48, row_height))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if cat.id in wanted else Qt.CheckState.Unchecked)
            if parent is None:
                self.addTopLevelItem(item)
                tops[cat.id] = item
            else:
                parent.addChild(item)
        self.expandAll()
        ticked = [it for it in self._items() if it.checkState(0) == Qt.CheckState.Checked]
        if ticked:
            self.setCurrentItem(ticked[0])
            self.scrollToItem(ticked[0])
        elif self.topLevelItemCount():
            self.setCurrentItem(self.topLevelItem(0))
        self._wanted, self._wanted_names = set(), set()
        self._filling = False
        self.loaded.emit(fiscal_year)
        self.changed.emit()

    # ---- ticks ---------------------------------------------------------------------------
    def _items(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            out.append(top)
            out += [top.child(j) for j in range(top.childCount())]
        return out

    def checked_ids(self) -> tuple[int, ...]:
        if self._wanted and not self.categories:
            return tuple(sorted(self._wanted))
        return tuple(it.data(0, ID_ROLE) for it in self._items() if it.checkState(0) == Qt.CheckState.Checked)

    def checked_names(self) -> list[str]:
        names = {c.id: c.full_name for c in self.categories}
        return [names[i] for i in self.checked_ids() if i in names]

    def set_checked(self, ids: tuple[int, ...]) -> None:
        if not self.categories:
            self._wanted = set(ids)
            return
        missing = set(ids) - {it.data(0, ID_ROLE) for it in self._items()}
        if missing and self.fiscal_year is not None:  # a hidden category: reload with it shown
            self._wanted, self._wanted_names = set(ids), set()
            self._start(self.fiscal_year)
            return
        self._filling = True
        for it in self._items():
            it.setCheckState(0, Qt.CheckState.Checked if it.data(0, ID_ROLE) in ids else Qt.CheckState.Unchecked)
        self._filling = False
        self.changed.emit()

    def check_name(self, full_name: str, on: bool = True) -> bool:
        """Tick a category by its full name (「ICT活用 › オンライン会議」 or 「ICT活用」)."""
        ids = {c.full_name: c.id for c in self.categories}
        for it in self._items():
            if it.data(0, ID_ROLE) == ids.get(full_name):
                it.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                return True
        return False

    def _item_changed(self, _item, _column) -> None:
        if not self._filling:
            self.changed.emit()
