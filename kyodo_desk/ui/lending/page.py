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
from kyodo_desk.ui.widgets.lazy_tabs import LazyTabs
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.search_box import show_filtered_list


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

        self.tabs = QTabWidget()
        self.tabs.setObjectName("lendingTabs")
        # the desk is built now; the other tabs when first shown (or asked for: page.inventory)
        self.lazy = LazyTabs(self.tabs)
        self.desk = DeskTab(ctx)
        self.lazy.add_built("desk", _("貸出・返却"), self.desk)
        self.lazy.add("inventory", _("在庫"), lambda: _inventory_tab(ctx))
        self.lazy.add("reservations", _("予約・カレンダー"), self._reservations_tab)
        self.lazy.add("overdue", _("返却予定・延滞"), lambda: _overdue_tab(ctx))
        self.lazy.add("loans", _("貸出記録"), self._loans_tab)
        if actor.can(Permission.REPORT):
            self.lazy.add("stats", _("統計"), lambda: _stats_tab(ctx))
        if actor.can(Permission.INVENTORY_EDIT):  # 棚卸 (staff and administrators)
            self.lazy.add("stocktake", _("棚卸"), lambda: _stocktake_tab(ctx))
        hint.setText(_("Alt+1〜{n} でタブを切り替えます").format(n=self.tabs.count()))
        layout.addWidget(self.tabs, 1)
        for n in range(self.tabs.count()):
            QShortcut(
                QKeySequence(f"Alt+{n + 1}"),
                self,
                activated=lambda i=n: self.tabs.setCurrentIndex(i),
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
        self.tabs.currentChanged.connect(self._tab_changed)

    def _reservations_tab(self) -> QWidget:
        from kyodo_desk.ui.lending.reservations import ReservationsTab

        tab = ReservationsTab(self.ctx)
        tab.pickup_requested.connect(self.pick_up)
        return tab

    def _loans_tab(self) -> QWidget:
        from kyodo_desk.ui.lending.loan_list import LoansTab

        tab = LoansTab(self.ctx)
        tab.open_requested.connect(self.open_loan)
        return tab

    @property
    def loans(self):
        """貸出記録: every loan, filtered by words (「すべて表示」 of the search box)."""
        return self.lazy.get("loans")

    @property
    def inventory(self):
        return self.lazy.get("inventory")

    @property
    def reservations(self):
        return self.lazy.get("reservations")

    @property
    def overdue(self):
        return self.lazy.get("overdue")

    @property
    def stats(self):
        """The statistics tab (None for a role without reports)."""
        return self.lazy.get("stats") if self.lazy.has("stats") else None

    @property
    def stocktake(self):
        """The 棚卸 tab (None for a role that cannot run one)."""
        return self.lazy.get("stocktake") if self.lazy.has("stocktake") else None

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
        registry.register_list("device", self.show_filtered)
        registry.register_list("loan", self.show_loans)

    def show_filtered(self, text: str) -> None:
        """「すべて表示」 from the search box: the 在庫 tab, every device matching *text* (any state)."""
        self._show_self()
        inventory = self.show_tab(self.inventory)
        show_filtered_list(
            inventory.text_filter,
            text,
            inventory.apply_filter,
            inventory.table,
            (inventory.state_filter, inventory.kind_filter),
        )

    def show_loans(self, text: str) -> None:
        """「すべて表示」 of 貸出: the 貸出記録 tab, every loan matching *text* (open or returned)."""
        self._show_self()
        loans = self.show_tab(self.loans)
        show_filtered_list(loans.text_filter, text, loans.apply_filter, loans.table, (loans.state_filter,))

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


def _inventory_tab(ctx: AppContext) -> QWidget:
    from kyodo_desk.ui.lending.inventory import InventoryTab

    return InventoryTab(ctx)


def _overdue_tab(ctx: AppContext) -> QWidget:
    from kyodo_desk.ui.lending.overdue import OverdueTab

    return OverdueTab(ctx)


def _stats_tab(ctx: AppContext) -> QWidget:
    from kyodo_desk.ui.lending.stats import StatsTab

    return StatsTab(ctx)


def _stocktake_tab(ctx: AppContext) -> QWidget:
    from kyodo_desk.ui.lending.stocktake import StocktakeTab

    return StocktakeTab(ctx)
