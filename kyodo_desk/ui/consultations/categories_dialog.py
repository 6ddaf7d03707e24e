"""相談分類の編集 (admins): the two-level list of one fiscal year — add a top-level category or a
sub-category, rename, hide / show again.  Categories already used are never deleted, only hidden
for new consultations, so past statistics keep their rows."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.services.consultation_categories import Category
from kyodo_desk.ui.consultations.common import CATEGORY_KIND, fiscal_year_combo
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import intro, page_title
from kyodo_desk.ui.widgets.screen import fit_to_screen

ID_ROLE = Qt.ItemDataRole.UserRole
_HIDDEN = QBrush(QColor("#8a949e"))


class CategoriesDialog(QDialog):
    loaded = Signal()
    changed = Signal()

    def __init__(self, ctx: AppContext, fiscal_year: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.categories: list[Category] = []
        self._seq = 0
        self.setObjectName("categoriesDialog")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("相談分類の編集"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(page_title(_("相談分類の編集")))
        layout.addWidget(
            intro(
                _(
                    "分類は年度ごとです。新しい年度の一覧は前の年度を写して作られます。"
                    "使った分類は消さずに「表示しない」にします(過去の統計は変わりません)。"
                )
            )
        )
        self.fiscal_year = fiscal_year_combo()
        if fiscal_year is not None and self.fiscal_year.findData(fiscal_year) >= 0:
            self.fiscal_year.setCurrentIndex(self.fiscal_year.findData(fiscal_year))
        layout.addWidget(self.fiscal_year, 0, Qt.AlignmentFlag.AlignLeft)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        layout.addWidget(self.tree, 1)
        self.errors = FieldErrors()
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("分類名"))
        self.errors.add_row(form, "name", _("名前"), self.name)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.add_top_button = QPushButton(_("大分類として追加"))
        self.add_sub_button = QPushButton(_("選んだ分類の下に追加"))
        self.rename_button = QPushButton(_("名前を変更"))
        self.toggle_button = QPushButton(_("表示しない"))
        self.close_button = QPushButton(_("閉じる"))
        for b in (self.add_top_button, self.add_sub_button, self.rename_button, self.toggle_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.fiscal_year.currentIndexChanged.connect(lambda _i: self.reload())
        self.tree.currentItemChanged.connect(lambda *_a: self._sync())
        self.add_top_button.clicked.connect(lambda: self.add(top=True))
        self.add_sub_button.clicked.connect(lambda: self.add(top=False))
        self.rename_button.clicked.connect(self.rename)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.close_button.clicked.connect(self.accept)
        fit_to_screen(self, 620, 640)
        self._sync()
        self.reload()

    # ---- list ------------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        self._seq += 1
        seq = self._seq
        fy = self.fiscal_year.currentData()
        service = self.ctx.services.consultation_categories
        self.ctx.tasks.run(
            lambda _p: service.for_year(fy, include_inactive=True),
            on_done=lambda cats: self._fill(seq, cats, select_id),
            owner=self,
        )

    def _fill(self, seq: int, cats: list[Category], select_id: int | None) -> None:
        if seq != self._seq:
            return
        keep = select_id if select_id is not None else self.current_id()
        self.categories = cats
        self.tree.clear()
        tops: dict[int, QTreeWidgetItem] = {}
        chosen = None
        for c in cats:
            text = c.name if c.active else _("{name}(非表示)").format(name=c.name)
            item = QTreeWidgetItem([text])
            item.setData(0, ID_ROLE, c.id)
            item.setSizeHint(
                0, QSize(self.tree.fontMetrics().horizontalAdvance(text) + 48, self.tree.fontMetrics().height() + 8)
            )
            if not c.active:
                item.setForeground(0, _HIDDEN)
            if c.parent_id is None:
                self.tree.addTopLevelItem(item)
                tops[c.id] = item
            elif c.parent_id in tops:
                tops[c.parent_id].addChild(item)
            if c.id == keep:
                chosen = item
        self.tree.expandAll()
        self.tree.setCurrentItem(chosen or self.tree.topLevelItem(0))
        self._sync()
        self.loaded.emit()

    def current_id(self) -> int | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def current(self) -> Category | None:
        cid = self.current_id()
        return next((c for c in self.categories if c.id == cid), None)

    def select(self, full_name: str) -> bool:
        for c in self.categories:
            if c.full_name == full_name:
                items = [
                    it
                    for it in self.tree.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive)
                    if it.data(0, ID_ROLE) == c.id
                ]
                if items:
                    self.tree.setCurrentItem(items[0])
                    return True
        return False

    def _sync(self) -> None:
        c = self.current()
        self.add_sub_button.setEnabled(c is not None and c.parent_id is None)
        self.rename_button.setEnabled(c is not None)
        self.toggle_button.setEnabled(c is not None)
        self.toggle_button.setText(_("表示する") if c is not None and not c.active else _("表示しない"))
        if c is not None and not self.name.hasFocus():
            self.name.setText(c.name)

    # ---- changes ---------------------------------------------------------------------------------
    def _run(self, work) -> None:
        self.errors.clear()

        def done(result) -> None:
            self.ctx.events.emit_changed(CATEGORY_KIND, [])
            self.changed.emit()
            self.reload(result if isinstance(result, int) else None)

        self.ctx.tasks.run(work, on_done=done, on_error=self._failed, write=True, owner=self)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.errors.show(exc.errors)
            self.name.setFocus()
        elif isinstance(exc, StaleEdit):  # another desk renamed or hid it: the typed name stays
            self.errors.show({"name": str(exc)})
            self.name.setFocus()
        else:
            report_error(self, exc, self.ctx.log_file)

    def add(self, *, top: bool) -> None:
        parent = None if top else self.current()
        if not top and (parent is None or parent.parent_id is not None):
            return
        actor, service, fy, name = (
            self.ctx.require_actor(),
            self.ctx.services.consultation_categories,
            self.fiscal_year.currentData(),
            self.name.text(),
        )
        parent_id = parent.id if parent else None
        self._run(lambda _p: service.add(actor, fy, name, parent_id).id)

    def rename(self) -> None:
        c = self.current()
        if c is None:
            return
        actor, service, name = self.ctx.require_actor(), self.ctx.services.consultation_categories, self.name.text()
        self._run(lambda _p: (service.rename(actor, c.id, name, c.version), c.id)[1])

    def toggle_active(self) -> None:
        c = self.current()
        if c is None:
            return
        actor, service = self.ctx.require_actor(), self.ctx.services.consultation_categories
        self._run(lambda _p: (service.set_active(actor, c.id, not c.active), c.id)[1])
