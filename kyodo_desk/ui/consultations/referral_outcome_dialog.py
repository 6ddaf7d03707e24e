"""「紹介の結果を記録」: what came of a referral, recorded days after the intake (issue 15).

Opened from the home page's follow-up card (Ctrl+R on a referral's line).  Focus starts on 結果;
↑↓ choose, Tab goes to メモ and 「フォローアップを完了にする」, Enter or Ctrl+S saves, Esc closes.  A
validation error shows under its field and keeps what was typed; a save over another desk's newer
version is refused with a message and the input kept.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.consultation import ReferralOutcome
from kyodo_desk.i18n import _
from kyodo_desk.services.consultation_validation import OUTCOME_NOTE_LIMIT
from kyodo_desk.services.consultations import ConsultationRecord
from kyodo_desk.ui.consultations.common import CONSULTATION_KIND, choice_combo, one_line, set_combo_data
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import plain_label
from kyodo_desk.ui.widgets.save_failure import show_save_failure


class ReferralOutcomeDialog(QDialog):
    saved = Signal(object)  # ConsultationRecord
    failed = Signal(object)

    def __init__(self, ctx: AppContext, record: ConsultationRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.record = ctx, record
        self.saving = False
        self.setWindowTitle(_("紹介の結果を記録"))
        self.setObjectName("referralOutcomeDialog")
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        target = " ".join(x for x in (record.referral_label, record.referral_detail) if x)
        heading = plain_label(
            _("{ref} {summary}\n紹介先: {target}").format(
                ref=record.reference, summary=one_line(record.summary, 40), target=target
            )
        )
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.banner = plain_label()
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)

        form = QFormLayout()
        self.outcome = choice_combo(ReferralOutcome.choices(), (_("未確認"), None))
        set_combo_data(self.outcome, record.referral_outcome)
        self.note = QLineEdit(record.referral_outcome_note)
        self.note.setMaxLength(OUTCOME_NOTE_LIMIT)
        self.note.setPlaceholderText(_("例: 担当者と面談できた"))
        self.followup_done = QCheckBox(_("フォローアップを完了にする"))
        self.errors.add_row(form, "referral_outcome", _("紹介の結果"), self.outcome)
        self.errors.add_row(form, "referral_outcome_note", _("紹介の結果のメモ"), self.note)
        has_followup = bool(record.followup_action) and not record.followup_done
        if has_followup:
            self.followup_done.setChecked(True)
            form.addRow("", self.followup_done)
        else:
            self.followup_done.hide()
        layout.addLayout(form)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(_("保存 (Ctrl+S)"))
        self.save_button.setDefault(True)  # Enter in 結果 or メモ saves: what this form is for
        self.cancel_button = QPushButton(_("キャンセル"))
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        QWidget.setTabOrder(self.outcome, self.note)
        QWidget.setTabOrder(self.note, self.followup_done if has_followup else self.save_button)
        self.outcome.setFocus(Qt.FocusReason.OtherFocusReason)
        self.setMinimumWidth(440)

    def save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.banner.hide()
        actor, service, record = self.ctx.require_actor(), self.ctx.services.consultations, self.record
        outcome, note = self.outcome.currentData(), self.note.text()
        done = True if (not self.followup_done.isHidden() and self.followup_done.isChecked()) else None

        def write(_p):
            return service.record_referral_outcome(actor, record.id, record.version, outcome, note, followup_done=done)

        self.ctx.tasks.run(write, on_done=self._written, on_error=self._failed, write=True, owner=self)

    def _written(self, saved: ConsultationRecord) -> None:
        self.saving = False
        self.record = saved
        self.ctx.events.emit_changed(CONSULTATION_KIND, [saved.id])
        self.saved.emit(saved)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        show_save_failure(self, self.errors, exc, self._banner, self.ctx.log_file)
        self.failed.emit(exc)

    def _banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
