"""One step of the 「協働をすすめる市民団体」 registration: its date, its reason or notes, and — for
an application — the documents checked and the details the 登録申請書 gives.

The service decides whether the step is allowed (it is only offered when it is); field problems
appear under their field and what was typed stays.  Enter in a one-line field records the step;
Ctrl+Enter records it from anywhere; Esc closes without recording.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.registration import NEEDS_REASON, Step, reason_label
from kyodo_desk.i18n import N_, _, wareki
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.services.registration import RegistrationDetails, RegistrationRecord, StepInput, StepRefused
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.date_edit import DateField, date_problem
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.save_failure import show_save_failure
from kyodo_desk.ui.widgets.screen import fit_to_screen

_OK_LABELS = {
    Step.APPLY: N_("受け付ける"),
    Step.APPROVE: N_("承認する"),
    Step.REJECT: N_("不承認にする"),
    Step.REGISTER: N_("登録する"),
    Step.RENEW: N_("更新する"),
    Step.CHANGE: N_("変更を記録する"),
    Step.LAPSE: N_("失効にする"),
    Step.WITHDRAW: N_("取下げ・辞退を記録する"),
    Step.CANCEL: N_("登録を取り消す"),
}
_WARNINGS = {
    Step.CANCEL: N_("登録を取り消すと、登録番号は使えなくなります。もう一度登録するには新しい申請が必要です。"),
    Step.WITHDRAW: N_("取下げ・辞退を記録すると、もう一度登録するには新しい申請が必要です。"),
    Step.LAPSE: N_("失効にすると、もう一度登録するには新しい申請が必要です。"),
}


class RegistrationStepDialog(QDialog):
    recorded = Signal(object)  # RegistrationRecord after the step

    def __init__(
        self,
        ctx: AppContext,
        record: RegistrationRecord,
        step: str,
        documents: tuple[str, ...],
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ):
        super().__init__(parent)
        self.ctx, self.record, self.step = ctx, record, Step(step)
        self.today = today or dt.date.today()
        self.saving = False
        self.setObjectName("registrationStepDialog")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(self.step.label())
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(_("{step} — {name}").format(step=self.step.label(), name=record.organization_name)))
        status = _("いまの登録状況: {status}").format(status=record.status_label)
        if record.number:
            status += "　" + _("登録番号 {number}").format(number=record.number)
        if record.expires_on and record.in_force:
            status += "　" + _("有効期限 {date}").format(date=wareki(record.expires_on))
        layout.addWidget(plain_label(status))
        if self.step in _WARNINGS:
            warning = plain_label(_(_WARNINGS[self.step]))
            warning.setObjectName("banner")
            warning.setWordWrap(True)
            layout.addWidget(warning)
        self.banner = plain_label()
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)

        form = QFormLayout()
        self.on_date = DateField(label=_("日付"))
        self.on_date.setValue(self.today)
        self.errors.add_row(form, "on_date", _("日付"), self.on_date)
        self.document_boxes: list[QCheckBox] = []
        if self.step == Step.APPLY:
            box = QWidget()
            col = QVBoxLayout(box)
            col.setContentsMargins(0, 0, 0, 0)
            for name in documents:
                check = QCheckBox(name)
                self.document_boxes.append(check)
                col.addWidget(check)
            self.errors.add_row(form, "documents", _("提出書類(確認したもの)"), box)
        self.details: dict[str, QLineEdit | QPlainTextEdit] = {}
        if self.step in (Step.APPLY, Step.CHANGE):
            activity = QPlainTextEdit(record.details.activity)
            activity.setTabChangesFocus(True)
            activity.setFixedHeight(64)
            area = QLineEdit(record.details.activity_area)
            area.setMaxLength(300)
            website = QLineEdit(record.details.website)
            website.setMaxLength(300)
            website.setPlaceholderText(_("例: {example}").format(example="https://example.jp/"))
            self.details = {"activity": activity, "activity_area": area, "website": website}
            self.errors.add_row(form, "activity", _("活動の目的と内容"), activity)
            self.errors.add_row(form, "activity_area", _("活動の場所"), area)
            self.errors.add_row(form, "website", _("ホームページ・SNS"), website)
        self.reason = QLineEdit()
        self.reason.setMaxLength(1000)
        label = reason_label(self.step) + ("" if self.step in NEEDS_REASON else _("(任意)"))
        self.errors.add_row(form, "reason", label, self.reason)
        layout.addLayout(form)
        layout.addStretch(1)

        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(_(_OK_LABELS[self.step]), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(_("やめる"), QDialogButtonBox.ButtonRole.RejectRole)
        for b in (self.ok_button, cancel):
            b.setAutoDefault(False)
            b.setDefault(False)
        self.ok_button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        for line in (self.on_date.edit, self.reason, *[w for w in self.details.values() if isinstance(w, QLineEdit)]):
            line.returnPressed.connect(self.submit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.submit)
        fit_to_screen(self, 620, 300 if not self.details else 470)
        self.on_date.edit.setFocus()

    def collect(self) -> StepInput:
        details = None
        if self.details:
            activity = self.details["activity"]
            assert isinstance(activity, QPlainTextEdit)
            details = RegistrationDetails(
                activity=activity.toPlainText(),
                activity_area=self.details["activity_area"].text(),  # type: ignore[union-attr]
                website=self.details["website"].text(),  # type: ignore[union-attr]
            )
        return StepInput(
            step=self.step.value,
            on_date=self.on_date.value(),
            reason=self.reason.text(),
            documents=tuple(b.text() for b in self.document_boxes if b.isChecked()),
            details=details,
        )

    def submit(self) -> None:
        if self.saving or date_problem(self) is not None:
            return
        data = self.collect()
        self.saving = True
        self.ok_button.setEnabled(False)
        self.banner.hide()
        actor, reg = self.ctx.require_actor(), self.ctx.services.registration
        org_id, version, today = self.record.organization_id, self.record.version, self.today
        self.ctx.tasks.run(
            lambda _p: reg.record_step(actor, org_id, data, expected_version=version, today=today),
            on_done=self._done,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _done(self, record: RegistrationRecord) -> None:
        self.saving = False
        self.recorded.emit(record)
        self.ctx.events.emit_changed("registration", [record.organization_id])
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.ok_button.setEnabled(True)
        show_save_failure(self, self.errors, exc, self._banner, self.ctx.log_file, explained=(StepRefused, StaleEdit))

    def _banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
