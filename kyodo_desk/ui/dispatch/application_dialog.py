"""A new dispatch application (派遣申請), as taken by phone, on paper or at the desk — or, given
``record``, the same form filled from an application to correct it (申請内容の修正).

Ctrl+S accepts it.  Validation messages appear under their field and what was typed stays.
"""

from __future__ import annotations

import datetime as dt
import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.dispatch import DispatchType, Field, Support
from kyodo_desk.domain.enums import RegistrationStatus
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.domain.venue import venue_at_center as _plain_contains
from kyodo_desk.i18n import _
from kyodo_desk.services.base import StaleEdit
from kyodo_desk.services.dispatch import ApplicationInput, ApplicationRecord
from kyodo_desk.services.dispatch_records import intake_questions
from kyodo_desk.services.organizations import OrganizationRecord
from kyodo_desk.ui.consultations.common import confirm_box
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.dispatch.common import banner, combo, date_edit, select_data, show_text, time_edit
from kyodo_desk.ui.dispatch.org_picker import OrganizationPicker
from kyodo_desk.ui.errors import report_error
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.date_edit import OptionalDateEdit, date_problem
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.screen import fit_to_screen


class PreferredRow:
    """One preferred date and time range; an empty date means the row is not used."""

    def __init__(self, n: int = 1) -> None:
        self.day = OptionalDateEdit(label=_("第{n}希望の日付").format(n=n))
        self.start = time_edit(dt.time(13, 0), _("第{n}希望の開始").format(n=n))
        self.end = time_edit(dt.time(17, 0), _("第{n}希望の終了").format(n=n))

    def value(self) -> tuple[dt.datetime, dt.datetime] | None:
        day = self.day.value()
        if day is None:
            return None
        return dt.datetime.combine(day, self.start.value()), dt.datetime.combine(day, self.end.value())

    def set_value(self, start: dt.datetime, end: dt.datetime) -> None:
        self.day.setValue(start.date())
        self.start.setValue(start.time().replace(second=0, microsecond=0))
        self.end.setValue(end.time().replace(second=0, microsecond=0))


class NewApplicationDialog(QDialog):
    created = Signal(object)  # ApplicationRecord
    updated = Signal(object)  # ApplicationRecord (edit mode)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        organization: OrganizationRecord | None = None,
        consultation_id: int | None = None,
        record: ApplicationRecord | None = None,
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.editing = record
        self.request_key = str(uuid.uuid4())  # sent with the create: a retried save never stores it twice
        self.consultation_id = consultation_id
        self.saving = False
        self.requiring: tuple[str, ...] = ()
        self.setObjectName("newApplicationDialog")
        self.setStyleSheet(STYLE_SHEET)
        heading = _("申請内容の修正 {ref}").format(ref=record.reference) if record else _("派遣申請の受付")
        self.setWindowTitle(heading)
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(page_title(heading))
        self.error_banner = banner()
        layout.addWidget(self.error_banner)
        self.registration_banner = banner("banner")
        layout.addWidget(self.registration_banner)

        columns = QHBoxLayout()
        columns.setSpacing(18)
        left = QFormLayout()
        self.organization = OrganizationPicker(ctx)
        self.dispatch_type = combo(DispatchType.choices())
        self.field = combo(Field.choices())
        self.topic = QLineEdit()
        self.topic.setMaxLength(200)
        self.topic.setPlaceholderText(_("例: 会計・決算の基礎"))
        self.venue = QLineEdit()
        self.venue.setMaxLength(200)
        self.venue.setPlaceholderText(_("例: ○○公民館 会議室"))
        self.errors.add_row(left, "organization_id", _("申請する団体"), self.organization)
        self.errors.add_row(left, "dispatch_type", _("派遣の種類"), self.dispatch_type)
        self.errors.add_row(left, "field", _("分野"), self.field)
        self.errors.add_row(left, "topic", _("テーマ"), self.topic)
        self.errors.add_row(left, "venue", _("会場"), self.venue)
        # the marker of a visit at the center is its venue naming the center (domain/venue.py)
        self.center_venue_button = QPushButton(_("会場はセンター"))
        self.center_venue_button.setObjectName("centerVenueButton")
        self.center_venue_button.setAutoDefault(False)
        self.center_venue_button.clicked.connect(self.venue_at_center)
        venue_hint = plain_label(
            _(
                "センターの名前が入った会場はセンターでの実施として、休館日には予約できません。センター外の会場なら祝日・定休日でも予約できます。"
            )
        )
        venue_hint.setObjectName("hint")
        venue_hint.setWordWrap(True)
        venue_row = QVBoxLayout()
        venue_row.addWidget(self.center_venue_button, 0, Qt.AlignmentFlag.AlignLeft)
        venue_row.addWidget(venue_hint)
        left.addRow("", venue_row)
        left_col = QVBoxLayout()
        left_col.addLayout(left)
        left_col.addStretch(1)
        columns.addLayout(left_col, 1)

        right = QFormLayout()
        grid_box = QWidget()
        grid = QGridLayout(grid_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(plain_label(_("日付")), 0, 1)
        grid.addWidget(plain_label(_("開始")), 0, 2)
        grid.addWidget(plain_label(_("終了")), 0, 3)
        self.preferred_rows = [PreferredRow(n) for n in range(1, 4)]
        for i, row in enumerate(self.preferred_rows, start=1):
            grid.addWidget(plain_label(_("第{n}希望").format(n=i)), i, 0)
            grid.addWidget(row.day, i, 1)
            grid.addWidget(row.start, i, 2)
            grid.addWidget(row.end, i, 3)
        self.errors.add_row(right, "preferred", _("希望日時"), grid_box)
        self.expected_participants = QSpinBox()
        self.expected_participants.setRange(0, 9999)
        self.expected_participants.setSuffix(_(" 人"))
        self.errors.add_row(right, "expected_participants", _("参加予定人数"), self.expected_participants)
        support_box = QWidget()
        support_row = QHBoxLayout(support_box)
        support_row.setContentsMargins(0, 0, 0, 0)
        self.support = {}
        for value, label in Support.choices():
            self.support[value] = QCheckBox(label)
            support_row.addWidget(self.support[value])
        support_row.addStretch(1)
        self.errors.add_row(right, "support", _("参加サポート"), support_box)
        self.sessions = QSpinBox()
        self.sessions.setRange(1, 12)
        self.sessions.setSuffix(_(" 回"))
        self.sessions.setToolTip(_("同じ件で何回か派遣するときは回数を増やします(1件の申請に複数の回)。"))
        sessions_row = self.errors.add_row(right, "sessions", _("回数"), self.sessions)
        self.received_on = date_edit(label=_("受付日"))
        received_row = self.errors.add_row(right, "received_on", _("受付日"), self.received_on)
        if record is not None:  # visits are added and called off on the application's screen
            right.setRowVisible(sessions_row, False)
            right.setRowVisible(received_row, False)
            hint = plain_label(_("回の追加・中止は申請の画面の「派遣の回」で行います。"))
            hint.setObjectName("hint")
            right.addRow("", hint)
        right_col = QVBoxLayout()
        right_col.addLayout(right)
        right_col.addStretch(1)
        columns.addLayout(right_col, 1)
        layout.addLayout(columns, 1)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            _("修正を保存 (Ctrl+S)") if record else _("受け付ける (Ctrl+S)"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(_("キャンセル"), QDialogButtonBox.ButtonRole.RejectRole)
        for b in (self.save_button, self.cancel_button):
            b.setAutoDefault(False)
        self.save_button.clicked.connect(lambda: self.save())
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)

        self.organization.chosen.connect(lambda _o: self._check_registration())
        self.dispatch_type.currentIndexChanged.connect(lambda _i: self._check_registration())
        if organization is not None:
            self.organization.set_record(organization)
        if record is not None:
            self._fill_from(record)
        settings = ctx.services.settings
        ctx.tasks.run(
            lambda _p: settings.get().dispatch_types_requiring_registration, on_done=self._got_requirements, owner=self
        )
        fit_to_screen(self, 1020, 560)
        (self.dispatch_type if organization is not None or record is not None else self.organization).setFocus()

    def venue_at_center(self) -> None:
        """「会場はセンター」: the center's name (from the settings) as the venue, a room may follow."""
        settings = self.ctx.services.settings

        def fill(name: str) -> None:
            if not (
                self.venue.text().strip() and _plain_contains(self.venue.text(), name)
            ):  # keep a room typed after it
                self.venue.setText(name)
            self.venue.setFocus()
            self.venue.end(False)

        self.ctx.tasks.run(lambda _p: settings.get().center_name, on_done=fill, owner=self)

    def _fill_from(self, app: ApplicationRecord) -> None:
        """Edit mode: the form shows the application; the organization is fixed."""
        self.organization.edit.setText(app.organization_name)
        self.organization.setEnabled(False)
        actor, organizations = self.ctx.require_actor(), self.ctx.services.organizations
        self.ctx.tasks.run(
            lambda _p: organizations.get(actor, app.organization_id), on_done=self.organization.set_record, owner=self
        )
        select_data(self.dispatch_type, app.dispatch_type)
        select_data(self.field, app.field)
        self.topic.setText(app.topic)
        self.venue.setText(app.venue)
        for row, (start, end) in zip(self.preferred_rows, app.preferred):
            row.set_value(start, end)
        self.expected_participants.setValue(app.expected_participants)
        for value, box in self.support.items():
            box.setChecked(value in app.support)
        self.sessions.setValue(max(1, len(app.sessions)))
        self.received_on.setValue(app.received_on)

    def _got_requirements(self, types: tuple[str, ...]) -> None:
        self.requiring = tuple(types)
        self._check_registration()

    def _check_registration(self) -> None:
        org, dtype = self.organization.record, self.dispatch_type.currentData()
        if (
            org is not None
            and dtype in self.requiring
            and org.registration_status != RegistrationStatus.REGISTERED.value
        ):
            show_text(
                self.registration_banner,
                _(
                    "「{type}」は「協働をすすめる市民団体」に登録済みの団体だけが申請できます。この団体は「{status}」です。"
                ).format(type=DispatchType(dtype).label(), status=org.registration_label),
            )
        else:
            show_text(self.registration_banner, "")

    def collect(self) -> ApplicationInput:
        preferred = tuple(v for v in (r.value() for r in self.preferred_rows) if v is not None)
        return ApplicationInput(
            organization_id=self.editing.organization_id if self.editing else self.organization.organization_id() or 0,
            dispatch_type=self.dispatch_type.currentData(),
            field=self.field.currentData(),
            topic=self.topic.text(),
            preferred=preferred,
            venue=self.venue.text(),
            expected_participants=self.expected_participants.value(),
            support=tuple(k for k, box in self.support.items() if box.isChecked()),
            sessions=self.sessions.value(),
            received_on=self.received_on.value(),
            consultation_id=self.consultation_id,
        )

    def save(self, *, confirmed: bool = False) -> None:
        if self.saving:
            return
        problem = date_problem(self)  # a date or time that cannot be read: the field says why
        if problem is not None:
            show_text(self.error_banner, problem)
            return
        data = self.collect()
        self.error_banner.hide()
        if not data.organization_id:  # say it before asking the database
            self.errors.show({"organization_id": _("「申請する団体」を検索して一覧から選んでください。")})
            self.organization.setFocus()
            return
        questions = intake_questions(data, self.editing.received_on if self.editing else None)
        if questions and not confirmed:
            self._ask(questions)
            return
        self.saving = True
        self.save_button.setEnabled(False)
        actor, dispatch, editing = self.ctx.require_actor(), self.ctx.services.dispatch, self.editing
        if editing is not None:
            self.ctx.tasks.run(
                lambda _p: dispatch.update_application(actor, editing.id, editing.version, data),
                on_done=self._updated,
                on_error=self._failed,
                write=True,
                owner=self,
            )
            return
        key = self.request_key
        self.ctx.tasks.run(
            lambda _p: dispatch.create(actor, data, request_key=key),
            on_done=self._created,
            on_error=self._failed,
            write=True,
            owner=self,
        )

    def _ask(self, questions: dict[str, str]) -> None:
        """A 希望日 before the 受付日, or 0 participants: possible, but also a slip — ask."""
        text = "\n".join(questions.values()) + "\n\n" + _("このまま受け付けますか?")
        box = confirm_box(self, text, _("このまま保存する"), _("入力に戻る"), _("確認"))
        box.setObjectName("intakeQuestion")
        first = next(iter(questions))

        def answered(_result: int) -> None:
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
                self.save(confirmed=True)
                return
            target = self.expected_participants if first == "expected_participants" else self.preferred_rows[0].day
            if first == "preferred":
                received = self.editing.received_on if self.editing else self.received_on.value()
                target = next(
                    (r.day for r in self.preferred_rows if r.day.value() is not None and r.day.value() < received),
                    target,
                )
            target.setFocus(Qt.FocusReason.OtherFocusReason)

        box.finished.connect(answered)
        self.question = box
        box.open()

    def _updated(self, record: ApplicationRecord) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.errors.clear()
        self.record = record
        self.ctx.events.emit_changed("dispatch", [record.id])
        self.updated.emit(record)
        self.accept()

    def _created(self, record: ApplicationRecord) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.errors.clear()
        self.record = record
        self.ctx.events.emit_changed("dispatch", [record.id])
        self.created.emit(record)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            first = self.errors.show(exc.errors)
            others = self.errors.unknown(exc.errors)
            show_text(self.error_banner, "\n".join(others))
            if first:
                self.errors.widgets[first].setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, StaleEdit):  # what was typed stays; the message says how to go on
            self.errors.clear()
            show_text(self.error_banner, str(exc))
        else:
            report_error(self, exc, self.ctx.log_file)
