"""個人情報の請求: an administrator answers a request about a person or an organization's contacts.

* 開示 — save one PDF and one CSV of everything held (each value with where it is kept);
* 訂正 — open the editor (a person's or the organization's); the correction is recorded;
* 利用停止・消去 — choose the reason, see what would change, confirm; the record's personal
  fields are blanked or the person removed.  Statistics are not affected.

Every action writes its audit row in the service.  Slow work runs on the task runner.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.personal_data import ErasureReason
from kyodo_desk.i18n import _, format_number
from kyodo_desk.services.appi import PERSON, ErasurePlan
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen


class RequestsDialog(QDialog):
    exported = Signal(list)  # paths written
    erased = Signal(object)  # ErasureResult
    editor_opened = Signal(object)

    def __init__(self, ctx: AppContext, kind: str, subject_id: int, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.kind, self.subject_id, self.name = ctx, kind, subject_id, name
        self.plan: ErasurePlan | None = None
        self.setObjectName("privacyRequestsDialog")
        self.setStyleSheet(STYLE_SHEET)
        subject = _("個人 {name}") if kind == PERSON else _("団体 {name} の連絡先")
        self.setWindowTitle(_("個人情報の請求 — {subject}").format(subject=subject.format(name=name)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(_("個人情報の請求(開示・訂正・利用停止)")))
        who = plain_label(subject.format(name=name))
        who.setWordWrap(True)
        layout.addWidget(who)

        disclose = QGroupBox(_("開示"))
        box = QVBoxLayout(disclose)
        box.addWidget(
            plain_label(_("保有しているすべての情報を、保管場所(画面・項目)つきで PDF と CSV に保存します。"))
        )
        self.export_button = QPushButton(_("PDF と CSV で保存…"))
        self.export_button.setObjectName("exportDisclosure")
        self.export_button.clicked.connect(self.choose_export_folder)
        box.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(disclose)

        correct = QGroupBox(_("訂正"))
        box = QVBoxLayout(correct)
        box.addWidget(plain_label(_("編集画面で内容を直して保存します。訂正の求めとして記録されます。")))
        self.edit_button = QPushButton(_("編集画面を開く…"))
        self.edit_button.clicked.connect(self.open_editor)
        box.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignLeft)
        if kind != PERSON:
            self.people = QListWidget()
            self.people.setObjectName("organizationPeople")
            self.people.setMaximumHeight(90)
            self.people.itemActivated.connect(self._open_person_item)
            box.addWidget(plain_label(_("この団体に所属する個人(Enter で開きます):")))
            box.addWidget(self.people)
        layout.addWidget(correct)

        erase = QGroupBox(_("利用停止・消去"))
        form = QFormLayout(erase)
        self.reason = QComboBox()
        for reason in ErasureReason:
            self.reason.addItem(reason.label(), reason.value)
        form.addRow(_("理由"), self.reason)
        if kind == PERSON:
            self.include = QCheckBox(_("氏名か電話番号が同じ貸出・予約の連絡先も消去する"))
        else:
            self.include = QCheckBox(_("所属する個人の記録も削除する"))
        self.include.toggled.connect(lambda _c: self.load_plan())
        form.addRow("", self.include)
        self.plan_label = plain_label("…")
        self.plan_label.setObjectName("erasurePlan")
        self.plan_label.setWordWrap(True)
        form.addRow(_("消去されるもの"), self.plan_label)
        self.erase_button = QPushButton(_("消去する…"))
        self.erase_button.setObjectName("danger")
        self.erase_button.clicked.connect(self.confirm_erase)
        form.addRow("", self.erase_button)
        form.setAlignment(self.erase_button, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(erase)

        self.status = plain_label()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        close = buttons.addButton(_("閉じる"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        for button in (self.export_button, self.edit_button, self.erase_button):
            button.setAutoDefault(False)
        layout.addWidget(buttons)
        fit_to_screen(self, 620, 600)
        self.load_plan()
        if kind != PERSON:
            self._load_people()

    # ------------------------------------------------------------------ 開示

    def choose_export_folder(self) -> None:
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, _("開示する PDF と CSV の保存先"), start)
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path):
        actor, privacy, kind, sid = self.ctx.require_actor(), self.ctx.services.privacy, self.kind, self.subject_id

        def work(_p):
            from kyodo_desk.documents.base import write_pdf

            files = privacy.export(actor, kind, sid)
            pdf = write_pdf(folder / f"{files.stem}.pdf", files.pdf)
            csv_path = folder / f"{files.stem}.csv"
            csv_path.write_bytes(files.csv)
            return [pdf, csv_path]

        def done(paths: list) -> None:
            self.status.setText(_("保存しました: {paths}").format(paths="、".join(str(p) for p in paths)))
            self.exported.emit(paths)

        return self.ctx.tasks.run(work, _("開示する情報をまとめています…"), on_done=done, owner=self, write=True)

    # ------------------------------------------------------------------ 訂正

    def open_editor(self) -> None:
        actor, sv = self.ctx.require_actor(), self.ctx.services
        if self.kind == PERSON:
            self._open_person(self.subject_id)
            return
        from kyodo_desk.ui.groups.edit_dialog import OrganizationDialog

        def show(record) -> None:
            dialog = OrganizationDialog(self.ctx, record, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            before = record.as_input()
            dialog.saved.connect(
                lambda new: self._corrected(
                    [f for f in before.__dataclass_fields__ if getattr(before, f) != getattr(new, f)]
                )
            )
            dialog.open()
            self.editor_opened.emit(dialog)

        self.ctx.tasks.run(lambda _p: sv.organizations.get(actor, self.subject_id), on_done=show, owner=self)

    def _open_person(self, person_id: int) -> None:
        from kyodo_desk.ui.privacy.person_dialog import open_person

        def opened(dialog) -> None:
            if person_id == self.subject_id and self.kind == PERSON:
                dialog.requests_button.hide()  # this window is the requests window
                dialog.saved.connect(lambda _r: self._corrected(dialog.saved_fields))
            self.editor_opened.emit(dialog)

        open_person(self.ctx, person_id, self, on_open=opened)

    def _open_person_item(self, item: QListWidgetItem) -> None:
        self._open_person(item.data(Qt.ItemDataRole.UserRole))

    def _corrected(self, fields: list[str]) -> None:
        actor, privacy, kind, sid = self.ctx.require_actor(), self.ctx.services.privacy, self.kind, self.subject_id
        self.ctx.tasks.run(lambda _p: privacy.record_correction(actor, kind, sid, fields), owner=self, write=True)
        self.status.setText(_("訂正を保存し、訂正の求めとして記録しました。"))

    def _load_people(self) -> None:
        actor, people, sid = self.ctx.require_actor(), self.ctx.services.people, self.subject_id

        def show(records) -> None:
            self.people.clear()
            for r in records:
                item = QListWidgetItem(f"{r.name}　{r.phone}")
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                self.people.addItem(item)
            if not records:
                self.people.addItem(_("(なし)"))

        self.ctx.tasks.run(lambda _p: people.for_organization(actor, sid), on_done=show, owner=self)

    # ------------------------------------------------------------------ 消去

    def load_plan(self) -> None:
        actor, privacy, kind, sid = self.ctx.require_actor(), self.ctx.services.privacy, self.kind, self.subject_id
        include = self.include.isChecked()
        flags = {"include_matches": include} if kind == PERSON else {"include_people": include}
        self.ctx.tasks.run(
            lambda _p: privacy.erasure_plan(actor, kind, sid, **flags), on_done=self._show_plan, owner=self
        )

    def _show_plan(self, plan: ErasurePlan) -> None:
        self.plan = plan
        n = format_number
        if plan.subject_kind == PERSON:
            text = _("個人の記録(氏名・電話・メール・備考)を削除し、相談 {c} 件の文章を消去します。").format(
                c=n(plan.consultations)
            )
            text += _("氏名か電話番号が同じ記録: 貸出 {l} 件・予約 {r} 件{what}。").format(
                l=n(plan.matched_loans),
                r=n(plan.matched_reservations),
                what=_("(消去します)") if self.include.isChecked() else _("(残します)"),
            )
        else:
            text = _(
                "団体の代表者・担当者・電話・メール・住所・備考を消去し、貸出 {l} 件・予約 {r} 件の連絡先を消去します。"
            ).format(l=n(plan.loans), r=n(plan.reservations))
            if plan.open_loans:
                text += _("うち {o} 件は貸出中です。").format(o=n(plan.open_loans))
            if plan.people:
                text += _("所属する個人 {p} 件を削除し、その相談 {c} 件の文章を消去します。").format(
                    p=n(plan.people), c=n(plan.consultations)
                )
        text += _("統計の数は変わりません。")
        self.plan_label.setText(text)

    def confirm_erase(self) -> QMessageBox:
        self.confirm_box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("消去の確認"),
            _("{text}\n\n理由: {reason}\n元に戻せません。消去しますか?").format(
                text=self.plan_label.text(), reason=self.reason.currentText()
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        self.confirm_box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.confirm_box.button(QMessageBox.StandardButton.Yes).setText(_("消去する"))
        self.confirm_box.button(QMessageBox.StandardButton.Cancel).setText(_("やめる"))
        self.confirm_box.buttonClicked.connect(self._confirm_answered)
        self.confirm_box.open()
        return self.confirm_box

    def _confirm_answered(self, button) -> None:
        if self.confirm_box.standardButton(button) == QMessageBox.StandardButton.Yes:
            self.erase()

    def erase(self):
        actor, privacy, kind, sid = self.ctx.require_actor(), self.ctx.services.privacy, self.kind, self.subject_id
        reason, include = self.reason.currentData(), self.include.isChecked()
        flags = {"include_matches": include} if kind == PERSON else {"include_people": include}
        self.erase_button.setEnabled(False)

        def done(result) -> None:
            self.status.setText(
                _("消去しました: 相談 {c} 件、貸出 {l} 件、予約 {r} 件、個人 {p} 件。").format(
                    c=result.consultations, l=result.loans, r=result.reservations, p=result.people
                )
            )
            self.ctx.events.emit_changed(kind, [sid])
            if result.consultations:
                self.ctx.events.emit_changed("consultation", [])
            if kind == PERSON:
                self.export_button.setEnabled(False)
                self.edit_button.setEnabled(False)
            else:
                self.erase_button.setEnabled(True)
                self.load_plan()
                self._load_people()
            self.erased.emit(result)

        def failed(exc: BaseException) -> None:
            self.erase_button.setEnabled(True)
            report_error(self, exc, self.ctx.log_file)

        return self.ctx.tasks.run(
            lambda _p: privacy.erase(actor, kind, sid, reason, **flags),
            _("消去しています…"),
            on_done=done,
            on_error=failed,
            owner=self,
            write=True,
        )


def open_requests(ctx: AppContext, kind: str, subject_id: int, name: str, parent: QWidget | None) -> RequestsDialog:
    dialog = RequestsDialog(ctx, kind, subject_id, name, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


__all__ = ["RequestsDialog", "open_requests"]
