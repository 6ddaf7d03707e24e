"""The organizations screen: filters, a lazy sortable list, create and edit."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.enums import OrganizationKind, RegistrationStatus
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.organizations import OrganizationFilter, OrganizationRecord, organization_code
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.groups.edit_dialog import OrganizationDialog
from kyodo_desk.ui.groups.model import OrganizationTableModel
from kyodo_desk.ui.groups.registration_bar import RegistrationBar
from kyodo_desk.ui.imports import import_button_text, open_import
from kyodo_desk.ui.lending.org_history_dialog import OrganizationLoanHistoryDialog
from kyodo_desk.ui.openers import OpenerRegistry
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.record_list import record_list
from kyodo_desk.ui.widgets.search_box import down_to_results, show_filtered_list

FILTER_DELAY_MS = 250
_WIDTHS = [100, 280, 220, 124, 84, 112, 128]  # 団体名 (column 1) takes what is left


class OrganizationsPage(QWidget):
    dialog_opened = Signal(object)  # OrganizationDialog

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.can_edit = ctx.require_actor().can(Permission.ORGANIZATION_EDIT)
        self.dialog: OrganizationDialog | None = None
        self._select_after_load: int | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)
        header = QHBoxLayout()
        header.addWidget(page_title(_("団体")))
        header.addStretch(1)
        self.count_label = plain_label()
        self.count_label.setObjectName("hint")
        header.addWidget(self.count_label)
        self.new_button = QPushButton(_("新規登録 (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_organization)
        self.new_button.setVisible(self.can_edit)
        header.addWidget(self.new_button)
        self.karte_button = QPushButton(_("相談カルテ"))
        self.karte_button.setToolTip(_("選んだ団体の相談の記録(相談カルテ)を開きます"))
        self.karte_button.clicked.connect(self.show_timeline)
        self.karte_button.setVisible(ctx.require_actor().can(Permission.CONSULTATION_VIEW))
        header.addWidget(self.karte_button)
        self.loans_button = QPushButton(_("貸出履歴"))
        self.loans_button.setObjectName("orgLoansButton")
        self.loans_button.setToolTip(_("選んだ団体への機器の貸出をすべて表示します"))
        self.loans_button.clicked.connect(self.show_loan_history)
        self.loans_button.setVisible(ctx.require_actor().can(Permission.LENDING_OPERATE))
        header.addWidget(self.loans_button)
        self.privacy_button = QPushButton(_("個人情報の請求…"))
        self.privacy_button.setObjectName("orgPrivacyButton")
        self.privacy_button.setToolTip(
            _("選んだ団体の連絡先と所属する個人について、開示・訂正・利用停止の求めに対応します")
        )
        self.privacy_button.clicked.connect(self.show_privacy_requests)
        self.privacy_button.setVisible(ctx.require_actor().can(Permission.PRIVACY_REQUEST))
        header.addWidget(self.privacy_button)
        self.import_button = QPushButton(import_button_text())
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(
            lambda: setattr(self, "import_dialog", open_import(ctx, "organizations", self))
        )
        self.import_button.setVisible(self.can_edit)
        layout.addLayout(header)

        filters = QHBoxLayout()
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(_("絞り込み: 団体名・カナ・代表者・電話番号・住所・団体番号"))
        self.text_filter.setClearButtonEnabled(True)
        self.kind_filter = QComboBox()
        self.kind_filter.addItem(_("すべての種別"), None)
        for value, label in OrganizationKind.choices():
            self.kind_filter.addItem(label, value)
        self.status_filter = QComboBox()
        self.status_filter.addItem(_("すべての登録状況"), None)
        for value, label in RegistrationStatus.choices():
            self.status_filter.addItem(label, value)
        self.inactive_filter = QCheckBox(_("休止中の団体も表示"))
        filters.addWidget(self.text_filter, 1)
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.inactive_filter)
        layout.addLayout(filters)
        self.registration_bar = RegistrationBar(ctx, self, self._selected)
        layout.addWidget(self.registration_bar)

        self.model = OrganizationTableModel(ctx)
        self.table = record_list(self.model, widths=_WIDTHS, stretch=1)
        self.table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.activated.connect(lambda index: self.edit_row(index.row()))
        layout.addWidget(self.table, 1)
        down_to_results(self.text_filter, self.table)  # Tab or Down from the filter: the list, not 種別
        hint = plain_label(_("Enter またはダブルクリックで開きます。見出しをクリックすると並べ替えます。"))
        hint.setObjectName("hint")
        bottom = QHBoxLayout()  # the header line is full on a 1366-wide desk
        bottom.addWidget(self.import_button)
        self.people_button = QPushButton(_("個人の一覧…"))
        self.people_button.setObjectName("peopleListButton")
        self.people_button.setToolTip(_("団体に所属する個人(相談者・連絡先)を名前・カナで探します"))
        self.people_button.clicked.connect(lambda: self.show_people(""))
        self.people_button.setVisible(ctx.require_actor().can(Permission.PERSON_VIEW))
        self.people_dialog = None
        bottom.addWidget(self.people_button)
        bottom.addWidget(hint, 1)
        layout.addLayout(bottom)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.text_filter.textChanged.connect(lambda _t: self._filter_timer.start())
        self.text_filter.returnPressed.connect(self.apply_filter)
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.status_filter.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.inactive_filter.toggled.connect(lambda _c: self.apply_filter())
        self.model.loaded.connect(self._loaded)
        self.model.modelReset.connect(self._show_count)
        shortcut = QShortcut(QKeySequence("Ctrl+N"), self, activated=self.new_organization)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        ctx.events.data_changed.connect(self._data_changed)
        if self.model.total is None and self.model._generation == 0:
            self.model.reload()

    def register_openers(self, registry: OpenerRegistry) -> None:
        registry.register("organization", self.open_organization)
        registry.register("person", self.open_person)  # a 個人 hit in the search box
        registry.register_list("organization", self.show_filtered)
        if self.ctx.require_actor().can(Permission.PERSON_VIEW):
            registry.register_list("person", self.show_people)

    def show_people(self, text: str) -> None:
        """個人の一覧 over this page, filtered by *text* (「すべて表示」 of the search box's 個人)."""
        from kyodo_desk.ui.privacy.people_list import PeopleListDialog

        window = self.window()
        if hasattr(window, "show_page") and not self.isVisible():
            window.show_page("groups")
        dialog = self.people_dialog
        if dialog is None or not dialog.isVisible():
            dialog = PeopleListDialog(self.ctx, self.window())
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.finished.connect(lambda _r: setattr(self, "people_dialog", None))
            self.people_dialog = dialog
            dialog.open()
        dialog.raise_()
        show_filtered_list(dialog.text_filter, text, dialog.apply_filter, dialog.table)

    def show_filtered(self, text: str) -> None:
        """「すべて表示」 from the search box: every organization matching *text* (休止中 too, as the box
        counts them), whatever was filtered before."""
        window = self.window()
        if hasattr(window, "show_page") and not self.isVisible():
            window.show_page("groups")
        self.inactive_filter.blockSignals(True)
        self.inactive_filter.setChecked(True)
        self.inactive_filter.blockSignals(False)
        show_filtered_list(
            self.text_filter, text, self.apply_filter, self.table, (self.kind_filter, self.status_filter)
        )

    # ---- list --------------------------------------------------------------------------
    def current_filter(self) -> OrganizationFilter:
        return OrganizationFilter(
            text=self.text_filter.text(),
            kind=self.kind_filter.currentData(),
            registration_status=self.status_filter.currentData(),
            include_inactive=self.inactive_filter.isChecked(),
        )

    def apply_filter(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(self.current_filter())

    def _show_count(self) -> None:
        if self.model.total is not None:
            self.count_label.setText(_("{n} 団体").format(n=format_number(self.model.total)))

    def _loaded(self) -> None:
        if self._select_after_load is not None:
            row = self.model.row_of(self._select_after_load)
            self._select_after_load = None
            if row is not None:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))

    def _data_changed(self, kind: str, ids: list) -> None:
        if kind not in ("organization", "registration"):  # a registration step changes the 登録状況 column
            return
        if self._select_after_load is None:  # keep the user's place
            current = self.model.record(self.table.currentIndex().row())
            self._select_after_load = current.id if current else None
        self.model.reload(keep_loaded=True)

    # ---- create / edit -------------------------------------------------------------------
    def new_organization(self) -> OrganizationDialog | None:
        if not self.can_edit:
            return None
        return self._show_dialog(None)

    def _selected(self) -> OrganizationRecord | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def edit_row(self, row: int) -> OrganizationDialog | None:
        record = self.model.record(row)
        return self._show_dialog(record) if record is not None else None

    def show_timeline(self):
        """相談カルテ of the selected organization, shown by the consultations page."""
        index = self.table.currentIndex()
        record = self.model.record(index.row()) if index.isValid() else None
        window = self.window()
        page = getattr(window, "pages", {}).get("consultations")
        if record is None or page is None or not hasattr(page, "show_organization_timeline"):
            return None
        return page.show_organization_timeline(record.id)

    def show_loan_history(self):
        """貸出履歴 of the selected organization (double-click a loan to open it at the lending desk)."""
        index = self.table.currentIndex()
        record = self.model.record(index.row()) if index.isValid() else None
        if record is None or not self.ctx.require_actor().can(Permission.LENDING_OPERATE):
            return None
        dialog = OrganizationLoanHistoryDialog(self.ctx, record.id, record.name, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_privacy_requests(self):
        """個人情報の請求 (開示・訂正・消去) for the selected organization (administrators)."""
        index = self.table.currentIndex()
        record = self.model.record(index.row()) if index.isValid() else None
        if record is None or not self.ctx.require_actor().can(Permission.PRIVACY_REQUEST):
            return None
        from kyodo_desk.ui.privacy.requests_dialog import open_requests

        return open_requests(self.ctx, "organization", record.id, record.name, self.window())

    def open_person(self, person_id: int) -> None:
        """A person found with the search box: their record, editable (訂正)."""
        from kyodo_desk.ui.privacy.person_dialog import open_person

        open_person(self.ctx, person_id, self.window())

    def open_organization(self, org_id: int) -> None:
        """Show the organization on this page, selected, the list focused (search box, scanned codes).

        The edit window is not opened for it: keys typed next must not land in its 団体名.  The filter
        is set to its number so that it is in the list whatever was filtered before; Enter opens it."""
        window = self.window()
        if hasattr(window, "show_page") and not self.isVisible():
            window.show_page("groups")
        for combo in (self.kind_filter, self.status_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.inactive_filter.blockSignals(True)
        self.inactive_filter.setChecked(True)
        self.inactive_filter.blockSignals(False)
        self.text_filter.setText(organization_code(org_id))
        self._select_after_load = org_id
        self._filter_timer.stop()
        self.model.filter = self.current_filter()
        self.model.reload()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_organization_window(self, org_id: int) -> None:
        """Load the newest version and open its window."""
        actor, orgs = self.ctx.require_actor(), self.ctx.services.organizations
        self.ctx.tasks.run(lambda _p: orgs.get(actor, org_id), on_done=self._show_dialog, owner=self)

    def _show_dialog(self, record: OrganizationRecord | None) -> OrganizationDialog:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        self.dialog = OrganizationDialog(self.ctx, record, self.window())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.finished.connect(self._dialog_closed)
        self.dialog.saved.connect(self._saved)
        self.dialog.open()
        self.dialog_opened.emit(self.dialog)
        return self.dialog

    def _saved(self, record: OrganizationRecord) -> None:
        self._select_after_load = record.id  # show what was just saved (list reloads on data_changed)

    def _dialog_closed(self, _result: int) -> None:
        self.dialog = None
        self.table.setFocus()
