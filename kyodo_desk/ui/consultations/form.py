"""The consultation form: every field of an intake, laid out for the keyboard.

Focus starts at 受付方法; Tab walks 種別 → 団体 → 人数 → 相談分類 (Space ticks) → 要旨 → 詳細 → 回答
→ 対応時間 → フォローアップ → 紹介(紹介先・理由・結果・結果のメモ) → 案件.  Fields that do not apply yet (the person without an
organization, the due date without a next action, the referral reason without a target, the case
title unless 「新しい案件」, the referral's outcome without a target) are disabled, so Tab skips them and the anonymous path stays short.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.consultation import (
    REQUESTER_FOR_KIND,
    Channel,
    FollowUpAction,
    ReferralOutcome,
    ReferralTarget,
    RequesterType,
)
from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.i18n import _
from kyodo_desk.services.consultation_validation import OUTCOME_NOTE_LIMIT
from kyodo_desk.services.consultations import ConsultationInput, ConsultationRecord
from kyodo_desk.services.organizations import OrganizationRecord
from kyodo_desk.ui.consultations.category_tree import CategoryTree
from kyodo_desk.ui.consultations.common import choice_combo, set_combo_data
from kyodo_desk.ui.consultations.org_field import OrganizationField
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.widgets.date_edit import DateTimeField, OptionalDateEdit
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import plain_label

NEW_CASE = -1
NEW_PERSON = -1


def _select(combo: QComboBox, value) -> None:
    """Show *value* without announcing it as the user's choice."""
    combo.blockSignals(True)
    set_combo_data(combo, value)
    combo.blockSignals(False)


def _text_box(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class ConsultationForm(QWidget):
    organization_changed = Signal(object)  # OrganizationRecord | None
    person_requested = Signal()  # 「新しい人…」 chosen in the person list

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.errors = FieldErrors()
        self._received_touched = False
        self._programmatic = False
        self._people_seq = self._cases_seq = 0
        self._wanted_person: int | None = None
        self._wanted_case: int | None = None
        self._wanted_assignee: int | None = None

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)

        intake = QGroupBox(_("受付"))
        f = QFormLayout(intake)
        self.received_at = DateTimeField()
        self.channel = choice_combo(Channel.choices())
        self.requester_type = choice_combo(RequesterType.choices())
        self.organization = OrganizationField(ctx)
        self.person = QComboBox()
        self.person.setMinimumContentsLength(10)
        self.people_count = QSpinBox()
        self.people_count.setRange(1, 999)
        self.people_count.setSuffix(_(" 人"))
        self.errors.add_row(f, "received_at", _("受付日時"), self.received_at)
        self.errors.add_row(f, "channel", _("受付方法"), self.channel)
        self.errors.add_row(f, "requester_type", _("相談者の種別"), self.requester_type)
        self.errors.add_row(f, "organization_id", _("団体"), self.organization)
        self.errors.add_row(f, "person_id", _("相談者(個人)"), self.person)
        self.errors.add_row(f, "people_count", _("人数"), self.people_count)
        grid.addWidget(intake, 0, 0)

        cats = QGroupBox(_("相談分類(Space で選択・複数可)"))
        cats_layout = QVBoxLayout(cats)
        self.categories = CategoryTree(ctx)
        self.categories.setMinimumHeight(220)
        cats_layout.addWidget(self.categories, 1)
        message = plain_label()
        message.setObjectName("fieldError")
        message.setWordWrap(True)
        message.hide()
        cats_layout.addWidget(message)
        self.errors.widgets["category_ids"] = self.categories  # the message sits under the tree
        self.errors.labels["category_ids"] = message
        self.errors.order.append("category_ids")
        grid.addWidget(cats, 0, 1)

        content = QGroupBox(_("内容"))
        f = QFormLayout(content)
        self.summary = QLineEdit()
        self.summary.setMaxLength(200)
        self.summary.setPlaceholderText(_("例: NPO法人の設立手続きについて"))
        self.details = _text_box(3)
        self.answer = _text_box(3)
        self.minutes_spent = QSpinBox()
        self.minutes_spent.setRange(0, 1440)
        self.minutes_spent.setSingleStep(5)
        self.minutes_spent.setSuffix(_(" 分"))
        self.errors.add_row(f, "summary", _("相談の要旨"), self.summary)
        self.errors.add_row(f, "details", _("相談の詳細"), self.details)
        self.errors.add_row(f, "answer", _("回答・案内"), self.answer)
        self.errors.add_row(f, "minutes_spent", _("対応時間"), self.minutes_spent)
        grid.addWidget(content, 0, 2)

        follow = QGroupBox(_("フォローアップ"))
        f = QFormLayout(follow)
        self.followup_action = choice_combo(FollowUpAction.choices(), (_("(なし)"), None))
        self.followup_due = OptionalDateEdit()
        self.followup_assignee = QComboBox()
        self.followup_assignee.addItem(_("(未定)"), None)
        self.followup_done = QCheckBox(_("対応済み"))
        self.errors.add_row(f, "followup_action", _("次の対応"), self.followup_action)
        self.errors.add_row(f, "followup_due", _("期限"), self.followup_due)
        self.errors.add_row(f, "followup_assignee_id", _("担当"), self.followup_assignee)
        self.errors.add_row(f, "followup_done", "", self.followup_done)
        grid.addWidget(follow, 1, 0)

        referral = QGroupBox(_("他機関紹介"))
        f = QFormLayout(referral)
        self.referral_to = choice_combo(ReferralTarget.choices(), (_("(なし)"), None))
        self.referral_detail = QLineEdit()
        self.referral_detail.setPlaceholderText(_("例: 市民協働推進課"))
        self.referral_reason = QLineEdit()
        self.errors.add_row(f, "referral_to", _("紹介先"), self.referral_to)
        self.errors.add_row(f, "referral_detail", _("紹介先の名前"), self.referral_detail)
        self.referral_outcome = choice_combo(ReferralOutcome.choices(), (_("未確認"), None))
        self.referral_outcome_note = QLineEdit()
        self.referral_outcome_note.setMaxLength(OUTCOME_NOTE_LIMIT)
        self.referral_outcome_note.setPlaceholderText(_("例: 担当者と面談できた"))
        self.errors.add_row(f, "referral_reason", _("紹介の理由"), self.referral_reason)
        self.errors.add_row(f, "referral_outcome", _("紹介の結果"), self.referral_outcome)
        self.errors.add_row(f, "referral_outcome_note", _("結果のメモ"), self.referral_outcome_note)
        grid.addWidget(referral, 1, 1)

        case = QGroupBox(_("案件(続きものの相談)"))
        f = QFormLayout(case)
        self.case = QComboBox()
        self.case_title = QLineEdit()
        self.case_title.setPlaceholderText(_("例: NPO法人化"))
        self.errors.add_row(f, "case_id", _("案件"), self.case)
        self.errors.add_row(f, "case_title", _("新しい案件名"), self.case_title)
        grid.addWidget(case, 1, 2)
        grid.setColumnStretch(0, 6)
        grid.setColumnStretch(1, 4)
        grid.setColumnStretch(2, 6)
        grid.setRowStretch(0, 1)

        self._fill_cases([])
        self._fill_people([])
        for a, b in zip(self.tab_chain(), self.tab_chain()[1:]):
            QWidget.setTabOrder(a, b)

        self.received_at.dateTimeChanged.connect(self._received_changed)
        self.organization.chosen.connect(self._organization_chosen)
        self.person.activated.connect(self._person_activated)
        self.person.currentIndexChanged.connect(self._person_changed)
        self.case.currentIndexChanged.connect(lambda _i: setattr(self, "_wanted_case", self.case.currentData()))
        self.followup_assignee.currentIndexChanged.connect(
            lambda _i: setattr(self, "_wanted_assignee", self.followup_assignee.currentData())
        )
        self.followup_action.currentIndexChanged.connect(self._followup_changed)
        self.referral_to.currentIndexChanged.connect(lambda _i: self._sync_enabled())
        self.case.currentIndexChanged.connect(lambda _i: self._sync_enabled())
        self._load_staff()

    def tab_chain(self) -> list[QWidget]:
        return [
            self.received_at,
            self.channel,
            self.requester_type,
            self.organization.edit,
            self.person,
            self.people_count,
            self.categories,
            self.summary,
            self.details,
            self.answer,
            self.minutes_spent,
            self.followup_action,
            self.followup_due.edit,
            self.followup_assignee,
            self.followup_done,
            self.referral_to,
            self.referral_detail,
            self.referral_reason,
            self.referral_outcome,
            self.referral_outcome_note,
            self.case,
            self.case_title,
        ]

    # ---- data in and out --------------------------------------------------------------------
    def fill(self, data: ConsultationInput, *, organization: OrganizationRecord | None = None) -> None:
        """Show *data* (a new blank intake has ``received_at`` None: the time of saving is used)."""
        self._programmatic = True
        self._received_touched = data.received_at is not None
        self.received_at.setDateTime(QDateTime(data.received_at or dt.datetime.now().replace(second=0, microsecond=0)))
        set_combo_data(self.channel, data.channel)
        set_combo_data(self.requester_type, data.requester_type)
        self.organization.choose(organization, emit=False)
        self._wanted_person, self._wanted_case = data.person_id, data.case_id
        self._fill_people([])
        self._fill_cases([])
        if organization is not None or data.case_id:
            self._load_org_lists(organization.id if organization else None)
        self.people_count.setValue(data.people_count)
        self.categories.load_year(fiscal_year_of(self.received_date()), data.category_ids)
        self.summary.setText(data.summary)
        self.details.setPlainText(data.details)
        self.answer.setPlainText(data.answer)
        self.minutes_spent.setValue(data.minutes_spent)
        set_combo_data(self.followup_action, data.followup_action)
        self.followup_due.setValue(data.followup_due)
        _select(self.followup_assignee, data.followup_assignee_id)
        self._wanted_assignee = data.followup_assignee_id
        self.followup_done.setChecked(data.followup_done)
        set_combo_data(self.referral_to, data.referral_to)
        self.referral_detail.setText(data.referral_detail)
        self.referral_reason.setText(data.referral_reason)
        set_combo_data(self.referral_outcome, data.referral_outcome)
        self.referral_outcome_note.setText(data.referral_outcome_note)
        self.case_title.clear()
        self.errors.clear()
        self._programmatic = False
        self._sync_enabled()

    def fill_record(self, record: ConsultationRecord, organization: OrganizationRecord | None) -> None:
        self.fill(record.as_input(), organization=organization)

    def collect(self) -> ConsultationInput:
        case = self._wanted_case  # what was chosen, even while the lists are still loading
        person = self._wanted_person
        action = self.followup_action.currentData()
        referred = self.referral_to.currentData() is not None
        return ConsultationInput(
            received_at=self.received_at.dateTime().toPython() if self._received_touched else None,
            channel=self.channel.currentData(),
            requester_type=self.requester_type.currentData(),
            organization_id=self.organization.organization_id(),
            person_id=person if person not in (None, NEW_PERSON) else None,
            people_count=self.people_count.value(),
            category_ids=self.categories.checked_ids(),
            summary=self.summary.text(),
            details=self.details.toPlainText(),
            answer=self.answer.toPlainText(),
            minutes_spent=self.minutes_spent.value(),
            case_id=case if case not in (None, NEW_CASE) else None,
            followup_action=self.followup_action.currentData(),
            followup_due=self.followup_due.value() if action else None,
            followup_assignee_id=self._wanted_assignee if action else None,
            followup_done=self.followup_done.isChecked() if action else False,
            referral_to=self.referral_to.currentData(),
            referral_detail=self.referral_detail.text(),
            referral_reason=self.referral_reason.text(),
            referral_outcome=self.referral_outcome.currentData() if referred else None,
            referral_outcome_note=self.referral_outcome_note.text() if referred else "",
        )

    def new_case_title(self) -> str | None:
        """The title typed for 「新しい案件」, or None when no new case is wanted."""
        return self.case_title.text() if self._wanted_case == NEW_CASE else None

    def received_date(self) -> dt.date:
        return self.received_at.dateTime().toPython().date()

    def refresh_now(self) -> None:
        """A blank intake keeps showing the current time until the user changes it."""
        if not self._received_touched and not self.received_at.edit.isModified():  # not while a time is being typed
            self._programmatic = True
            self.received_at.setDateTime(QDateTime(dt.datetime.now().replace(second=0, microsecond=0)))
            self._programmatic = False

    def show_errors(self, errors: dict[str, str]) -> QWidget | None:
        """Messages next to their fields; returns the widget to focus (the first bad field)."""
        errors = dict(errors)
        if "title" in errors:
            errors["case_title"] = errors.pop("title")
        first = self.errors.show(errors)
        widget = self.errors.widgets.get(first) if first else None
        return self.organization.edit if widget is self.organization else widget

    # ---- reactions ------------------------------------------------------------------------------
    def _received_changed(self, _value) -> None:
        if self._programmatic:
            return
        self._received_touched = True
        self.categories.load_year(fiscal_year_of(self.received_date()))

    def _organization_chosen(self, org: OrganizationRecord | None) -> None:
        if org is not None and org.kind in REQUESTER_FOR_KIND:
            set_combo_data(self.requester_type, REQUESTER_FOR_KIND[org.kind].value)
        self._wanted_person = None
        self._wanted_case = NEW_CASE if self._wanted_case == NEW_CASE else None
        self._fill_people([])
        self._fill_cases([])
        if org is not None:
            self._load_org_lists(org.id)
        self._sync_enabled()
        self.organization_changed.emit(org)

    def _load_org_lists(self, org_id: int | None) -> None:
        actor, sv = self.ctx.require_actor(), self.ctx.services
        self._people_seq += 1
        self._cases_seq += 1
        pseq, cseq = self._people_seq, self._cases_seq
        wanted_case = self._wanted_case if self._wanted_case not in (None, NEW_CASE) else None
        if org_id is not None:
            self.ctx.tasks.run(
                lambda _p: sv.people.for_organization(actor, org_id),
                on_done=lambda rows: self._fill_people(rows, pseq),
                owner=self,
            )

        def cases(_p):
            found = sv.consultations.cases(actor, organization_id=org_id) if org_id is not None else []
            if wanted_case is not None and all(c.id != wanted_case for c in found):
                found.append(sv.consultations.case(actor, wanted_case))
            return found

        self.ctx.tasks.run(cases, on_done=lambda rows: self._fill_cases(rows, cseq), owner=self)

    def _fill_people(self, people, seq: int | None = None) -> None:
        if seq is not None and seq != self._people_seq:
            return
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem(_("(記録しない)"), None)
        for p in people:
            self.person.addItem(p.name, p.id)
        if self.organization.record is not None:
            self.person.addItem(_("新しい人を登録…"), NEW_PERSON)
        set_combo_data(self.person, self._wanted_person)
        self.person.blockSignals(False)
        self._sync_enabled()

    def add_person(self, person_id: int, name: str) -> None:
        self.person.insertItem(self.person.count() - 1, name, person_id)
        self._wanted_person = person_id
        set_combo_data(self.person, person_id)

    def _person_changed(self, _index: int) -> None:
        if self.person.currentData() != NEW_PERSON:
            self._wanted_person = self.person.currentData()

    def _person_activated(self, _index: int) -> None:
        if self.person.currentData() == NEW_PERSON:
            _select(self.person, self._wanted_person)
            self.person_requested.emit()

    def _fill_cases(self, cases, seq: int | None = None) -> None:
        if seq is not None and seq != self._cases_seq:
            return
        self.case.blockSignals(True)
        self.case.clear()
        self.case.addItem(_("(なし)"), None)
        self.case.addItem(_("新しい案件"), NEW_CASE)
        for c in cases:
            if c.status == "open" or c.id == self._wanted_case:
                self.case.addItem(
                    _("{title}({status}・{opened}〜)").format(
                        title=c.title, status=c.status_label, opened=f"{c.opened_on:%Y/%m/%d}"
                    ),
                    c.id,
                )
        set_combo_data(self.case, self._wanted_case)
        self.case.blockSignals(False)
        self._sync_enabled()

    def _followup_changed(self, _index: int) -> None:
        if not self._programmatic and self.followup_action.currentData():
            if self.followup_due.value() is None:
                self.followup_due.setValue(dt.date.today() + dt.timedelta(days=1))
            if self._wanted_assignee is None:
                set_combo_data(self.followup_assignee, self.ctx.require_actor().staff_id)
                self._wanted_assignee = self.ctx.require_actor().staff_id
        self._sync_enabled()

    def _sync_enabled(self) -> None:
        self.person.setEnabled(self.organization.record is not None or self._wanted_person is not None)
        on = self.followup_action.currentData() is not None
        for w in (self.followup_due, self.followup_assignee, self.followup_done):
            w.setEnabled(on)
        on = self.referral_to.currentData() is not None
        for w in (self.referral_detail, self.referral_reason, self.referral_outcome, self.referral_outcome_note):
            w.setEnabled(on)
        self.case_title.setEnabled(self._wanted_case == NEW_CASE)

    def _load_staff(self) -> None:
        staff = self.ctx.services.staff
        self.ctx.tasks.run(lambda _p: staff.list(include_inactive=True), on_done=self._fill_staff, owner=self)

    def _fill_staff(self, rows) -> None:
        combo = self.followup_assignee
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("(未定)"), None)
        for r in rows:
            combo.addItem(r.display_name if r.active else _("{name}(退職)").format(name=r.display_name), r.id)
        set_combo_data(combo, self._wanted_assignee)
        combo.blockSignals(False)
