"""機器貸出: one page with tabs — the desk (scan-first checkout and return), inventory, reservations,
overdue follow-up, and statistics.  Registers how to open a scanned device and a loan."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.lending.common import LENDING_STYLE
from kyodo_desk.ui.lending.desk import DeskTab
from kyodo_desk.ui.openers import OpenerRegistry
from kyodo_desk.ui.widgets.page import page_title, plain_label


class LendingPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        actor = ctx.require_actor()
        self.setStyleSheet(LENDING_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(8)
        header = QHBoxLayout()
        header.addWidget(page_title(_("機器貸出")))
        header.addStretch(1)
        hint = plain_label(_("Alt+1〜{n} でタブを切り替えます").format(n=5 if actor.can(Permission.REPORT) else 4))
        hint.setObjectName("hint")
        header.addWidget(hint)
        layout.addLayout(header)

        from kyodo_desk.ui.lending.inventory import InventoryTab
        from kyodo_desk.ui.lending.overdue import OverdueTab
        from kyodo_desk.ui.lending.reservations import ReservationsTab

        self.tabs = QTabWidget()
        self.tabs.setObjectName("lendingTabs")
        self.desk = DeskTab(ctx)
        self.inventory = InventoryTab(ctx)
        self.reservations = ReservationsTab(ctx)
        self.overdue = OverdueTab(ctx)
        self.tabs.addTab(self.desk, _("貸出・返却"))
        self.tabs.addTab(self.inventory, _("在庫"))
        self.tabs.addTab(self.reservations, _("予約・カレンダー"))
        self.tabs.addTab(self.overdue, _("返却予定・延滞"))
        self.stats = None
        if actor.can(Permission.REPORT):
            from kyodo_desk.ui.lending.stats import StatsTab

            self.stats = StatsTab(ctx)
            self.tabs.addTab(self.stats, _("統計"))
        layout.addWidget(self.tabs, 1)
        for n in range(self.tabs.count()):
            QShortcut(
                QKeySequence(f"Alt+{n + 1}"),
                self,
                activated=lambda i=n: self.tabs.setCurrentIndex(i),
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
        self.tabs.currentChanged.connect(self._tab_changed)
        self.reservations.pickup_requested.connect(self.pick_up)

    def page_shown(self) -> None:
        self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, _index: int) -> None:
        current = self.tabs.currentWidget()
        if hasattr(current, "tab_shown"):
            current.tab_shown()
        if current is self.desk:
            self.desk.refocus()

    def show_tab(self, widget: QWidget) -> QWidget:
        self.tabs.setCurrentWidget(widget)
        return widget

    def at_desk(self) -> bool:
        return self.isVisible() and self.tabs.currentWidget() is self.desk

    # ---- openers ----------------------------------------------------------------------------
    def register_openers(self, registry: OpenerRegistry) -> None:
        registry.register("device", self.open_device)
        registry.register("loan", self.open_loan)

    def open_device(self, device_id: int) -> None:
        """A device from the search box: at the desk it is a scan; elsewhere its record opens."""
        actor, inventory = self.ctx.require_actor(), self.ctx.services.inventory
        if self.at_desk():
            self.ctx.tasks.run(
                lambda _p: inventory.get(actor, device_id), on_done=lambda d: self.desk.feed(d.asset_tag), owner=self
            )
            return
        self._show_self()
        self.show_tab(self.inventory)
        self.inventory.open_device(device_id)

    def open_loan(self, loan_id: int) -> None:
        actor, loans = self.ctx.require_actor(), self.ctx.services.loans
        self._show_self()
        self.ctx.tasks.run(
            lambda _p: loans.get(actor, loan_id), on_done=lambda loan: self.desk.open_loan(loan), owner=self
        )

    def pick_up(self, reservation) -> None:
        """A reserved group came for its devices: the desk gets the group, its contact and the devices."""
        actor, orgs = self.ctx.require_actor(), self.ctx.services.organizations
        self.desk.reset()
        self.show_tab(self.desk)

        def fill(org) -> None:
            self.desk.borrower.responsible.setText(reservation.contact_name)
            self.desk.borrower.phone.setText(reservation.contact_phone)
            self.desk.borrower.set_organization(org)
            self.desk.purpose.setText(reservation.purpose)
            for tag in reservation.device_tags:
                self.desk.feed(tag)
            self.desk.refocus()

        self.ctx.tasks.run(lambda _p: orgs.get(actor, reservation.organization_id), on_done=fill, owner=self)

    def start_for_organization(self, org_id: int) -> None:
        """Start a checkout for *org_id* (from a consultation: 「機器貸出へ」)."""
        actor, orgs = self.ctx.require_actor(), self.ctx.services.organizations
        self._show_self()
        self.desk.reset()
        self.show_tab(self.desk)

        def fill(org) -> None:
            self.desk.borrower.set_organization(org)
            self.desk.refocus()

        self.ctx.tasks.run(lambda _p: orgs.get(actor, org_id), on_done=fill, owner=self)

    def _show_self(self) -> None:
        window = self.window()
        if hasattr(window, "show_page") and not self.isVisible():
            window.show_page("lending")
