"""協働事業: the page with two tabs, パートナーシップ事業 (the list) and 計画と目標 (the plan's targets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.openers import OpenerRegistry
from kyodo_desk.ui.projects.list_tab import ProjectListTab
from kyodo_desk.ui.widgets.page import Card, page_title, plain_label, tab_keys
from kyodo_desk.ui.widgets.search_box import show_filtered_list

if TYPE_CHECKING:  # pragma: no cover
    from kyodo_desk.ui.projects.plan_tab import PlanTab


class ProjectsPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        actor = ctx.require_actor()
        self.allowed = actor.can(Permission.PROJECT_VIEW)
        self.plan_tab: PlanTab | None = None
        self.dialog: QDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(8)
        header = QHBoxLayout()
        header.addWidget(page_title(_("協働事業")))
        header.addStretch(1)
        self.tab_hint = plain_label()
        self.tab_hint.setObjectName("hint")
        header.addWidget(self.tab_hint)
        self.programmes_button = QPushButton(_("事業区分と部門…"), self)
        self.programmes_button.setToolTip(_("協働のまちづくりチャレンジ事業などの事業区分と部門の一覧を編集します"))
        self.programmes_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.programmes_button.setVisible(self.allowed and actor.can(Permission.PLAN_EDIT))
        self.programmes_button.clicked.connect(self.edit_programmes)
        header.addWidget(self.programmes_button)
        layout.addLayout(header)
        if not self.allowed:
            card = Card(_("この画面は使えません"))
            text = plain_label(
                _(
                    "{name} さんの役割({role})では協働事業の記録を扱えません。受付スタッフか管理者に依頼してください。"
                ).format(name=actor.name, role=actor.role.label())
            )
            text.setWordWrap(True)
            card.body.addWidget(text)
            layout.addWidget(card)
            layout.addStretch(1)
            return
        self.tabs = QTabWidget()
        self.tabs.setObjectName("projectTabs")
        self.list_tab = ProjectListTab(ctx)
        self.tabs.addTab(self.list_tab, _("パートナーシップ事業"))
        self._plan_holder = QWidget()
        self._plan_layout = QVBoxLayout(self._plan_holder)
        self._plan_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self._plan_holder, _("計画と目標"))
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs, 1)
        self.tab_hint.setText(tab_keys(self, self.tabs))
        shortcut = QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_project)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def new_project(self):
        """Ctrl+N anywhere on the page: a new project (from 計画と目標 too: back to the list first)."""
        self.tabs.setCurrentIndex(0)
        return self.list_tab.new_project()

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self.plan_tab is None:  # built when first shown
            from kyodo_desk.ui.projects.plan_tab import PlanTab

            self.plan_tab = PlanTab(self.ctx, self._plan_holder)
            self._plan_layout.addWidget(self.plan_tab)
        # the keys typed next belong to the tab just shown (once it is on screen)
        target = self.plan_tab.period_combo if index == 1 and self.plan_tab is not None else self.list_tab.table
        QTimer.singleShot(0, lambda: target.setFocus(Qt.FocusReason.TabFocusReason))

    def show_plan(self) -> PlanTab | None:
        if self.allowed:
            self.tabs.setCurrentIndex(1)
        return self.plan_tab

    def edit_programmes(self):
        from kyodo_desk.ui.projects.programmes_dialog import ProgrammesDialog

        dialog = ProgrammesDialog(self.ctx, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog = dialog
        return dialog

    def register_openers(self, registry: OpenerRegistry) -> None:
        if self.allowed:
            registry.register("project", self.open_project)
            registry.register_list("project", self.show_filtered)

    def show_filtered(self, text: str) -> None:
        """「すべて表示」 from the search box: every project matching *text*, of any year."""
        window = self.window()
        if hasattr(window, "show_page") and not self.isVisible():
            window.show_page("projects")
        self.tabs.setCurrentIndex(0)
        tab = self.list_tab
        resets = (tab.year_filter, tab.programme_filter, tab.status_filter)
        show_filtered_list(tab.text_filter, text, tab.apply_filter, tab.table, resets)

    def open_project(self, project_id: int) -> None:
        window = self.window()
        if hasattr(window, "show_page") and not self.isVisible():
            window.show_page("projects")
        self.tabs.setCurrentIndex(0)
        self.list_tab.open_project(project_id)
