"""アドバイザー派遣: applications, calendar, the advisor roster and statistics in tabs.

Other screens start an application with :meth:`DispatchPage.start_for_organization`; the global
search opens applications (受付番号 D2025-00012) and advisors through the registered openers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.services.organizations import OrganizationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.advisors import AdvisorsTab
from kyodo_desk.ui.dispatch.application_dialog import NewApplicationDialog
from kyodo_desk.ui.dispatch.applications import ApplicationsTab
from kyodo_desk.ui.dispatch.calendar_view import CalendarTab
from kyodo_desk.ui.dispatch.detail import ApplicationDetailDialog
from kyodo_desk.ui.dispatch.settings_dialog import DispatchSettingsDialog
from kyodo_desk.ui.dispatch.statistics import StatisticsTab
from kyodo_desk.ui.openers import OpenerRegistry
from kyodo_desk.ui.widgets.lazy_tabs import LazyTabs
from kyodo_desk.ui.widgets.page import Card, page_title, plain_label
from kyodo_desk.ui.widgets.search_box import show_filtered_list


class DispatchPage(QWidget):
    dialog_opened = Signal(object)  # any dialog this page opened (tests wait on it)

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        actor = ctx.require_actor()
        self.allowed = actor.can(Permission.DISPATCH_EDIT)
        self.dialog: QDialog | None = None
        self._just_built = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        header = QHBoxLayout()
        header.addWidget(page_title(_("アドバイザー派遣")))
        header.addStretch(1)
        self.settings_button = QPushButton(_("派遣の設定…"))
        self.settings_button.setVisible(self.allowed and actor.can(Permission.SETTINGS_EDIT))
        self.settings_button.clicked.connect(self.open_settings)
        header.addWidget(self.settings_button)
        layout.addLayout(header)
        if not self.allowed:
            card = Card(_("この画面は使えません"))
            text = plain_label(
                _(
                    "{name} さんの役割({role})ではアドバイザー派遣を扱えません。受付スタッフか管理者に依頼してください。"
                ).format(name=actor.name, role=actor.role.label())
            )
            text.setWordWrap(True)
            card.body.addWidget(text)
            layout.addWidget(card)
            layout.addStretch(1)
            return
        self.tabs = QTabWidget()
        # 申請 is built now; the other tabs when first shown (or asked for: page.advisors)
        self.lazy = LazyTabs(self.tabs)
        self.applications = ApplicationsTab(ctx)
        self.lazy.add_built("applications", _("申請"), self.applications)
        self.lazy.add("calendar", _("カレンダー"), self._calendar_tab)
        self.lazy.add("advisors", _("アドバイザー"), self._advisors_tab)
        if actor.can(Permission.REPORT):
            self.lazy.add("statistics", _("統計"), lambda: StatisticsTab(ctx))
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs, 1)
        self.applications.open_requested.connect(self.open_application)
        self.applications.new_requested.connect(self.new_application)
        ctx.events.data_changed.connect(self._data_changed)

    def _calendar_tab(self) -> QWidget:
        tab = CalendarTab(self.ctx)
        tab.open_requested.connect(self.open_application)
        return tab

    def _advisors_tab(self) -> QWidget:
        tab = AdvisorsTab(self.ctx)
        tab.dialog_opened.connect(self.dialog_opened.emit)
        return tab

    @property
    def calendar(self) -> CalendarTab:
        return self.lazy.get("calendar")  # type: ignore[return-value]

    @property
    def advisors(self) -> AdvisorsTab:
        return self.lazy.get("advisors")  # type: ignore[return-value]

    @property
    def statistics(self) -> StatisticsTab | None:
        """The statistics tab (None for a role without reports)."""
        return self.lazy.get("statistics") if self.lazy.has("statistics") else None  # type: ignore[return-value]

    # ---- the main window ----------------------------------------------------------------------
    def register_openers(self, registry: OpenerRegistry) -> None:
        if self.allowed:
            registry.register("dispatch", self._open_from_search(self.open_application))
            registry.register("advisor", self._open_from_search(lambda ref_id: self.advisors.open_advisor(ref_id)))
            registry.register_list("dispatch", self.show_filtered)
            registry.register_list("advisor", self.show_advisors)

    def show_filtered(self, text: str) -> None:
        """「すべて表示」 of 派遣申請: the 申請 tab, every application matching *text* (any year, any
        status, any group), as the search box counted them."""
        self._bring_forward()
        tab = self.applications
        self.tabs.setCurrentWidget(tab)
        tab.organization.blockSignals(True)
        tab.organization.set_record(None)
        tab.organization.blockSignals(False)
        show_filtered_list(tab.text_filter, text, tab.apply_filter, tab.table, (tab.fiscal_year, tab.status))

    def show_advisors(self, text: str) -> None:
        """「すべて表示」 of アドバイザー: the roster tab, every advisor matching *text* (休止中 too)."""
        self._bring_forward()
        tab = self.advisors
        self.tabs.setCurrentWidget(tab)
        tab.include_inactive.blockSignals(True)
        tab.include_inactive.setChecked(True)
        tab.include_inactive.blockSignals(False)
        show_filtered_list(tab.text_filter, text, tab.apply_filter, tab.table)

    def _open_from_search(self, opener):
        def open_(ref_id: int) -> None:
            self._bring_forward()
            opener(ref_id)

        return open_

    def _bring_forward(self) -> None:
        window = self.window()
        if hasattr(window, "show_page"):
            window.show_page("dispatch")

    def page_shown(self) -> None:
        if self.allowed and not self._just_built:  # built a moment ago: its list is loading already
            self.applications.reload()
        self._just_built = False

    def _tab_changed(self, index: int) -> None:
        stats = self.lazy.built("statistics")
        if stats is not None and self.tabs.widget(index) is stats:
            stats.ensure_loaded()

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind in ("dispatch", "organization"):
            self.applications.reload()
        stats = self.lazy.built("statistics")  # a tab not built yet loads when first shown
        if kind in ("dispatch", "setting") and stats is not None and stats.stats is not None:
            stats.reload()

    # ---- dialogs ----------------------------------------------------------------------------------
    def _show(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def open_application(self, app_id: int) -> QDialog | None:
        if not self.allowed:
            return None
        return self._show(ApplicationDetailDialog(self.ctx, app_id, self.window()))

    def new_application(
        self, organization: OrganizationRecord | None = None, consultation_id: int | None = None
    ) -> QDialog | None:
        if not self.allowed:
            return None
        self.tabs.setCurrentWidget(self.applications)
        dialog = NewApplicationDialog(
            self.ctx, self.window(), organization=organization, consultation_id=consultation_id
        )
        dialog.created.connect(lambda record: self._created(record.id))
        return self._show(dialog)

    def _created(self, app_id: int) -> None:
        self.applications.reload()
        self.open_application(app_id)

    def start_for_organization(self, org_id: int, consultation_id: int | None = None) -> None:
        """Start a new application for *org_id* (the consultations screen calls this)."""
        if not self.allowed:
            return
        self._bring_forward()
        actor, orgs = self.ctx.require_actor(), self.ctx.services.organizations
        self.ctx.tasks.run(
            lambda _p: orgs.get(actor, org_id),
            on_done=lambda org: self.new_application(org, consultation_id),
            owner=self,
        )

    def open_settings(self) -> QDialog:
        return self._show(DispatchSettingsDialog(self.ctx, self.window()))
