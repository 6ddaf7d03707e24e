"""The roster: advisors with their fields, dispatch types, availability and fees."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.domain.dispatch import DispatchType
from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.advisors import AdvisorRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.advisor_dialog import AdvisorDialog
from kyodo_desk.ui.dispatch.common import cell, table, weekday_name, yen
from kyodo_desk.ui.dispatch.documents import DispatchDocuments
from kyodo_desk.ui.imports import import_button_text, open_import
from kyodo_desk.ui.widgets.list_filter import TextFilter, empty_note, show_empty, words_text
from kyodo_desk.ui.widgets.page import plain_label

_INACTIVE = QBrush(QColor("#8a949e"))


def windows_text(advisor: AdvisorRecord) -> str:
    return "、".join(f"{weekday_name(w.weekday)} {w.start:%H:%M}〜{w.end:%H:%M}" for w in advisor.windows) or _(
        "未登録"
    )


class AdvisorsTab(QWidget):
    dialog_opened = Signal(object)
    loaded = Signal()

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.rows: list[AdvisorRecord] = []
        self._seq = 0  # the newest reload; an older one's answer is dropped
        self.dialog: AdvisorDialog | None = None
        self.documents = DispatchDocuments(ctx, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        top = QHBoxLayout()
        self.text_filter = TextFilter(_("山田・ヤマダ・IT活用"), self.reload)
        self.include_inactive = QCheckBox(_("休止中のアドバイザーも表示"))
        self.count_label = plain_label()
        self.count_label.setObjectName("hint")
        self.new_button = QPushButton(_("新規登録 (Ctrl+N)"))
        self.edit_button = QPushButton(_("開く"))
        self.ics_button = QPushButton(_("カレンダー(.ics)で保存…"))
        self.ics_button.setToolTip(_("選んだアドバイザーのこれからの派遣予定をすべて .ics ファイルにします"))
        top.addWidget(self.text_filter.label)
        top.addWidget(self.text_filter, 1)
        top.addWidget(self.include_inactive)
        top.addWidget(self.count_label)
        self.import_button = QPushButton(import_button_text())
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(lambda: setattr(self, "import_dialog", open_import(ctx, "advisors", self)))
        for b in (self.new_button, self.edit_button, self.ics_button, self.import_button):
            top.addWidget(b)
        layout.addLayout(top)
        self.table = table(
            [
                _("氏名"),
                _("カナ"),
                _("専門分野"),
                _("対応する派遣"),
                _("対応できる時間帯"),
                _("謝金"),
                _("交通費"),
                _("電話"),
            ],
            stretch=4,
        )
        for c, w in enumerate((120, 140, 200, 220, 300, 84, 84)):
            self.table.setColumnWidth(c, w)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.text_filter.lead_to(self.table)  # Down or Tab from the box: the advisors
        self.empty = empty_note()
        layout.addWidget(self.empty)
        hint = plain_label(_("Enter またはダブルクリックで開きます。時間帯と日ごとの例外もそこで編集します。"))
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self.include_inactive.toggled.connect(lambda _c: self.reload())
        self.new_button.clicked.connect(lambda: self.open_dialog(None))
        self.edit_button.clicked.connect(self.open_selected)
        self.ics_button.clicked.connect(self.save_calendar)
        self.table.activated.connect(lambda _i: self.open_selected())
        shortcut = QShortcut(QKeySequence("Ctrl+N"), self, activated=lambda: self.open_dialog(None))
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        ctx.events.data_changed.connect(self._data_changed)
        self.reload()

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind == "advisor":
            self.reload()

    def reload(self) -> None:
        self.text_filter.stop()
        inactive, words = self.include_inactive.isChecked(), self.text_filter.words()
        actor, advisors = self.ctx.require_actor(), self.ctx.services.advisors
        self._seq += 1
        seq = self._seq
        self.ctx.tasks.run(
            lambda _p: advisors.list(actor, include_inactive=inactive, text=words),
            on_done=lambda rows: self._fill(rows) if seq == self._seq else None,  # an older filter's answer: dropped
            owner=self,
        )

    apply_filter = reload  # 「すべて表示」 of the search box (show_filtered_list) applies the words

    def _fill(self, rows: list[AdvisorRecord]) -> None:
        current = self.current()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, a in enumerate(rows):
            types = "・".join(DispatchType(t).label() for t in a.dispatch_types)
            values = (
                a.name,
                a.name_kana,
                a.fields_label,
                types,
                windows_text(a),
                yen(a.fee),
                yen(a.travel_cost),
                a.phone,
            )
            for c, text in enumerate(values):
                item = cell(text, a if c == 0 else None, align_right=c in (5, 6))
                if not a.active:
                    item.setForeground(_INACTIVE)
                    item.setToolTip(_("休止中"))
                self.table.setItem(r, c, item)
        self.count_label.setText(_("{n} 人").format(n=format_number(len(rows))))
        show_empty(self.empty, _("アドバイザー"), len(rows), [words_text(self.text_filter)])
        if current is not None:
            for r, a in enumerate(rows):
                if a.id == current.id:
                    self.table.selectRow(r)
        self.loaded.emit()

    def current(self) -> AdvisorRecord | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def open_selected(self) -> AdvisorDialog | None:
        advisor = self.current()
        return self.open_advisor(advisor.id) if advisor else None

    def open_advisor(self, advisor_id: int) -> None:
        """Load the newest version and open it (also used by the search box)."""
        actor, advisors = self.ctx.require_actor(), self.ctx.services.advisors
        self.ctx.tasks.run(lambda _p: advisors.get(actor, advisor_id), on_done=self.open_dialog, owner=self)

    def open_dialog(self, record: AdvisorRecord | None) -> AdvisorDialog:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        self.dialog = AdvisorDialog(self.ctx, record, self.window())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.finished.connect(self._closed)
        self.dialog.open()
        self.dialog_opened.emit(self.dialog)
        return self.dialog

    def _closed(self, _result: int) -> None:
        self.dialog = None
        self.table.setFocus()

    def save_calendar(self) -> None:
        advisor = self.current()
        if advisor is not None:
            self.documents.advisor_calendar(advisor.id, advisor.name)
