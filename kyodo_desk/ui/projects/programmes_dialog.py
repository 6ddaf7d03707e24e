"""事業区分と部門: the administrator's list of programmes (協働のまちづくりチャレンジ事業 ...) and their 部門.

Programmes and 部門 already used by projects are never deleted, only no longer offered (使わない)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.project_records import Programme
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen


def _label(name: str, active: bool) -> str:
    return name if active else _("{name}(使わない)").format(name=name)


class ProgrammesDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.programmes: list[Programme] = []
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("事業区分と部門"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.addWidget(page_title(_("事業区分と部門")))
        self.message = plain_label()
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        grid = QGridLayout()
        grid.addWidget(plain_label(_("事業区分")), 0, 0)
        grid.addWidget(plain_label(_("部門")), 0, 1)
        self.programme_list = QListWidget()
        self.programme_list.setObjectName("programmeList")
        self.programme_list.currentRowChanged.connect(lambda _r: self._show_divisions())
        self.division_list = QListWidget()
        grid.addWidget(self.programme_list, 1, 0)
        grid.addWidget(self.division_list, 1, 1)
        self.programme_name = QLineEdit()
        self.programme_name.setObjectName("programmeName")
        self.programme_name.setPlaceholderText(_("新しい事業区分の名前"))
        self.programme_name.returnPressed.connect(self.add_programme)
        self.division_name = QLineEdit()
        self.division_name.setPlaceholderText(_("選んだ事業区分に加える部門の名前"))
        self.division_name.returnPressed.connect(self.add_division)
        grid.addWidget(self.programme_name, 2, 0)
        grid.addWidget(self.division_name, 2, 1)
        add_programme = QPushButton(_("事業区分を追加"))
        add_programme.clicked.connect(self.add_programme)
        add_division = QPushButton(_("部門を追加"))
        add_division.clicked.connect(self.add_division)
        toggle_programme = QPushButton(_("使う/使わない"))
        toggle_programme.clicked.connect(self.toggle_programme)
        toggle_division = QPushButton(_("使う/使わない"))
        toggle_division.clicked.connect(self.toggle_division)
        grid.addWidget(add_programme, 3, 0)
        grid.addWidget(add_division, 3, 1)
        grid.addWidget(toggle_programme, 4, 0)
        grid.addWidget(toggle_division, 4, 1)
        layout.addLayout(grid, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("閉じる"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 760, 520)
        self.load()
        self.programme_name.setFocus()

    def load(self) -> None:
        actor, projects = self.ctx.require_actor(), self.ctx.services.projects
        self.ctx.tasks.run(lambda _p: projects.programmes(actor, include_inactive=True), on_done=self._fill, owner=self)

    def _fill(self, programmes: list[Programme]) -> None:
        row = max(0, self.programme_list.currentRow())
        self.programmes = programmes
        self.programme_list.clear()
        for p in programmes:
            item = QListWidgetItem(_label(p.name, p.active))
            item.setData(Qt.ItemDataRole.UserRole, p)
            self.programme_list.addItem(item)
        if programmes:
            self.programme_list.setCurrentRow(min(row, len(programmes) - 1))
        self._show_divisions()

    def programme(self) -> Programme | None:
        item = self.programme_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _show_divisions(self) -> None:
        self.division_list.clear()
        programme = self.programme()
        for d in programme.divisions if programme else ():
            item = QListWidgetItem(_label(d.name, d.active))
            item.setData(Qt.ItemDataRole.UserRole, d)
            self.division_list.addItem(item)

    def _run(self, call) -> None:
        self.message.hide()
        self.ctx.tasks.run(lambda _p: call(), on_done=self._done, on_error=self._failed, write=True, owner=self)

    def _done(self, _result) -> None:
        self.programme_name.clear()
        self.division_name.clear()
        self.ctx.events.emit_changed("project_programme", [])
        self.load()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError | ServiceError):
            self.message.setText(str(exc))
            self.message.show()
        else:
            report_error(self, exc, self.ctx.log_file)

    def add_programme(self) -> None:
        actor, projects, name = self.ctx.require_actor(), self.ctx.services.projects, self.programme_name.text()
        self._run(lambda: projects.add_programme(actor, name))

    def add_division(self) -> None:
        programme = self.programme()
        if programme is None:
            return
        actor, projects, name = self.ctx.require_actor(), self.ctx.services.projects, self.division_name.text()
        self._run(lambda: projects.add_division(actor, programme.id, name))

    def toggle_programme(self) -> None:
        p = self.programme()
        if p is None:
            return
        actor, projects = self.ctx.require_actor(), self.ctx.services.projects
        self._run(lambda: projects.update_programme(actor, p.id, p.version, p.name, not p.active))

    def toggle_division(self) -> None:
        item = self.division_list.currentItem()
        if item is None:
            return
        d = item.data(Qt.ItemDataRole.UserRole)
        actor, projects = self.ctx.require_actor(), self.ctx.services.projects
        self._run(lambda: projects.set_division_active(actor, d.id, not d.active))
