"""相談の一覧: filters (date range, fiscal year, channel, requester type, category, staff, open
follow-ups, the global Japanese search) over a lazy list; open, delete (admins), 相談カルテ."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.consultation import Channel, RequesterType
from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.consultations import ConsultationFilter
from kyodo_desk.ui.consultations.common import CONSULTATION_KIND, choice_combo, confirm_box, fiscal_year_combo
from kyodo_desk.ui.consultations.model import ConsultationTableModel
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.widgets.date_edit import OptionalDateEdit
from kyodo_desk.ui.widgets.page import plain_label
from kyodo_desk.ui.widgets.record_list import record_list
from kyodo_desk.ui.widgets.search_box import down_to_results

FILTER_DELAY_MS = 300
_WIDTHS = [100, 142, 82, 140, 300, 120, 150, 76]  # 相談の要旨 (column 4) takes what is left


class ConsultationListTab(QWidget):
    open_requested = Signal(int)
    timeline_requested = Signal(int)  # organization id

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        actor = ctx.require_actor()
        self.can_delete = actor.can(Permission.CONSULTATION_DELETE)
        self.confirm: QMessageBox | None = None
        self._categories_seq = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(_("検索: 要旨・詳細・回答・紹介先・受付番号(日本語の一部で可)"))
        self.text_filter.setClearButtonEnabled(True)
        self.date_from = OptionalDateEdit(label=_("受付日(から)"), hint=False)
        self.date_to = OptionalDateEdit(label=_("受付日(まで)"), hint=False)
        self.fiscal_year = fiscal_year_combo(with_all=True)
        self.channel = choice_combo(Channel.choices(), (_("すべての受付方法"), None))
        self.requester = choice_combo(RequesterType.choices(), (_("すべての相談者"), None))
        self.category = QComboBox()
        self.category.setMinimumContentsLength(12)
        self.staff = QComboBox()
        self.staff.addItem(_("すべての担当"), None)
        self.pending = QCheckBox(_("フォローアップ未完了のみ"))
        self.clear_button = QPushButton(_("条件をクリア"))
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setAutoDefault(False)
        grid.addWidget(self.text_filter, 0, 0, 1, 3)
        grid.addWidget(plain_label(_("受付日")), 0, 3)
        grid.addWidget(self.date_from, 0, 4)
        grid.addWidget(plain_label("〜"), 0, 5)
        grid.addWidget(self.date_to, 0, 6)
        grid.addWidget(self.fiscal_year, 0, 7)
        grid.addWidget(self.channel, 1, 0)
        grid.addWidget(self.requester, 1, 1)
        grid.addWidget(self.category, 1, 2)
        grid.addWidget(self.staff, 1, 3, 1, 2)
        grid.addWidget(self.pending, 1, 5, 1, 2)
        grid.addWidget(self.clear_button, 1, 7)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(2, 2)
        layout.addLayout(grid)

        self.model = ConsultationTableModel(ctx)
        self.table = record_list(self.model, widths=_WIDTHS, stretch=4, name="consultationTable")
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        layout.addWidget(self.table, 1)
        down_to_results(self.text_filter, self.table)  # Tab or Down from the search: the results, not 受付日
        self.empty_note = plain_label()
        self.empty_note.setObjectName("emptyNote")
        self.empty_note.setWordWrap(True)
        self.empty_note.hide()
        layout.addWidget(self.empty_note)

        bar = QHBoxLayout()
        self.count_label = plain_label()
        self.count_label.setObjectName("hint")
        bar.addWidget(self.count_label, 1)
        self.open_button = QPushButton(_("開く (Enter)"))
        self.timeline_button = QPushButton(_("相談カルテ…"))
        self.delete_button = QPushButton(_("削除…"))
        self.delete_button.setVisible(self.can_delete)
        for b in (self.timeline_button, self.open_button, self.delete_button):
            b.setAutoDefault(False)
            bar.addWidget(b)
        layout.addLayout(bar)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.text_filter.textChanged.connect(lambda _t: self._timer.start())
        self.text_filter.returnPressed.connect(self.apply_filter)
        for combo in (self.channel, self.requester, self.category, self.staff):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.fiscal_year.currentIndexChanged.connect(self._fiscal_year_changed)
        self.date_from.changed.connect(self.apply_filter)
        self.date_to.changed.connect(self.apply_filter)
        self.pending.toggled.connect(lambda _c: self.apply_filter())
        self.clear_button.clicked.connect(self.clear_filters)
        self.open_button.clicked.connect(lambda: self.open_row(self.table.currentIndex().row()))
        self.timeline_button.clicked.connect(self._timeline)
        self.delete_button.clicked.connect(self.request_delete)
        self.model.modelReset.connect(self._show_count)
        self.model.loaded.connect(self._sync_buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._sync_buttons())
        ctx.events.data_changed.connect(self._data_changed)
        self._load_choices()
        self._sync_buttons()

    # ---- choices -------------------------------------------------------------------------------
    def _load_choices(self) -> None:
        staff = self.ctx.services.staff
        self.ctx.tasks.run(lambda _p: staff.list(include_inactive=True), on_done=self._fill_staff, owner=self)
        self._load_categories()

    def _fill_staff(self, rows) -> None:
        self.staff.blockSignals(True)
        for r in rows:
            self.staff.addItem(r.display_name, r.id)
        self.staff.blockSignals(False)

    def _load_categories(self) -> None:
        fy = self.fiscal_year.currentData() or fiscal_year_of(dt.date.today())
        self._categories_seq += 1
        seq = self._categories_seq
        service = self.ctx.services.consultation_categories
        self.ctx.tasks.run(
            lambda _p: service.for_year(fy, include_inactive=True),
            on_done=lambda cats: self._fill_categories(seq, cats),
            owner=self,
        )

    def _fill_categories(self, seq: int, cats) -> None:
        if seq != self._categories_seq:
            return
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(_("すべての分類"), None)
        for c in cats:
            self.category.addItem(("　" + c.name) if c.parent_id else c.name, c.id)
        self.category.blockSignals(False)

    def _fiscal_year_changed(self, _index: int) -> None:
        self._load_categories()
        self.apply_filter()

    # ---- filtering -------------------------------------------------------------------------------
    def current_filter(self) -> ConsultationFilter:
        return ConsultationFilter(
            text=self.text_filter.text().strip(),
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            fiscal_year=self.fiscal_year.currentData(),
            channel=self.channel.currentData(),
            requester_type=self.requester.currentData(),
            category_id=self.category.currentData(),
            staff_id=self.staff.currentData(),
            followup_pending=self.pending.isChecked(),
        )

    def apply_filter(self) -> None:
        self._timer.stop()
        self.model.set_filter(self.current_filter())

    def clear_filters(self) -> None:
        for w in (
            self.text_filter,
            self.channel,
            self.requester,
            self.category,
            self.staff,
            self.fiscal_year,
            self.pending,
            self.date_from,
            self.date_to,
        ):
            w.blockSignals(True)
        self.text_filter.clear()
        for combo in (self.channel, self.requester, self.category, self.staff, self.fiscal_year):
            combo.setCurrentIndex(0)
        self.pending.setChecked(False)
        self.date_from.setValue(None)
        self.date_to.setValue(None)
        for w in (
            self.text_filter,
            self.channel,
            self.requester,
            self.category,
            self.staff,
            self.fiscal_year,
            self.pending,
            self.date_from,
            self.date_to,
        ):
            w.blockSignals(False)
        self._load_categories()
        self.apply_filter()

    def reload(self) -> None:
        if self.model.total is None:
            self.model.set_filter(self.current_filter())
        else:
            self.model.reload(keep_loaded=True)

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind in (CONSULTATION_KIND, "organization") and self.model.total is not None:
            self.model.reload(keep_loaded=True)
        if kind == "consultation_category":
            self._load_categories()

    def _show_count(self) -> None:
        if self.model.total is not None:
            self.count_label.setText(_("{n} 件").format(n=format_number(self.model.total)))
            active = self.active_filters()
            if self.model.total == 0 and active:
                self.empty_note.setText(
                    _("条件に合う相談はありません。絞り込み中: {filters}。「条件をクリア」ですべて表示します。").format(
                        filters="、".join(active)
                    )
                )
            self.empty_note.setVisible(self.model.total == 0 and bool(active))

    def active_filters(self) -> list[str]:
        """The filters in force, as the person reads them (「受付方法: 電話」)."""
        out = []
        if self.text_filter.text().strip():
            out.append(_("検索「{text}」").format(text=self.text_filter.text().strip()))
        start, end = self.date_from.value(), self.date_to.value()
        if start or end:
            out.append(
                _("受付日 {start}〜{end}").format(
                    start=self.date_from.edit.text() if start else "", end=self.date_to.edit.text() if end else ""
                )
            )
        for label, combo in (
            (_("年度"), self.fiscal_year),
            (_("受付方法"), self.channel),
            (_("相談者"), self.requester),
            (_("分類"), self.category),
            (_("担当"), self.staff),
        ):
            if combo.currentData() is not None:
                out.append(f"{label}: {combo.currentText().strip()}")
        if self.pending.isChecked():
            out.append(self.pending.text())
        return out

    def _sync_buttons(self) -> None:
        r = self.current_record()
        self.open_button.setEnabled(r is not None)
        self.delete_button.setEnabled(r is not None)
        self.timeline_button.setEnabled(r is not None and r.organization_id is not None)

    # ---- actions -------------------------------------------------------------------------------------
    def current_record(self):
        return self.model.record(self.table.currentIndex().row())

    def open_row(self, row: int) -> None:
        r = self.model.record(row)
        if r is not None:
            self.open_requested.emit(r.id)

    def _timeline(self) -> None:
        r = self.current_record()
        if r is not None and r.organization_id:
            self.timeline_requested.emit(r.organization_id)

    def request_delete(self) -> QMessageBox | None:
        r = self.current_record()
        if r is None or not self.can_delete:
            return None
        box = confirm_box(
            self,
            _("相談記録 {ref}「{summary}」を削除しますか?\n削除すると元に戻せません(統計からも消えます)。").format(
                ref=r.reference, summary=r.summary
            ),
            _("削除する"),
            _("削除しない"),
        )
        box.setIcon(QMessageBox.Icon.Warning)
        box.finished.connect(lambda _res: self._delete_answered(box, r.id))
        self.confirm = box
        box.open()
        return box

    def _delete_answered(self, box: QMessageBox, consultation_id: int) -> None:
        self.confirm = None
        if box.clickedButton() is not box.button(QMessageBox.StandardButton.Yes):
            return
        actor, service = self.ctx.require_actor(), self.ctx.services.consultations
        self.ctx.tasks.run(
            lambda _p: service.delete(actor, consultation_id),
            on_done=lambda _r: self.ctx.events.emit_changed(CONSULTATION_KIND, [consultation_id]),
            on_error=lambda e: report_error(self, e, self.ctx.log_file),
            write=True,
            owner=self,
        )
