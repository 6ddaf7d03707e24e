"""個人の一覧: the people the center keeps (name, kana, 所属), filtered by words — opened from the
団体 screen (「個人の一覧…」) and by 「すべて表示」 of the search box's 個人 group, with the same
words.  Lazy like every long list; phone and e-mail stay in the person's record (its opening is
audited as a view), so a list on screen shows no more than who is kept and where they belong.
Enter opens the person (訂正 for who may edit)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QVBoxLayout, QWidget

from kyodo_desk.i18n import N_, _, format_datetime, format_number
from kyodo_desk.services.people import PersonRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.list_filter import TextFilter, empty_note, show_empty, words_text
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.paged_model import PagedTableModel
from kyodo_desk.ui.widgets.record_list import record_list
from kyodo_desk.ui.widgets.screen import fit_to_screen

PAGE_SIZE = 100
COLUMNS = [N_("氏名"), N_("氏名(カナ)"), N_("所属"), N_("最終更新")]


class PeopleTableModel(PagedTableModel):
    headers = COLUMNS

    def __init__(self, ctx: AppContext, *, page_size: int = PAGE_SIZE):
        super().__init__(ctx, page_size=page_size, initial_filter="")

    def page_query(self, offset: int, limit: int):
        actor, people, words = self.ctx.require_actor(), self.ctx.services.people, self.filter
        return lambda: people.page(actor, words, offset=offset, limit=limit)

    def count_query(self):
        actor, people, words = self.ctx.require_actor(), self.ctx.services.people, self.filter
        return lambda: people.count(actor, words)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        person: PersonRecord = self.rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return person
        if role == Qt.ItemDataRole.DisplayRole:
            updated = format_datetime(person.updated_at, "short") if person.updated_at else ""
            return [person.name, person.name_kana, person.organization_name or _("なし"), updated][index.column()]
        return None


class PeopleListDialog(QDialog):
    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("peopleList")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("個人の一覧"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(_("個人の一覧")))
        filters = QHBoxLayout()
        self.text_filter = TextFilter(_("山田・ヤマダ・所属の団体名"), self.apply_filter)
        self.count_label = plain_label()
        self.count_label.setObjectName("hint")
        filters.addWidget(self.text_filter.label)
        filters.addWidget(self.text_filter, 1)
        filters.addWidget(self.count_label)
        layout.addLayout(filters)
        self.model = PeopleTableModel(ctx)
        self.model.setParent(self)
        self.table = record_list(self.model, widths=[180, 200, 260, 140], stretch=2, name="peopleTable")
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)
        self.text_filter.lead_to(self.table)  # Down or Tab from the box: the people
        self.empty = empty_note()
        layout.addWidget(self.empty)
        hint = plain_label(
            _("Enter またはダブルクリックで、その人の記録を開きます。電話・メールは記録の中にあります。")
        )
        hint.setObjectName("hint")
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("閉じる"))
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 860, 600)
        self.model.loaded.connect(self._loaded)
        ctx.events.data_changed.connect(self._data_changed)
        self.person_dialog = None

    def apply_filter(self) -> None:
        self.text_filter.stop()
        self.model.set_filter(self.text_filter.words())

    def _loaded(self) -> None:
        total = self.model.total
        self.count_label.setText(_("{n} 人").format(n=format_number(total or 0)))
        show_empty(self.empty, _("個人"), total, [words_text(self.text_filter)])
        self.loaded.emit()

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind in ("person", "organization") and self.model.total is not None:
            self.model.reload(keep_loaded=True)

    def _activated(self, index: QModelIndex) -> None:
        from kyodo_desk.ui.privacy.person_dialog import open_person

        person = self.model.record(index.row())
        if person is not None:
            open_person(self.ctx, person.id, self, on_open=lambda d: setattr(self, "person_dialog", d))
