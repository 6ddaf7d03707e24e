"""パートナーシップ事業: filters (fiscal year, programme, status, words), a lazy list, create and edit."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.projects import ProjectStatus
from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.project_records import Programme, ProjectFilter, ProjectRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.projects.editor import ProjectDialog
from kyodo_desk.ui.projects.model import ProjectTableModel
from kyodo_desk.ui.widgets.page import plain_label
from kyodo_desk.ui.widgets.record_list import record_list
from kyodo_desk.ui.widgets.search_box import down_to_results

FILTER_DELAY_MS = 250
_WIDTHS = [110, 80, 320, 260, 70, 100, 200]


class ProjectListTab(QWidget):
    dialog_opened = Signal(object)  # ProjectDialog

    def __init__(self, ctx: AppContext, today_fy: int | None = None):
        super().__init__()
        self.ctx = ctx
        actor = ctx.require_actor()
        self.can_edit = actor.can(Permission.PROJECT_EDIT)
        self.programmes: list[Programme] = []
        self.dialog: ProjectDialog | None = None
        self._select_after_load: int | None = None
        self.this_fy = today_fy or fiscal_year_of(dt.date.today())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        top = QHBoxLayout()
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("projectTextFilter")
        self.text_filter.setPlaceholderText(_("絞り込み: 事業名・担当課・事業番号"))
        self.text_filter.setClearButtonEnabled(True)
        self.year_filter = QComboBox()
        self.year_filter.setObjectName("projectYearFilter")
        self.year_filter.addItem(_("すべての年度"), None)
        for fy in range(self.this_fy + 1, 2015, -1):
            self.year_filter.addItem(_("{fy}年度").format(fy=fy), fy)
        self.programme_filter = QComboBox()
        self.programme_filter.addItem(_("すべての事業区分"), None)
        self.status_filter = QComboBox()
        self.status_filter.addItem(_("すべての状況"), None)
        for value, label in ProjectStatus.choices():
            self.status_filter.addItem(label, value)
        self.count_label = plain_label()
        self.count_label.setObjectName("hint")
        self.new_button = QPushButton(_("新規登録 (Ctrl+N)"), self)
        self.new_button.setObjectName("newProjectButton")
        self.new_button.clicked.connect(self.new_project)
        self.new_button.setVisible(self.can_edit)
        top.addWidget(self.text_filter, 1)
        top.addWidget(self.year_filter)
        top.addWidget(self.programme_filter)
        top.addWidget(self.status_filter)
        top.addWidget(self.count_label)
        top.addWidget(self.new_button)
        layout.addLayout(top)

        self.model = ProjectTableModel(ctx)
        self.table = record_list(self.model, widths=_WIDTHS, stretch=2, name="projectList")
        self.table.activated.connect(lambda index: self.edit_row(index.row()))
        layout.addWidget(self.table, 1)
        down_to_results(self.text_filter, self.table)
        hint = plain_label(_("Enter またはダブルクリックで開きます。Ctrl+N で新しい事業を登録します。"))
        hint.setObjectName("hint")
        layout.addWidget(hint)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.text_filter.textChanged.connect(lambda _t: self._timer.start())
        self.text_filter.returnPressed.connect(self.apply_filter)
        for combo in (self.year_filter, self.programme_filter, self.status_filter):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.model.loaded.connect(self._loaded)
        self.model.modelReset.connect(self._show_count)
        ctx.events.data_changed.connect(self._data_changed)
        self.load_programmes()
        self.model.reload()

    # ---- programmes ----------------------------------------------------------------------------
    def load_programmes(self) -> None:
        actor, projects = self.ctx.require_actor(), self.ctx.services.projects
        self.ctx.tasks.run(
            lambda _p: projects.programmes(actor, include_inactive=True), on_done=self._programmes, owner=self
        )

    def _programmes(self, programmes: list[Programme]) -> None:
        self.programmes = programmes
        chosen = self.programme_filter.currentData()
        self.programme_filter.blockSignals(True)
        while self.programme_filter.count() > 1:
            self.programme_filter.removeItem(1)
        for p in programmes:
            self.programme_filter.addItem(p.name, p.id)
        self.programme_filter.setCurrentIndex(max(0, self.programme_filter.findData(chosen)))
        self.programme_filter.blockSignals(False)

    # ---- list --------------------------------------------------------------------------
    def current_filter(self) -> ProjectFilter:
        return ProjectFilter(
            fiscal_year=self.year_filter.currentData(),
            programme_id=self.programme_filter.currentData(),
            status=self.status_filter.currentData(),
            text=self.text_filter.text(),
        )

    def apply_filter(self) -> None:
        self._timer.stop()
        self.model.set_filter(self.current_filter())

    def _show_count(self) -> None:
        if self.model.total is not None:
            self.count_label.setText(_("{n} 件").format(n=format_number(self.model.total)))

    def _loaded(self) -> None:
        if self._select_after_load is not None:
            row = self.model.row_of(self._select_after_load)
            self._select_after_load = None
            if row is not None:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind in ("project_programme", "project_division"):
            self.load_programmes()
        if kind in ("project", "organization"):
            self.model.reload(keep_loaded=True)

    # ---- create / edit -------------------------------------------------------------------
    def new_project(self) -> ProjectDialog | None:
        if not self.can_edit:
            return None
        return self._show_dialog(None)

    def edit_row(self, row: int) -> None:
        found = self.model.record(row)
        if found is not None:
            self.open_project(found.id)

    def open_project(self, project_id: int) -> None:
        """Load the newest version of the project and open its window."""
        actor, projects = self.ctx.require_actor(), self.ctx.services.projects
        self.ctx.tasks.run(lambda _p: projects.get(actor, project_id), on_done=self._open_loaded, owner=self)

    def _open_loaded(self, record: ProjectRecord) -> None:
        self._show_dialog(record)

    def _show_dialog(self, record: ProjectRecord | None) -> ProjectDialog:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        default_fy = self.year_filter.currentData() or self.this_fy
        self.dialog = ProjectDialog(self.ctx, record, self.programmes, self.window(), default_fiscal_year=default_fy)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.saved.connect(self._saved)
        self.dialog.open()
        self.dialog_opened.emit(self.dialog)
        return self.dialog

    def _saved(self, record: ProjectRecord) -> None:
        self._select_after_load = record.id
