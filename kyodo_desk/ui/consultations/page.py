"""相談受付: the intake (ready to type), the list with filters, and statistics in tabs.

Other screens and the search box use :meth:`ConsultationsPage.open_consultation` (受付番号
S2025-00012 + Enter in the search box opens it) and :meth:`show_organization_timeline` (相談カルテ).
From a consultation, 「派遣申請へ」 and 「機器貸出へ」 carry its organization to those pages.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.ui.consultations.common import CONSULTATION_KIND
from kyodo_desk.ui.consultations.dialog import ConsultationDialog
from kyodo_desk.ui.consultations.editor import ConsultationEditor
from kyodo_desk.ui.consultations.list_tab import ConsultationListTab
from kyodo_desk.ui.consultations.receipt import show_receipt
from kyodo_desk.ui.consultations.timeline import CaseTimelineDialog, OrganizationTimelineDialog
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.openers import OpenerRegistry
from kyodo_desk.ui.widgets.lazy_tabs import LazyTabs
from kyodo_desk.ui.widgets.page import Card, page_title, plain_label, tab_keys
from kyodo_desk.ui.widgets.search_box import show_filtered_list


class ConsultationsPage(QWidget):
    dialog_opened = Signal(object)  # any window this page opened (tests wait on it)

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        actor = ctx.require_actor()
        self.allowed = actor.can(Permission.CONSULTATION_VIEW)
        self.dialogs: list[QDialog] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(8)
        header = QHBoxLayout()
        header.addWidget(page_title(_("相談受付")))
        header.addStretch(1)
        self.categories_button = QPushButton(_("相談分類の編集…"))
        self.categories_button.setVisible(self.allowed and actor.can(Permission.SETTINGS_EDIT))
        self.categories_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.categories_button.clicked.connect(self.edit_categories)
        self.tab_hint = plain_label()
        self.tab_hint.setObjectName("hint")
        header.addWidget(self.tab_hint)
        header.addWidget(self.categories_button)
        layout.addLayout(header)
        if not self.allowed:
            card = Card(_("この画面は使えません"))
            text = plain_label(
                _(
                    "{name} さんの役割({role})では相談の記録を扱えません。受付スタッフか管理者に依頼してください。"
                ).format(name=actor.name, role=actor.role.label())
            )
            text.setWordWrap(True)
            card.body.addWidget(text)
            layout.addWidget(card)
            layout.addStretch(1)
            return

        self.tabs = QTabWidget()
        # 受付 is built now (ready to type); 一覧 and 統計 when first shown (or asked for: page.list)
        self.lazy = LazyTabs(self.tabs)
        self.intake = ConsultationEditor(ctx)
        self.lazy.add_built("intake", _("受付"), self.intake)
        self.lazy.add("list", _("一覧"), self._list_tab)
        if actor.can(Permission.REPORT):
            self.lazy.add("statistics", _("統計"), lambda: _statistics_tab(ctx))
        layout.addWidget(self.tabs, 1)
        self.tab_hint.setText(tab_keys(self, self.tabs))  # names the tabs this staff member has
        self.tabs.currentChanged.connect(self._tab_changed)
        self._wire(self.intake)

    def _list_tab(self) -> QWidget:
        tab = ConsultationListTab(self.ctx)
        tab.open_requested.connect(self.open_consultation)
        tab.timeline_requested.connect(self.show_organization_timeline)
        return tab

    @property
    def list(self) -> ConsultationListTab:
        return self.lazy.get("list")  # type: ignore[return-value]

    @property
    def statistics(self):
        """The statistics tab (None for a role without reports)."""
        return self.lazy.get("statistics") if self.lazy.has("statistics") else None

    def _wire(self, editor: ConsultationEditor) -> None:
        editor.print_requested.connect(lambda cid: self.print_receipt(cid, editor))
        editor.handoff_requested.connect(self.hand_off)
        editor.timeline_requested.connect(self.show_organization_timeline)
        editor.form.organization.dialog_opened.connect(self.dialog_opened.emit)

    # ---- the main window -----------------------------------------------------------------------
    def register_openers(self, registry: OpenerRegistry) -> None:
        if self.allowed:
            registry.register(CONSULTATION_KIND, self.open_consultation)
            registry.register_list(CONSULTATION_KIND, self.show_filtered)

    def show_filtered(self, text: str) -> None:
        """「すべて表示」 from the search box: the 一覧 tab, every consultation matching *text*."""
        self._bring_forward()
        tab = self.show_tab("list")
        resets = (tab.channel, tab.requester, tab.category, tab.staff, tab.fiscal_year)
        tab.pending.blockSignals(True)
        tab.pending.setChecked(False)
        tab.pending.blockSignals(False)
        for date in (tab.date_from, tab.date_to):
            date.blockSignals(True)
            date.setValue(None)
            date.blockSignals(False)
        show_filtered_list(tab.text_filter, text, tab.apply_filter, tab.table, resets)

    def page_shown(self) -> None:
        if self.allowed:
            self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, _index: int) -> None:
        current = self.tabs.currentWidget()
        if current is self.intake:
            if self.intake.record is None:
                self.intake.form.refresh_now()
            focus = self.window().focusWidget()
            if self.isVisible() and (focus is None or not self.intake.isAncestorOf(focus)):
                self.intake.focus_first()
        elif current is not None and current is self.lazy.built("list"):
            self.list.reload()
        elif current is not None and current is self.lazy.built("statistics"):
            self.statistics.ensure_loaded()

    def show_tab(self, key: str) -> QWidget:
        widget = self.lazy.get(key)  # builds that tab only (not the others) if it was not yet
        self.tabs.setCurrentWidget(widget)
        return widget

    def _bring_forward(self) -> None:
        window = self.window()
        if hasattr(window, "show_page") and not self.isVisible():
            window.show_page("consultations")

    # ---- windows ----------------------------------------------------------------------------------
    def _show(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def open_consultation(self, consultation_id: int) -> QDialog | None:
        """Open a saved consultation in its own window (search box, list, home page, カルテ)."""
        if not self.allowed:
            return None
        self._bring_forward()
        for d in self.dialogs:
            if isinstance(d, ConsultationDialog) and d.consultation_id == consultation_id and d.isVisible():
                d.raise_()
                d.activateWindow()
                return d
        dialog = ConsultationDialog(self.ctx, consultation_id, self.window())
        self._wire(dialog.editor)
        return self._show(dialog)

    def show_organization_timeline(self, organization_id: int) -> QDialog | None:
        if not self.allowed:
            return None
        dialog = OrganizationTimelineDialog(self.ctx, organization_id, self.window())
        dialog.open_requested.connect(self.open_consultation)
        dialog.case_requested.connect(self.open_case)
        return self._show(dialog)

    def open_case(self, case_id: int) -> QDialog | None:
        dialog = CaseTimelineDialog(self.ctx, case_id, self.window())
        dialog.open_requested.connect(self.open_consultation)
        return self._show(dialog)

    def edit_categories(self) -> QDialog | None:
        if not self.ctx.require_actor().can(Permission.SETTINGS_EDIT):
            return None
        from kyodo_desk.ui.consultations.categories_dialog import CategoriesDialog

        return self._show(CategoriesDialog(self.ctx, parent=self.window()))

    def print_receipt(self, consultation_id: int, editor: ConsultationEditor | None = None) -> None:
        parent = editor or self
        reference = editor.record.reference if editor is not None and editor.record is not None else ""
        show_receipt(self.ctx, parent, consultation_id, reference, on_shown=self.dialog_opened.emit)

    # ---- hand-offs ----------------------------------------------------------------------------------
    def hand_off(self, target: str, organization_id: int, consultation_id: int) -> QWidget | None:
        """Go to アドバイザー派遣 or 機器貸出 with the consultation's organization filled in."""
        window = self.window()
        if not hasattr(window, "show_page"):
            return None
        for d in list(self.dialogs):
            if isinstance(d, ConsultationDialog) and not d.editor.is_dirty():
                d.close()
        page = window.show_page(target)
        if hasattr(page, "start_for_organization"):
            if target == "dispatch":
                page.start_for_organization(organization_id, consultation_id=consultation_id)
            else:
                page.start_for_organization(organization_id)
        return page


def _statistics_tab(ctx: AppContext) -> QWidget:
    from kyodo_desk.ui.consultations.stats_tab import StatisticsTab

    return StatisticsTab(ctx)
