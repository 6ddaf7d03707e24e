"""The administrator's windows for the plan: a period, an item and its targets, a survey, a year's value.

Each window keeps what was typed when a save is refused and shows the message under the field.
Ctrl+S or 保存 saves; Esc closes.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kyodo_desk.domain.projects import ValueSource, survey_percent
from kyodo_desk.domain.validation import ValidationError
from kyodo_desk.i18n import _
from kyodo_desk.services.base import ServiceError
from kyodo_desk.services.plan_records import (
    PeriodInput,
    PeriodRecord,
    PlanItemInput,
    PlanItemRecord,
    ShownValue,
    SurveyInput,
    SurveyRecord,
)
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.projects.editor import NumberProblem, parse_count
from kyodo_desk.ui.style import STYLE_SHEET
from kyodo_desk.ui.widgets.date_edit import OptionalDateEdit, date_problem
from kyodo_desk.ui.widgets.form import FieldErrors
from kyodo_desk.ui.widgets.page import page_title, plain_label
from kyodo_desk.ui.widgets.save_failure import show_save_failure
from kyodo_desk.ui.widgets.screen import fit_to_screen


def parse_value(text: str) -> float | None:
    """「66.8」「50」「７５％」 → float; empty → None; anything else → NumberProblem."""
    clean = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    for unit in ("%", "団体", "件", "人"):
        clean = clean.replace(unit, "")
    if not clean:
        return None
    try:
        return float(clean)
    except ValueError as exc:
        raise NumberProblem(text) from exc


def _shown(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _year_box(value: int | None, *, optional: bool) -> QSpinBox:
    box = QSpinBox()
    box.setRange(1999 if optional else 2000, 2100)
    if optional:
        box.setSpecialValueText(_("(なし)"))
    box.setValue(value if value is not None else (1999 if optional else dt.date.today().year))
    return box


def _year(box: QSpinBox) -> int | None:
    return None if box.value() == box.minimum() and box.specialValueText() else box.value()


class _PlanFormDialog(QDialog):
    """A titled form with field messages, 保存 and キャンセル; subclasses build rows and say how to write."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None):
        super().__init__(parent)
        self.ctx = ctx
        self.saving = False
        self.setStyleSheet(STYLE_SHEET)
        self.setWindowTitle(title)
        self.errors = FieldErrors()
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(20, 14, 20, 14)
        self.layout_.addWidget(page_title(title))
        self.error_banner = plain_label()
        self.error_banner.setObjectName("errorBanner")
        self.error_banner.setWordWrap(True)
        self.error_banner.hide()
        self.layout_.addWidget(self.error_banner)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)

    def finish(self, width: int, height: int) -> None:
        self.layout_.addStretch(1)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("保存 (Ctrl+S)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("planSaveButton")
        cancel = buttons.addButton(_("キャンセル"), QDialogButtonBox.ButtonRole.RejectRole)
        for b in (self.save_button, cancel):
            b.setAutoDefault(False)
            b.setDefault(False)
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        self.layout_.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        fit_to_screen(self, width, height)

    def write_call(self) -> Callable[[], Any]:  # pragma: no cover - each window says
        raise NotImplementedError

    def save(self) -> None:
        if self.saving or date_problem(self) is not None:
            return
        try:
            call = self.write_call()
        except ValidationError as exc:
            self._failed(exc)
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self.error_banner.hide()
        self.ctx.tasks.run(lambda _p: call(), on_done=self._written, on_error=self._failed, write=True, owner=self)

    def _written(self, result) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.saved_result = result
        self.saved.emit(result)
        self.ctx.events.emit_changed("plan", [])
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        show_save_failure(self, self.errors, exc, self._banner, self.ctx.log_file, explained=(ServiceError,))

    def _banner(self, text: str) -> None:
        self.error_banner.setText(text)
        self.error_banner.show()


class PeriodDialog(_PlanFormDialog):
    """A new plan period (optionally starting from the previous one's items) or an edit of one."""

    def __init__(
        self,
        ctx: AppContext,
        record: PeriodRecord | None,
        parent: QWidget | None = None,
        *,
        previous: PeriodRecord | None = None,
    ):
        super().__init__(ctx, _("計画期間の追加") if record is None else _("計画期間の編集"), parent)
        self.record, self.previous = record, previous
        start = record.first_fiscal_year if record else (previous.last_fiscal_year + 1 if previous else 2026)
        self.name = QLineEdit(record.name if record else "")
        self.name.setObjectName("periodName")
        self.name.setPlaceholderText(_("例: 金沢市協働推進計画2026"))
        self.first = _year_box(start, optional=False)
        self.last = _year_box(record.last_fiscal_year if record else start + 4, optional=False)
        self.notes = QPlainTextEdit(record.notes if record else "")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 14)
        self.errors.add_row(self.form, "name", _("計画の名称"), self.name)
        self.errors.add_row(self.form, "first_fiscal_year", _("開始年度"), self.first)
        self.errors.add_row(self.form, "last_fiscal_year", _("終了年度"), self.last)
        self.errors.add_row(self.form, "notes", _("備考"), self.notes)
        self.copy_items = QCheckBox(
            _("「{name}」の項目を引き継ぐ(目標値はあとで直す)").format(name=previous.name) if previous else ""
        )
        self.copy_items.setChecked(previous is not None)
        self.copy_items.setVisible(record is None and previous is not None)
        self.form.addRow("", self.copy_items)
        self.finish(560, 380)
        self.name.setFocus()

    def write_call(self):
        data = PeriodInput(self.name.text(), self.first.value(), self.last.value(), self.notes.toPlainText())
        actor, plan, record = self.ctx.require_actor(), self.ctx.services.plan, self.record
        if record is not None:
            return lambda: plan.update_period(actor, record.id, record.version, data)
        copy = self.previous.id if self.previous is not None and self.copy_items.isChecked() else None
        return lambda: plan.create_period(actor, data, copy_items_from=copy)


class ItemDialog(_PlanFormDialog):
    """One item of a period: its name, unit, where its values come from, the plan's figures and target."""

    def __init__(self, ctx: AppContext, period: PeriodRecord, record: PlanItemRecord | None, parent=None):
        super().__init__(ctx, _("目標の項目の追加") if record is None else _("目標の項目の編集"), parent)
        self.period, self.record = period, record
        data = record or PlanItemInput(target_year=period.last_fiscal_year)
        self.name = QLineEdit(data.name)
        self.name.setObjectName("itemName")
        self.source = QComboBox()
        for value, label in ValueSource.choices():
            self.source.addItem(label, value)
        self.source.setCurrentIndex(max(0, self.source.findData(data.source)))
        self.unit = QLineEdit(data.unit)
        self.unit.setPlaceholderText(_("例: % 団体 件"))
        self.reference_year = _year_box(data.reference_year, optional=True)
        self.reference_value = QLineEdit(_shown(data.reference_value))
        self.baseline_year = _year_box(data.baseline_year, optional=True)
        self.baseline_value = QLineEdit(_shown(data.baseline_value))
        self.target_year = _year_box(data.target_year, optional=False)
        self.target_value = QLineEdit(_shown(data.target_value))
        self.target_value.setObjectName("itemTarget")
        self.minimum = QCheckBox(_("目標は「以上」"))
        self.minimum.setChecked(data.target_is_minimum)
        self.note = QPlainTextEdit(data.note)
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 3 + 14)
        for name, label, widget in (
            ("name", _("項目名"), self.name),
            ("source", _("値の出どころ"), self.source),
            ("unit", _("単位"), self.unit),
            ("reference_year", _("参考値の年度"), self.reference_year),
            ("reference_value", _("参考値"), self.reference_value),
            ("baseline_year", _("現状値の年度"), self.baseline_year),
            ("baseline_value", _("現状値"), self.baseline_value),
            ("target_year", _("目標年度"), self.target_year),
            ("target_value", _("目標値"), self.target_value),
            ("target_is_minimum", "", self.minimum),
            ("note", _("注記"), self.note),
        ):
            self.errors.add_row(self.form, name, label, widget)
        hint = plain_label(_("現状値からの進み具合を、目標値までの割合で示します(参考値・現状値は計画書の数値)。"))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.layout_.addWidget(hint)
        self.finish(620, 640)
        self.name.setFocus()

    def write_call(self):
        problems: dict[str, str] = {}
        values: dict[str, float | None] = {}
        for name in ("reference_value", "baseline_value", "target_value"):
            try:
                values[name] = parse_value(getattr(self, name).text())
            except NumberProblem:
                problems[name] = _("数値で入力してください(例: 66.8、50)。")
        if problems:
            raise ValidationError(problems)
        data = PlanItemInput(
            name=self.name.text(),
            unit=self.unit.text(),
            source=self.source.currentData(),
            reference_year=_year(self.reference_year),
            reference_value=values["reference_value"],
            baseline_year=_year(self.baseline_year),
            baseline_value=values["baseline_value"],
            target_year=self.target_year.value(),
            target_value=values["target_value"],
            target_is_minimum=self.minimum.isChecked(),
            note=self.note.toPlainText(),
        )
        actor, plan, period, record = self.ctx.require_actor(), self.ctx.services.plan, self.period, self.record
        if record is None:
            return lambda: plan.save_item(actor, period.id, data)
        return lambda: plan.save_item(actor, period.id, data, item_id=record.id, expected_version=record.version)


class SurveyDialog(_PlanFormDialog):
    """A survey's respondents and satisfied answers; the percentage is shown, never typed."""

    def __init__(self, ctx: AppContext, item_key: str, record: SurveyRecord | None = None, parent=None):
        super().__init__(ctx, _("アンケート結果の入力") if record is None else _("アンケート結果の修正"), parent)
        self.item_key, self.record = item_key, record
        self.name = QLineEdit(record.name if record else _("市民の地域活動・市民活動に関する意識調査"))
        self.name.setObjectName("surveyName")
        self.conducted_on = OptionalDateEdit()
        self.conducted_on.setObjectName("surveyDate")
        self.conducted_on.setValue(record.conducted_on if record else None)
        self.respondents = QLineEdit(str(record.respondents) if record else "")
        self.respondents.setObjectName("surveyRespondents")
        self.respondents.setPlaceholderText(_("人数(例: 732)"))
        self.satisfied = QLineEdit(str(record.satisfied) if record else "")
        self.satisfied.setObjectName("surveySatisfied")
        self.satisfied.setPlaceholderText(_("「満足」「ある程度満足」と答えた人数"))
        self.percent = plain_label()
        self.percent.setObjectName("surveyPercent")
        self.errors.add_row(self.form, "name", _("調査名"), self.name)
        self.errors.add_row(self.form, "conducted_on", _("実施日"), self.conducted_on)
        self.errors.add_row(self.form, "respondents", _("回答者数"), self.respondents)
        self.errors.add_row(self.form, "satisfied", _("満足と答えた人数"), self.satisfied)
        self.form.addRow(_("満足度"), self.percent)
        for edit in (self.respondents, self.satisfied):
            edit.textChanged.connect(self._show_percent)
        self._show_percent()
        self.finish(560, 380)
        self.name.setFocus()

    def _numbers(self) -> tuple[int | None, int | None, dict[str, str]]:
        problems: dict[str, str] = {}
        out: list[int | None] = []
        for name, message in (
            ("respondents", _("「回答者数」は人数を数字で入力してください(例: 732)。")),
            ("satisfied", _("「満足と答えた人数」は人数を数字で入力してください(割合ではなく人数です)。")),
        ):
            try:
                out.append(parse_count(getattr(self, name).text()))
            except NumberProblem:
                problems[name] = message
                out.append(None)
        return out[0], out[1], problems

    def _show_percent(self) -> None:
        respondents, satisfied, problems = self._numbers()
        if problems or not respondents or satisfied is None or satisfied > respondents:
            self.percent.setText(_("回答者数と満足と答えた人数から計算します"))
            return
        self.percent.setText(
            _("{p}%({s} / {r}人)").format(p=survey_percent(respondents, satisfied), s=satisfied, r=respondents)
        )

    def write_call(self):
        respondents, satisfied, problems = self._numbers()
        if problems:
            raise ValidationError(problems)
        data = SurveyInput(self.name.text(), self.conducted_on.value(), respondents, satisfied)
        actor, plan, key, record = self.ctx.require_actor(), self.ctx.services.plan, self.item_key, self.record
        if record is None:
            return lambda: plan.save_survey(actor, key, data)
        return lambda: plan.save_survey(actor, key, data, survey_id=record.id, expected_version=record.version)


class YearValueDialog(_PlanFormDialog):
    """The value of a typed ("manual") item for one fiscal year; empty clears it."""

    def __init__(
        self,
        ctx: AppContext,
        item: PlanItemRecord,
        fiscal_year: int,
        value: float | None,
        parent=None,
        *,
        shown: ShownValue | None = None,
    ):
        super().__init__(ctx, _("年度の値の入力: {name}").format(name=item.name), parent)
        self.item = item
        self.shown_year, self.shown = fiscal_year, shown  # the stored value this desk showed for that year
        self.fiscal_year = _year_box(fiscal_year, optional=False)
        self.value = QLineEdit(_shown(value))
        self.value.setObjectName("yearValue")
        self.value.setPlaceholderText(_("空にすると消します"))
        self.errors.add_row(self.form, "fiscal_year", _("年度"), self.fiscal_year)
        self.errors.add_row(self.form, "value", _("値({unit})").format(unit=item.unit), self.value)
        self.finish(480, 260)
        self.value.setFocus()

    def write_call(self):
        try:
            value = parse_value(self.value.text())
        except NumberProblem as exc:
            raise ValidationError({"value": _("数値で入力してください(例: 12)。")}) from exc
        actor, plan, key, fy = self.ctx.require_actor(), self.ctx.services.plan, self.item.key, self.fiscal_year.value()
        # another desk's change of the year shown since is refused; a year typed here was not shown
        shown = self.shown if fy == self.shown_year else None
        return lambda: plan.set_year_value(actor, key, fy, value, shown=shown)
