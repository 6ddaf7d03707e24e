"""Record or edit one consultation: the form, saving, and what to do next.

Ctrl+S saves, Ctrl+N starts a new intake, Esc cancels (「変更を破棄しますか?」 when something was
typed).  A validation error shows each message under its field, keeps what was typed and puts
the cursor in the first bad field; a save over another desk's newer version is refused with the
input kept.  After saving, the 受付番号 is shown with 「受付票を印刷」 and the hand-offs to
アドバイザー派遣 and 機器貸出 (which carry the organization over).
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QMessageBox, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.services.consultations import ConsultationInput, ConsultationRecord, validate
from kyodo_desk.services.organizations import OrganizationRecord
from kyodo_desk.services.people import PersonInput
from kyodo_desk.ui.consultations.common import CASE_KIND, CONSULTATION_KIND, confirm_box
from kyodo_desk.ui.consultations.form import ConsultationForm
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.widgets.date_edit import date_problem
from kyodo_desk.ui.widgets.page import plain_label


def _normal(data: ConsultationInput) -> ConsultationInput:
    return replace(data, category_ids=tuple(sorted(data.category_ids)))


class ConsultationEditor(QWidget):
    saved = Signal(object)  # ConsultationRecord
    deleted = Signal(int)
    discarded = Signal()  # cancel confirmed (or nothing to lose)
    failed = Signal(object)  # the error of a refused save
    print_requested = Signal(int)  # consultation id
    handoff_requested = Signal(str, int, int)  # "dispatch" | "lending", organization id, consultation id
    timeline_requested = Signal(int)  # organization id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, intake: bool = True):
        super().__init__(parent)
        self.ctx = ctx
        self.intake = intake
        actor = ctx.require_actor()
        self.can_edit = actor.can(Permission.CONSULTATION_EDIT)
        self.record: ConsultationRecord | None = None
        self.saving = False
        self.confirm: QMessageBox | None = None
        self._baseline = ConsultationInput()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.error_banner = plain_label()
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.hide()
        layout.addWidget(self.error_banner)
        self.form = ConsultationForm(ctx)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(self.form)
        layout.addWidget(scroll, 1)

        bar = QHBoxLayout()
        self.result_line = plain_label()
        self.result_line.setObjectName("resultLine")
        self.result_line.setStyleSheet("#resultLine { color: #1b5e20; font-weight: bold; }")
        bar.addWidget(self.result_line, 1)
        self.save_button = QPushButton(_("保存 (Ctrl+S)"))
        self.new_button = QPushButton(_("新しい相談 (Ctrl+N)"))
        self.print_button = QPushButton(_("受付票を印刷…"))
        self.dispatch_button = QPushButton(_("派遣申請へ"))
        self.lending_button = QPushButton(_("機器貸出へ"))
        self.timeline_button = QPushButton(_("相談カルテ…"))
        self.delete_button = QPushButton(_("削除…"))
        self.timeline_button.setToolTip(_("この団体の相談の記録を一覧で見ます"))
        self.dispatch_button.setToolTip(_("この団体でアドバイザー派遣の申請を始めます"))
        self.lending_button.setToolTip(_("この団体を借りる団体にして機器貸出を始めます"))
        for b in (
            self.timeline_button,
            self.dispatch_button,
            self.lending_button,
            self.print_button,
            self.delete_button,
            self.new_button,
            self.save_button,
        ):
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus if b is self.save_button else Qt.FocusPolicy.NoFocus)
            bar.addWidget(b)
        layout.addLayout(bar)
        self.new_button.setVisible(intake)
        self.save_button.setVisible(self.can_edit)
        self.delete_button.setVisible(actor.can(Permission.CONSULTATION_DELETE))

        self.save_button.clicked.connect(self.save)
        self.new_button.clicked.connect(self.request_new)
        self.print_button.clicked.connect(lambda: self.record and self.print_requested.emit(self.record.id))
        self.dispatch_button.clicked.connect(lambda: self._handoff("dispatch"))
        self.lending_button.clicked.connect(lambda: self._handoff("lending"))
        self.timeline_button.clicked.connect(self._timeline)
        self.delete_button.clicked.connect(self.request_delete)
        self.form.organization_changed.connect(lambda _org: self._sync_actions())
        self.form.person_requested.connect(self.ask_new_person)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save, context=context)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.request_new, context=context)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_button.click, context=context)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.request_cancel, context=context)
        self.start_new()

    # ---- loading -------------------------------------------------------------------------------
    def start_new(self, data: ConsultationInput | None = None, organization: OrganizationRecord | None = None) -> None:
        self.record = None
        # sent with the create: a save retried after a lost connection never stores it twice
        self.request_key = str(uuid.uuid4())
        self._made_case: dict[str, object] = {}  # a new case made by a try whose consultation did not get through
        self.form.fill(data or ConsultationInput(), organization=organization)
        self._baseline = _normal(self.form.collect())
        self.error_banner.hide()
        self.result_line.clear()
        self._sync_actions()
        self.focus_first()

    def load(self, record: ConsultationRecord, organization: OrganizationRecord | None) -> None:
        self.record = record
        self.form.fill_record(record, organization)
        self._baseline = _normal(self.form.collect())
        self.error_banner.hide()
        note = _("保存期間を過ぎたため内容は消去されています。") if record.anonymized else ""
        self.result_line.setText(" ".join(x for x in (_("受付番号 {ref}").format(ref=record.reference), note) if x))
        self._sync_actions()

    def focus_first(self) -> None:
        self.form.channel.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_dirty(self) -> bool:
        return self.can_edit and (
            _normal(self.form.collect()) != self._baseline or self.form.organization.has_unpicked_text()
        )

    def _sync_actions(self) -> None:
        saved = self.record is not None
        org = self.form.organization.record
        self.print_button.setEnabled(saved)
        self.delete_button.setEnabled(saved)
        self.timeline_button.setEnabled(org is not None)
        self.dispatch_button.setEnabled(saved and org is not None)
        self.lending_button.setEnabled(saved and org is not None)

    # ---- saving ----------------------------------------------------------------------------------
    def save(self) -> None:
        if not self.can_edit or self.saving:
            return
        if date_problem(self.form) is not None:  # a date that cannot be read: its field says why and keeps it
            return
        data = self.form.collect()
        new_case = self.form.new_case_title()
        errors: dict[str, str] = {}
        try:
            validate(data)
        except ValidationError as exc:
            errors.update(exc.errors)
        if self.form.organization.has_unpicked_text():
            errors["organization_id"] = _(
                "「団体」は一覧から選んでください(↓ と Enter)。名簿にない団体は「新しい団体…」で登録できます。匿名なら空欄にします。"
            )
        if new_case is not None and not new_case.strip():
            errors["case_title"] = _("「新しい案件名」を入力してください。")
        if errors:
            self._failed(ValidationError(errors))
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.error_banner.hide()
        actor, service = self.ctx.require_actor(), self.ctx.services.consultations
        record = self.record
        org_id = data.organization_id
        opened = data.received_at or (record.received_at if record else None)
        key, made = self.request_key, self._made_case

        def write(_p):
            case = None
            payload = data
            if new_case is not None:
                case = made.get(new_case) or service.create_case(
                    actor, new_case, org_id, opened.date() if opened else None
                )
                made[new_case] = case
                payload = replace(data, case_id=case.id)
            if record is None:
                return service.create(actor, payload, request_key=key), case
            return service.update(actor, record.id, record.version, payload), case

        self.ctx.tasks.run(write, on_done=self._written, on_error=self._failed, write=True, owner=self)

    def _written(self, result) -> None:
        saved, case = result
        self.saving = False
        self.save_button.setEnabled(True)
        was_new = self.record is None
        self.load(saved, self.form.organization.record)
        text = _("受付番号 {ref} で受け付けました。") if was_new else _("受付番号 {ref} の変更を保存しました。")
        self.result_line.setText(text.format(ref=saved.reference))
        self.ctx.events.emit_changed(CONSULTATION_KIND, [saved.id])
        if case is not None:
            self.ctx.events.emit_changed(CASE_KIND, [case.id])
        self.saved.emit(saved)
        if was_new and self.intake:
            self.print_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            widget = self.form.show_errors(exc.errors)
            others = [m for k, m in exc.errors.items() if k not in self.form.errors.labels and k != "title"]
            shown = len(exc.errors) - len(others)
            self._banner(
                "\n".join(others)
                if others
                else _("入力を確かめてください(赤い欄が {n} か所あります)。").format(n=shown)
            )
            if widget is not None:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, StaleEdit):
            self._banner(str(exc))
        else:
            report_error(self, exc, self.ctx.log_file)
        self.failed.emit(exc)

    def _banner(self, text: str) -> None:
        self.error_banner.setText(text)
        self.error_banner.show()

    # ---- a person ----------------------------------------------------------------------------------
    def ask_new_person(self) -> QInputDialog:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(_("相談者(個人)の登録"))
        dialog.setLabelText(_("氏名(個人情報は必要なときだけ記録します)"))
        dialog.textValueSelected.connect(self._create_person)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.person_dialog = dialog
        return dialog

    def _create_person(self, name: str) -> None:
        actor, people = self.ctx.require_actor(), self.ctx.services.people
        org_id = self.form.organization.organization_id()
        key = str(uuid.uuid4())  # one per person entered: the task runner's retry sends the same
        self.ctx.tasks.run(
            lambda _p: people.create(actor, PersonInput(name=name, organization_id=org_id), request_key=key),
            on_done=lambda p: self.form.add_person(p.id, p.name),
            on_error=lambda e: report_error(self, e, self.ctx.log_file),
            write=True,
            owner=self,
        )

    # ---- leaving, new, delete -------------------------------------------------------------------------
    def _ask_discard(self, then) -> None:
        if not self.is_dirty():
            then()
            return
        self.confirm = confirm_box(self, _("変更を破棄しますか?"), _("破棄する"), _("編集を続ける"))
        self.confirm.finished.connect(lambda _r: self._answered(then))
        self.confirm.open()

    def _answered(self, then) -> None:
        box, self.confirm = self.confirm, None
        if box is not None and box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
            self._baseline = _normal(self.form.collect())
            then()

    def request_cancel(self) -> None:
        self._ask_discard(self._cancelled)

    def _cancelled(self) -> None:
        if self.intake and self.is_dirty_or_saved():
            self.start_new()
        self.discarded.emit()

    def is_dirty_or_saved(self) -> bool:
        return self.record is not None or _normal(self.form.collect()) != _normal(ConsultationInput())

    def request_new(self) -> None:
        if self.intake:
            self._ask_discard(self.start_new)

    def request_delete(self) -> None:
        if self.record is None:
            return
        record = self.record
        box = confirm_box(
            self,
            _("相談記録 {ref}「{summary}」を削除しますか?\n削除すると元に戻せません(統計からも消えます)。").format(
                ref=record.reference, summary=record.summary
            ),
            _("削除する"),
            _("削除しない"),
        )
        box.setIcon(QMessageBox.Icon.Warning)
        self.confirm = box
        box.finished.connect(lambda _r: self._delete_answered(box, record))
        box.open()

    def _delete_answered(self, box: QMessageBox, record: ConsultationRecord) -> None:
        self.confirm = None
        if box.clickedButton() is not box.button(QMessageBox.StandardButton.Yes):
            return
        actor, service = self.ctx.require_actor(), self.ctx.services.consultations

        def done(_r) -> None:
            self.ctx.events.emit_changed(CONSULTATION_KIND, [record.id])
            self.deleted.emit(record.id)
            if self.intake:
                self.start_new()
                self.result_line.setText(_("受付番号 {ref} を削除しました。").format(ref=record.reference))

        self.ctx.tasks.run(
            lambda _p: service.delete(actor, record.id),
            on_done=done,
            on_error=lambda e: report_error(self, e, self.ctx.log_file),
            write=True,
            owner=self,
        )

    # ---- next steps ----------------------------------------------------------------------------------
    def _handoff(self, target: str) -> None:
        org = self.form.organization.record
        if self.record is not None and org is not None:
            self.handoff_requested.emit(target, org.id, self.record.id)

    def _timeline(self) -> None:
        org = self.form.organization.record
        if org is not None:
            self.timeline_requested.emit(org.id)
