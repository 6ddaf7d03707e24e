"""Settings: center details, closed days, staff accounts, and this desk's own preferences."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.settings.backup_restore import BackupRestoreForm
from kyodo_desk.ui.settings.center_form import CenterSettingsForm
from kyodo_desk.ui.settings.closed_days import ClosedDaysForm
from kyodo_desk.ui.settings.desk_prefs import DeskPreferencesForm
from kyodo_desk.ui.settings.staff_accounts import StaffAccountsForm
from kyodo_desk.ui.widgets.page import page_title


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.addWidget(page_title(_("設定")))
        self.tabs = QTabWidget()
        self.center = CenterSettingsForm(ctx)
        self.closed_days = ClosedDaysForm(ctx)
        self.staff = StaffAccountsForm(ctx)
        self.desk = DeskPreferencesForm(ctx)
        self.tabs.addTab(self.center, _("センター情報"))
        self.tabs.addTab(self.closed_days, _("休館日"))
        self.tabs.addTab(self.staff, _("スタッフ"))
        self.tabs.addTab(self.desk, _("この端末"))
        self.backup = BackupRestoreForm(ctx)
        self.tabs.addTab(self.backup, _("バックアップ"))
        self.audit = None
        if ctx.require_actor().can(Permission.AUDIT_VIEW):  # 監査ログ: administrators only
            from kyodo_desk.ui.audit.page import AuditLogPage

            self.audit = AuditLogPage(ctx)
            self.tabs.addTab(self.audit, _("監査ログ"))
        layout.addWidget(self.tabs, 1)
