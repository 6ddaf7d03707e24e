"""保存期間の確認と消去: what personal data is past the retention period, and erasing it
(administrators).  The same :class:`~kyodo_desk.services.retention.RetentionService` as
``kyodo-desk retention [--dry-run]``; the preview changes nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.i18n import _, format_number, wareki
from kyodo_desk.services.retention import RetentionReport
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import intro, page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen


class RetentionDialog(QDialog):
    previewed = Signal(object)  # RetentionReport
    purged = Signal(object)  # RetentionReport (applied)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.report: RetentionReport | None = None
        self.setObjectName("retentionDialog")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("保存期間の確認と消去"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(_("保存期間の確認と消去")))
        self.heading = intro("…")
        layout.addWidget(self.heading)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(24)
        self.counts: list = []
        for row in range(7):
            label, number = plain_label(), plain_label()
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(number, row, 1)
            self.counts.append((label, number))
        self.grid.setColumnStretch(2, 1)
        layout.addLayout(self.grid)
        self.files = QPlainTextEdit()
        self.files.setObjectName("retentionFiles")
        self.files.setReadOnly(True)
        self.files.setMaximumHeight(110)
        self.files.hide()
        layout.addWidget(self.files)
        note = plain_label(
            _(
                "消去しても統計(件数・人数・分類・機器・団体の種別)は変わりません。検索の索引からも消えます。"
                "保存年数は 設定 › センター情報 で変えられます。一覧は 印刷 の「個人情報ファイル簿」にあります。"
            )
        )
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.status = plain_label()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch(1)
        buttons = QDialogButtonBox()
        self.purge_button = buttons.addButton(_("消去する…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.purge_button.setEnabled(False)
        self.purge_button.clicked.connect(self.confirm_purge)
        close = buttons.addButton(_("閉じる"), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        for button in (self.purge_button, close):
            button.setAutoDefault(False)
        layout.addWidget(buttons)
        fit_to_screen(self, 640, 520)
        self.refresh()

    def _folders(self) -> dict:
        return {"log_dir": self.ctx.paths.log_dir, "backup_dir": self.ctx.paths.backup_dir}

    def refresh(self) -> None:
        actor, retention, folders = self.ctx.require_actor(), self.ctx.services.retention, self._folders()
        self.ctx.tasks.run(lambda _p: retention.preview(actor, **folders), on_done=self._show, owner=self)

    def _show(self, report: RetentionReport) -> None:
        self.report = report
        when = _("{wareki}({date})より前").format(wareki=wareki(report.cutoff), date=report.cutoff.isoformat())
        if report.applied:
            head = _("保存期間 {years} 年: {when}の次の個人情報を消去しました。")
        elif report.due:
            head = _("保存期間 {years} 年: {when}の次の個人情報が消去の対象です。")
        else:
            head = _("保存期間 {years} 年: {when}の個人情報で、消去が必要なものはありません。")
        self.heading.setText(head.format(years=report.years, when=when))
        for (label, number), (text, n) in zip(self.counts, report.lines(), strict=True):
            label.setText(text)
            number.setText(_("{n} 件").format(n=format_number(n)))
        paths = [str(p) for p in (*report.log_files, *report.backup_files)] + list(report.not_deleted)
        self.files.setPlainText("\n".join(paths))
        self.files.setVisible(bool(paths))
        self.purge_button.setEnabled(report.due and not report.applied)
        if report.not_deleted:
            self.status.setText(
                _(
                    "消去できなかったファイルがあります(上の一覧の末尾)。開いているプログラムを閉じてから、もう一度試してください。"
                )
            )
        self.previewed.emit(report)

    def confirm_purge(self) -> QMessageBox:
        assert self.report is not None
        self.confirm_box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("消去の確認"),
            _("{what}\n\n元に戻せません。消去しますか?").format(what=self.report.summary()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        self.confirm_box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.confirm_box.button(QMessageBox.StandardButton.Yes).setText(_("消去する"))
        self.confirm_box.button(QMessageBox.StandardButton.Cancel).setText(_("やめる"))
        self.confirm_box.buttonClicked.connect(
            lambda b: self.purge() if self.confirm_box.standardButton(b) == QMessageBox.StandardButton.Yes else None
        )
        self.confirm_box.open()
        return self.confirm_box

    def purge(self):
        actor, retention, folders = self.ctx.require_actor(), self.ctx.services.retention, self._folders()
        self.purge_button.setEnabled(False)

        def done(report: RetentionReport) -> None:
            self._show(report)
            for kind in ("consultation", "person", "loan", "organization"):
                self.ctx.events.emit_changed(kind, [])
            self.purged.emit(report)

        def failed(exc: BaseException) -> None:
            self.purge_button.setEnabled(True)
            report_error(self, exc, self.ctx.log_file)

        return self.ctx.tasks.run(
            lambda _p: retention.purge(actor, **folders),
            _("保存期間を過ぎた個人情報を消去しています…"),
            on_done=done,
            on_error=failed,
            owner=self,
            write=True,
        )
