"""ホーム: tells administrators when personal data is past the retention period (a purge is due),
with the way to the preview.  Shown only then, and only to administrators (the preview is also
reachable from 設定 › センター情報)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.i18n import _
from kyodo_desk.services.retention import RetentionReport
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.page import Card, plain_label


class RetentionCard(Card):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(_("個人情報の保存期間"), parent)
        self.ctx = ctx
        self.allowed = ctx.require_actor().can(Permission.PRIVACY_REQUEST)
        self.report: RetentionReport | None = None
        self.dialog = None
        self.message = plain_label("…")
        self.message.setObjectName("retentionNotice")
        self.message.setWordWrap(True)
        self.body.addWidget(self.message)
        row = QHBoxLayout()
        self.open_button = QPushButton(_("確認して消去…"))
        self.open_button.setObjectName("openRetention")
        self.open_button.clicked.connect(self.open_dialog)
        row.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        row.addStretch(1)
        self.body.addLayout(row)
        self.hide()

    def refresh(self) -> None:
        if not self.allowed:
            return
        actor, retention, paths = self.ctx.require_actor(), self.ctx.services.retention, self.ctx.paths
        self.ctx.tasks.run(
            lambda _p: retention.preview(actor, log_dir=paths.log_dir, backup_dir=paths.backup_dir),
            on_done=self._show,
            owner=self,
        )

    def _show(self, report: RetentionReport) -> None:
        self.report = report
        self.message.setText(
            _("保存期間({years}年)を過ぎた個人情報があります: {what}。内容を確認して消去してください。").format(
                years=report.years, what=report.short_summary()
            )
        )
        self.setVisible(report.due and not report.applied)

    def open_dialog(self):
        from kyodo_desk.ui.privacy.retention_dialog import RetentionDialog

        self.dialog = RetentionDialog(self.ctx, self.window())
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.purged.connect(self._show)
        self.dialog.open()
        return self.dialog
