"""Create or edit one partnership project: what, who with, how much, when, and its 成果検証.

Messages appear under the field they are about; what was typed stays; the first bad field gets
the focus.  A save over a newer version from another desk is refused and the input kept.
Ctrl+S saves; Esc asks before throwing away changes.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.projects import ProjectStatus
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.project_records import Programme, ProjectInput, ProjectRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.projects.partners import PartnerList, departments_edit
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.date_edit import OptionalDateEdit, date_problem
from kyodo_desk.ui.widgets.discard_guard import ask_discard
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.save_failure import show_save_failure
from kyodo_desk.ui.widgets.screen import fit_to_screen


class NumberProblem(ValueError):
    pass


def parse_count(text: str) -> int | None:
    """「300,000」「30万」「３００００円」 → 300000; empty → None; anything else → NumberProblem."""
    clean = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace("円", "").replace("人", "")
    if not clean:
        return None
    factor = 1
    if clean.endswith("万"):
        clean, factor = clean[:-1], 10_000
    if not clean.isdigit():
        raise NumberProblem(text)
    return int(clean) * factor


def _plain(height_lines: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * height_lines + 14)
    return edit


class ProjectDialog(QDialog):
    saved = Signal(object)  # ProjectRecord

    def __init__(
        self,
        ctx: AppContext,
        record: ProjectRecord | None,
        programmes: list[Programme],
        parent: QWidget | None = None,
        *,
        default_fiscal_year: int = 2025,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.record = record
        self.programmes = programmes
        self.can_edit = ctx.require_actor().can(Permission.PROJECT_EDIT)
        self.saving = False
        self.setObjectName("projectDialog")
        self.setStyleSheet(STYLE_SHEET)
        title = (
            _("パートナーシップ事業の新規登録")
            if record is None
            else _("パートナーシップ事業 {ref} {name}").format(ref=record.reference, name=record.name)
        )
        self.setWindowTitle(title)
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.addWidget(page_title(title))
        self.error_banner = plain_label()
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.hide()
        layout.addWidget(self.error_banner)

        columns = QHBoxLayout()
        columns.setSpacing(14)
        layout.addLayout(columns, 1)
        top = Qt.AlignmentFlag.AlignTop  # each box as tall as its rows; the room left stays below
        columns.addWidget(self._project_box(default_fiscal_year), 1, top)
        middle = QVBoxLayout()
        middle.addWidget(self._partners_box())
        middle.addWidget(self._links_box())
        middle.addStretch(1)
        columns.addLayout(middle, 1)
        columns.addWidget(self._review_box(), 1, top)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(_("保存 (Ctrl+S)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(
            _("キャンセル") if self.can_edit else _("閉じる"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.save_button.setObjectName("saveProjectButton")
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        for button in (self.save_button, self.close_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)

        self._fill(record.as_input() if record is not None else ProjectInput(fiscal_year=default_fiscal_year))
        if record is not None:
            self.partners.set_partners(record.partners)
        self._baseline = self._snapshot()
        if not self.can_edit:
            self._read_only()
        fit_to_screen(self, 1180, 560)
        self.name.setFocus()

    # ---- building ----------------------------------------------------------------------------
    def _project_box(self, default_fy: int) -> QGroupBox:
        box = QGroupBox(_("事業"))
        form = QFormLayout(box)
        self.name = QLineEdit()
        self.name.setObjectName("projectName")
        self.name.setMaxLength(200)
        self.fiscal_year = QSpinBox()
        self.fiscal_year.setRange(2000, 2100)
        self.fiscal_year.setValue(default_fy)
        self.fiscal_year.setSuffix(_("年度"))
        self.programme = QComboBox()
        self.programme.setObjectName("projectProgramme")
        self.programme.addItem(_("(区分なし)"), None)
        for p in self.programmes:
            if p.active or (self.record is not None and self.record.programme_id == p.id):
                self.programme.addItem(p.name, p.id)
        self.division = QComboBox()
        self.division.setObjectName("projectDivision")
        self.programme.currentIndexChanged.connect(lambda _i: self._fill_divisions(None))
        self.status = QComboBox()
        for value, label in ProjectStatus.choices():
            self.status.addItem(label, value)
        self.amount = QLineEdit()
        self.amount.setObjectName("projectAmount")
        self.amount.setPlaceholderText(_("円単位(例: 300000)"))
        self.starts_on = OptionalDateEdit()
        self.ends_on = OptionalDateEdit()
        self.summary = _plain(4)
        self.errors.add_row(form, "name", _("事業名"), self.name)
        self.errors.add_row(form, "fiscal_year", _("年度"), self.fiscal_year)
        self.errors.add_row(form, "programme_id", _("事業区分"), self.programme)
        self.errors.add_row(form, "division_id", _("部門"), self.division)
        self.errors.add_row(form, "status", _("状況"), self.status)
        self.errors.add_row(form, "amount", _("補助額"), self.amount)
        self.errors.add_row(form, "starts_on", _("開始日"), self.starts_on)
        self.errors.add_row(form, "ends_on", _("終了日"), self.ends_on)
        self.errors.add_row(form, "summary", _("概要"), self.summary)
        return box

    def _partners_box(self) -> QGroupBox:
        box = QGroupBox(_("協働の相手"))
        form = QFormLayout(box)
        self.partners = PartnerList(self.ctx, box)
        self.departments = departments_edit()
        self.errors.add_row(form, "partners", _("団体"), self.partners)
        self.errors.add_row(form, "city_departments", _("市の担当課"), self.departments)
        return box

    def _links_box(self) -> QGroupBox:
        box = QGroupBox(_("関連する記録"))
        form = QFormLayout(box)
        self.consultation_refs = QLineEdit()
        self.consultation_refs.setObjectName("consultationRefs")
        self.consultation_refs.setPlaceholderText(_("受付番号(例: S2025-00001、複数は「、」で区切る)"))
        self.dispatch_refs = QLineEdit()
        self.dispatch_refs.setObjectName("dispatchRefs")
        self.dispatch_refs.setPlaceholderText(_("申請番号(例: D2025-00001)"))
        self.errors.add_row(form, "consultation_refs", _("相談"), self.consultation_refs)
        self.errors.add_row(form, "dispatch_refs", _("アドバイザー派遣"), self.dispatch_refs)
        return box

    def _review_box(self) -> QGroupBox:
        box = QGroupBox(_("成果検証"))
        form = QFormLayout(box)
        self.review_done = _plain(4)
        self.review_done.setObjectName("reviewDone")
        self.review_participants = QLineEdit()
        self.review_participants.setObjectName("reviewParticipants")
        self.review_participants.setPlaceholderText(_("人数(例: 120)"))
        self.review_evaluation = _plain(4)
        self.reviewed_on = OptionalDateEdit()
        self.errors.add_row(form, "review_done", _("実施内容"), self.review_done)
        self.errors.add_row(form, "review_participants", _("参加者数"), self.review_participants)
        self.errors.add_row(form, "review_evaluation", _("協働の相手の評価"), self.review_evaluation)
        self.errors.add_row(form, "reviewed_on", _("検証日"), self.reviewed_on)
        return box

    def _fill_divisions(self, chosen: int | None) -> None:
        self.division.clear()
        self.division.addItem(_("(部門なし)"), None)
        programme = next((p for p in self.programmes if p.id == self.programme.currentData()), None)
        for d in programme.divisions if programme else ():
            if d.active or d.id == chosen:
                self.division.addItem(d.name, d.id)
        self.division.setCurrentIndex(max(0, self.division.findData(chosen)))
        self.division.setEnabled(self.division.count() > 1 and self.can_edit)

    # ---- form <-> data -------------------------------------------------------------------------
    def _fill(self, data: ProjectInput) -> None:
        self.name.setText(data.name)
        if data.fiscal_year:
            self.fiscal_year.setValue(data.fiscal_year)
        self.programme.setCurrentIndex(max(0, self.programme.findData(data.programme_id)))
        self._fill_divisions(data.division_id)
        self.status.setCurrentIndex(max(0, self.status.findData(data.status)))
        self.amount.setText("" if data.amount is None else str(data.amount))
        self.starts_on.setValue(data.starts_on)
        self.ends_on.setValue(data.ends_on)
        self.summary.setPlainText(data.summary)
        self.departments.setPlainText("\n".join(data.city_departments))
        self.consultation_refs.setText("、".join(data.consultation_refs))
        self.dispatch_refs.setText("、".join(data.dispatch_refs))
        self.review_done.setPlainText(data.review_done)
        participants = data.review_participants
        self.review_participants.setText("" if participants is None else str(participants))
        self.review_evaluation.setPlainText(data.review_evaluation)
        self.reviewed_on.setValue(data.reviewed_on)

    def collect(self) -> ProjectInput:
        """The form as input; a number that cannot be read raises ValidationError for its field."""
        problems: dict[str, str] = {}
        numbers: dict[str, int | None] = {}
        for name, message in (
            ("amount", _("「補助額」は円単位の数字で入力してください(例: 300000)。")),
            ("review_participants", _("「参加者数」は人数を数字で入力してください(例: 120)。")),
        ):
            try:
                numbers[name] = parse_count(getattr(self, name).text())
            except NumberProblem:
                problems[name] = message
                numbers[name] = None
        if problems:
            raise ValidationError(problems)
        return ProjectInput(
            name=self.name.text(),
            fiscal_year=self.fiscal_year.value(),
            programme_id=self.programme.currentData(),
            division_id=self.division.currentData(),
            status=self.status.currentData(),
            amount=numbers["amount"],
            starts_on=self.starts_on.value(),
            ends_on=self.ends_on.value(),
            partner_ids=self.partners.ids(),
            city_departments=tuple(self.departments.toPlainText().splitlines()),
            summary=self.summary.toPlainText(),
            review_done=self.review_done.toPlainText(),
            review_participants=numbers["review_participants"],
            review_evaluation=self.review_evaluation.toPlainText(),
            reviewed_on=self.reviewed_on.value(),
            consultation_refs=_refs(self.consultation_refs.text()),
            dispatch_refs=_refs(self.dispatch_refs.text()),
        )

    def _snapshot(self) -> tuple:
        return (
            self.name.text(),
            self.fiscal_year.value(),
            self.programme.currentData(),
            self.division.currentData(),
            self.status.currentData(),
            self.amount.text(),
            self.partners.ids(),
            self.departments.toPlainText(),
            self.summary.toPlainText(),
            self.review_done.toPlainText(),
            self.review_participants.text(),
            self.review_evaluation.toPlainText(),
            self.consultation_refs.text(),
            self.dispatch_refs.text(),
        )

    def is_dirty(self) -> bool:
        return self._snapshot() != self._baseline

    def _read_only(self) -> None:
        for w in (self.name, self.amount, self.consultation_refs, self.dispatch_refs, self.review_participants):
            w.setReadOnly(True)
        for p in (self.summary, self.departments, self.review_done, self.review_evaluation):
            p.setReadOnly(True)
        for c in (self.fiscal_year, self.programme, self.division, self.status):
            c.setEnabled(False)
        for d in (self.starts_on, self.ends_on, self.reviewed_on):
            d.setReadOnly(True)
        self.partners.setReadOnly(True)
        self.save_button.hide()

    # ---- saving ----------------------------------------------------------------------------
    def save(self) -> None:
        if not self.can_edit or self.saving:
            return
        if date_problem(self) is not None:  # a date that cannot be read: its field says why
            return
        try:
            data = self.collect()
        except ValidationError as exc:
            self._failed(exc)
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.error_banner.hide()
        actor, projects, record = self.ctx.require_actor(), self.ctx.services.projects, self.record

        def write(_p):
            if record is None:
                return projects.create(actor, data)
            return projects.update(actor, record.id, record.version, data)

        self.ctx.tasks.run(write, on_done=self._written, on_error=self._failed, write=True, owner=self)

    def _written(self, record: ProjectRecord) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.errors.clear()
        self.saved_record = record
        self._baseline = self._snapshot()
        self.saved.emit(record)
        self.ctx.events.emit_changed("project", [record.id])
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        show_save_failure(self, self.errors, exc, self._banner, self.ctx.log_file)

    def _banner(self, text: str) -> None:
        self.error_banner.setText(text)
        self.error_banner.show()

    def reject(self) -> None:
        if self.can_edit and self.is_dirty():
            self.confirm_box = ask_discard(self, self._discard_and_close)
            return
        super().reject()

    def _discard_and_close(self) -> None:
        self._baseline = self._snapshot()
        super().reject()


def _refs(text: str) -> tuple[str, ...]:
    clean = unicodedata.normalize("NFKC", text)
    for sep in ("、", ",", " ", "\n"):
        clean = clean.replace(sep, "\n")
    return tuple(part.strip() for part in clean.splitlines() if part.strip())
