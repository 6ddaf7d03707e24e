"""An organization's 「協働をすすめる市民団体」 registration: where it stands, its history, the steps
possible now (only those are offered), what the group agreed to publish, and its 登録証 and
登録通知書.  Everything is loaded and written through the task runner."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.registration import PUBLISH_FIELDS, Step
from kyodo_desk.i18n import N_, _, format_datetime, wareki
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.services.registration import RegistrationRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.groups.registration_step_dialog import RegistrationStepDialog
from kyodo_desk.ui.printing.dialog import show_pdf
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.rows_table import Row, RowsTable
from kyodo_desk.ui.widgets.screen import fit_to_screen

_HISTORY = [
    N_("日付"),
    N_("手続き"),
    N_("登録状況"),
    N_("登録番号"),
    N_("有効期限"),
    N_("理由・備考"),
    N_("提出書類"),
    N_("記録した人"),
    N_("記録日時"),
]


def _day(value: dt.date | None) -> str:
    return wareki(value) if value else "—"


class RegistrationDialog(QDialog):
    changed = Signal(object)  # RegistrationRecord after a step or a consent change

    def __init__(self, ctx: AppContext, org_id: int, name: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.org_id = ctx, org_id
        actor = ctx.require_actor()
        self.can_edit = actor.can(Permission.REGISTRATION_EDIT)
        self.can_cancel = actor.can(Permission.REGISTRATION_CANCEL)
        self.can_print = actor.can(Permission.PRINT)
        self.record: RegistrationRecord | None = None
        self.documents: tuple[str, ...] = ()
        self.step_dialog: RegistrationStepDialog | None = None
        self.setObjectName("registrationDialog")
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(_("「協働をすすめる市民団体」の登録"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.title = page_title(_("「協働をすすめる市民団体」の登録 — {name}").format(name=name))
        layout.addWidget(self.title)
        self.banner = plain_label()
        self.banner.setObjectName("errorBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)

        top = QHBoxLayout()
        summary = QGroupBox(_("いまの登録"))
        form = QFormLayout(summary)
        self.fields: dict[str, QLabel] = {}
        for key, label in (
            ("status", _("登録状況")),
            ("number", _("登録番号")),
            ("applied_on", _("申請日")),
            ("registered_on", _("登録日")),
            ("renewed_on", _("更新日")),
            ("expires_on", _("次の更新期限")),
            ("ended_on", _("終了日")),
        ):
            value = plain_label("—")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            form.addRow(label, value)
        top.addWidget(summary, 1)

        right = QVBoxLayout()
        steps_box = QGroupBox(_("手続き(いまできるものだけ)"))
        self.steps_layout = QGridLayout(steps_box)
        self.step_buttons: dict[str, QPushButton] = {}
        for n, step in enumerate(Step):
            button = QPushButton(step.label() + "…")
            button.setObjectName(f"regStep_{step.value}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, s=step.value: self.start_step(s))
            button.hide()
            self.step_buttons[step.value] = button
            self.steps_layout.addWidget(button, n // 3, n % 3)
        self.no_steps = plain_label(_("あなたの役割では登録の手続きはできません。閲覧のみです。"))
        self.no_steps.setObjectName("hint")
        self.no_steps.setVisible(not self.can_edit)
        self.steps_layout.addWidget(self.no_steps, 4, 0, 1, 3)
        right.addWidget(steps_box)
        print_row = QHBoxLayout()
        self.certificate_button = QPushButton(_("登録証をプレビュー…"))
        self.notice_button = QPushButton(_("登録通知書をプレビュー…"))
        for b in (self.certificate_button, self.notice_button):
            b.setAutoDefault(False)
            b.setVisible(self.can_print)
            b.setEnabled(False)
            print_row.addWidget(b)
        self.certificate_button.clicked.connect(lambda: self.preview("certificate"))
        self.notice_button.clicked.connect(lambda: self.preview("notice"))
        right.addLayout(print_row)
        right.addStretch(1)
        top.addLayout(right, 1)
        layout.addLayout(top)

        consent = QGroupBox(_("公開に同意した項目(ポータルサイト・広報誌の登録団体一覧に載ります)"))
        grid = QGridLayout(consent)
        self.consent_boxes: dict[str, QCheckBox] = {}
        for n, (code, label) in enumerate(PUBLISH_FIELDS):
            box = QCheckBox(_(label))
            box.setObjectName(f"publish_{code}")
            box.setEnabled(False)
            self.consent_boxes[code] = box
            grid.addWidget(box, n // 4, n % 4)
        self.consent_button = QPushButton(_("公開する項目を保存"))
        self.consent_button.setAutoDefault(False)
        self.consent_button.setVisible(self.can_edit)
        self.consent_button.setEnabled(False)
        self.consent_button.clicked.connect(self.save_consent)
        grid.addWidget(self.consent_button, 2, 3)
        layout.addWidget(consent)

        layout.addWidget(plain_label(_("登録の履歴")))
        self.history = RowsTable([_(h) for h in _HISTORY], stretch=5)
        self.history.setObjectName("registrationHistory")
        layout.addWidget(self.history, 1)

        buttons = QDialogButtonBox()
        close = buttons.addButton(_("閉じる"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=lambda: self.preview("certificate"))
        fit_to_screen(self, 1060, 680)
        self.reload()

    # ---- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        actor, reg = self.ctx.require_actor(), self.ctx.services.registration
        org_id = self.org_id
        self.ctx.tasks.run(
            lambda _p: (reg.get(actor, org_id), reg.settings().documents),
            on_done=self._loaded,
            on_error=self._failed,
            owner=self,
        )

    def _loaded(self, result: tuple[RegistrationRecord, tuple[str, ...]]) -> None:
        self.show_record(*result)

    def show_record(self, record: RegistrationRecord, documents: tuple[str, ...] | None = None) -> None:
        self.record = record
        if documents is not None:
            self.documents = documents
        self.title.setText(_("「協働をすすめる市民団体」の登録 — {name}").format(name=record.organization_name))
        self.fields["status"].setText(record.status_label)
        self.fields["number"].setText(record.number or "—")
        for key in ("applied_on", "registered_on", "renewed_on", "expires_on", "ended_on"):
            self.fields[key].setText(_day(getattr(record, key)))
        allowed = set(record.allowed_steps) if self.can_edit else set()
        if not self.can_cancel:
            allowed.discard(Step.CANCEL.value)
        first = None
        shown = 0
        for step in Step:  # the possible steps packed from the top left, in the scheme's order
            button = self.step_buttons[step.value]
            self.steps_layout.removeWidget(button)
            button.setVisible(step.value in allowed)
            if step.value in allowed:
                self.steps_layout.addWidget(button, shown // 3, shown % 3)
                shown += 1
                first = first or button
        for b in (self.certificate_button, self.notice_button):
            b.setEnabled(record.in_force and bool(record.number))
        for code, box in self.consent_boxes.items():
            box.setChecked(code in record.publish_fields)
            box.setEnabled(self.can_edit)
        self.consent_button.setEnabled(self.can_edit)
        self.history.set_rows(
            [
                Row(
                    [
                        wareki(h.on_date),
                        h.step_label,
                        h.status_label,
                        h.number or "",
                        wareki(h.valid_until) if h.valid_until else "",
                        h.reason,
                        "、".join(h.documents),
                        h.staff_name,
                        format_datetime(h.recorded_at, "short"),
                    ],
                    data=h.id,
                    tooltip=h.reason or None,
                )
                for h in reversed(record.history)  # newest first
            ]
        )
        if first is not None and not self.banner.isVisible():
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- steps ----------------------------------------------------------------------------
    def start_step(self, step: str) -> RegistrationStepDialog | None:
        if self.record is None or step not in self.record.allowed_steps or not self.can_edit:
            return None
        self.banner.hide()
        dialog = RegistrationStepDialog(self.ctx, self.record, step, self.documents, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(self._step_recorded)
        self.step_dialog = dialog
        dialog.open()
        return dialog

    def _step_recorded(self, record: RegistrationRecord) -> None:
        self.show_record(record)
        self.changed.emit(record)

    def save_consent(self) -> None:
        if self.record is None or not self.can_edit:
            return
        codes = [code for code, box in self.consent_boxes.items() if box.isChecked()]
        actor, reg = self.ctx.require_actor(), self.ctx.services.registration
        org_id, version = self.org_id, self.record.version
        self.consent_button.setEnabled(False)

        def done(record: RegistrationRecord) -> None:
            self.show_record(record)
            self.changed.emit(record)
            self.ctx.events.emit_changed("registration", [record.organization_id])

        self.ctx.tasks.run(
            lambda _p: reg.set_publish_fields(actor, org_id, codes, expected_version=version or None),
            on_done=done,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def preview(self, which: str) -> None:
        if self.record is None or not self.record.in_force or not self.can_print:
            return
        actor, reg, org_id = self.ctx.require_actor(), self.ctx.services.registration, self.org_id
        if which == "certificate":
            build, title, filename = (lambda: reg.certificate_pdf(actor, org_id)), _("登録証"), "certificate.pdf"
        else:
            build, title, filename = (lambda: reg.notice_pdf(actor, org_id)), _("登録通知書"), "notice.pdf"
        show_pdf(self.ctx, self, build, title, f"{self.record.number}-{filename}", on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        if self.record is not None:
            self.consent_button.setEnabled(self.can_edit)
        if isinstance(exc, StaleEdit):
            self.banner.setText(str(exc))
            self.banner.show()
            self.reload()
        else:
            report_error(self, exc, self.ctx.log_file)
