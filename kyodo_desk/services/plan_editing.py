"""The administrator's edits of the plan: periods, their items and targets, surveys, typed values."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kyodo_desk.db.engine import Database
from kyodo_desk.db.plan_models import PlanItem, PlanPeriod, PlanSurvey, PlanValue
from kyodo_desk.domain.enums import AuditAction
from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.projects import ValueSource
from kyodo_desk.domain.text import clean_keep_width
from kyodo_desk.domain.validation import ValidationError, Validator
from kyodo_desk.i18n import _
from kyodo_desk.services.base import Actor, NotFound, StaleEdit, audit, require
from kyodo_desk.services.plan_records import (
    PeriodInput,
    PeriodRecord,
    PlanItemInput,
    PlanItemRecord,
    ShownValue,
    SurveyInput,
    SurveyRecord,
    item_record,
    period_record,
    survey_record,
)

_ITEM_FIELDS = (
    "name",
    "unit",
    "source",
    "reference_year",
    "reference_value",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "target_is_minimum",
    "note",
)


def _year_ok(year: int | None) -> bool:
    return year is not None and 2000 <= year <= 2100


def validate_period(data: PeriodInput) -> PeriodInput:
    v = Validator()
    name = clean_keep_width(data.name)
    v.required("name", _("計画の名称"), name)
    v.max_length("name", _("計画の名称"), name, 200)
    if not _year_ok(data.first_fiscal_year):
        v.add("first_fiscal_year", _("「開始年度」を西暦で入力してください(例: 2026)。"))
    if not _year_ok(data.last_fiscal_year):
        v.add("last_fiscal_year", _("「終了年度」を西暦で入力してください(例: 2030)。"))
    elif _year_ok(data.first_fiscal_year) and data.last_fiscal_year < data.first_fiscal_year:
        v.add("last_fiscal_year", _("「終了年度」は開始年度と同じか後の年度にしてください。"))
    v.raise_if_any()
    return PeriodInput(name, data.first_fiscal_year, data.last_fiscal_year, data.notes.strip())


def validate_item(data: PlanItemInput) -> PlanItemInput:
    v = Validator()
    name = clean_keep_width(data.name)
    unit = clean_keep_width(data.unit)
    v.required("name", _("項目名"), name)
    v.max_length("name", _("項目名"), name, 200)
    v.required("unit", _("単位"), unit)
    v.max_length("unit", _("単位"), unit, 10)
    if data.source not in {s.value for s in ValueSource}:
        v.add("source", _("「値の出どころ」を一覧から選んでください。"))
    if not _year_ok(data.target_year):
        v.add("target_year", _("「目標年度」を西暦で入力してください(例: 2025)。"))
    if data.target_value is None:
        v.add("target_value", _("「目標値」を数値で入力してください。"))
    for year_field, value_field, label in (
        ("reference_year", "reference_value", _("参考値")),
        ("baseline_year", "baseline_value", _("現状値")),
    ):
        year, value = getattr(data, year_field), getattr(data, value_field)
        if (value is not None or year is not None) and not _year_ok(year):
            v.add(year_field, _("「{label}」の年度を西暦で入力してください。").format(label=label))
    if data.source == ValueSource.SURVEY and unit != "%":
        v.add("unit", _("アンケートの満足度の単位は「%」です。"))
    v.raise_if_any()
    return PlanItemInput(
        name=name,
        unit=unit,
        source=data.source,
        reference_year=data.reference_year,
        reference_value=data.reference_value,
        baseline_year=data.baseline_year,
        baseline_value=data.baseline_value,
        target_year=data.target_year,
        target_value=data.target_value,
        target_is_minimum=data.target_is_minimum,
        note=data.note.strip(),
    )


def validate_survey(data: SurveyInput) -> SurveyInput:
    v = Validator()
    name = clean_keep_width(data.name)
    v.required("name", _("調査名"), name)
    v.max_length("name", _("調査名"), name, 200)
    if data.conducted_on is None:
        v.add("conducted_on", _("「実施日」を入力してください(例: 2025-08-01)。"))
    if data.respondents is None or data.respondents <= 0:
        v.add("respondents", _("「回答者数」を1以上の人数で入力してください。"))
    if data.satisfied is None or data.satisfied < 0:
        v.add("satisfied", _("「満足と答えた人数」を0以上の人数で入力してください(割合ではなく人数です)。"))
    elif data.respondents and data.satisfied > data.respondents:
        v.add("satisfied", _("「満足と答えた人数」が回答者数を超えています。"))
    v.raise_if_any()
    return SurveyInput(name, data.conducted_on, data.respondents, data.satisfied)


class PlanEditingMixin:
    db: Database

    # ---- periods --------------------------------------------------------------------
    def create_period(self, actor: Actor, data: PeriodInput, *, copy_items_from: int | None = None) -> PeriodRecord:
        """A new plan period; with *copy_items_from* its items start as a copy of that period's
        (same keys, so survey and typed values carry on; the targets are then edited)."""
        require(actor, Permission.PLAN_EDIT)
        clean = validate_period(data)
        with self.db.write() as s:
            _check_period(s, clean, None)
            row = PlanPeriod(**clean.__dict__)
            s.add(row)
            s.flush()
            if copy_items_from is not None:
                for item in s.scalars(select(PlanItem).where(PlanItem.period_id == copy_items_from)).all():
                    s.add(
                        PlanItem(
                            period_id=row.id,
                            key=item.key,
                            sort_order=item.sort_order,
                            **{f: getattr(item, f) for f in _ITEM_FIELDS},
                        )
                    )
            s.flush()
            audit(s, actor, AuditAction.CREATE, "plan_period", row.id)
            return period_record(s, row)

    def update_period(self, actor: Actor, period_id: int, expected_version: int, data: PeriodInput) -> PeriodRecord:
        require(actor, Permission.PLAN_EDIT)
        clean = validate_period(data)
        try:
            with self.db.write() as s:
                row = s.get(PlanPeriod, period_id)
                if row is None:
                    raise NotFound(_("計画期間が見つかりません。"))
                if row.version != expected_version:
                    raise StaleEdit(_("計画期間"))
                _check_period(s, clean, row.id)
                for k, val in clean.__dict__.items():
                    setattr(row, k, val)
                s.flush()
                audit(s, actor, AuditAction.UPDATE, "plan_period", row.id)
                return period_record(s, row)
        except StaleDataError as exc:
            raise StaleEdit(_("計画期間")) from exc

    # ---- items ----------------------------------------------------------------------
    def save_item(
        self,
        actor: Actor,
        period_id: int,
        data: PlanItemInput,
        *,
        item_id: int | None = None,
        expected_version: int | None = None,
    ) -> PlanItemRecord:
        """Add an item to a period (item_id None) or save an edit of one."""
        require(actor, Permission.PLAN_EDIT)
        clean = validate_item(data)
        try:
            with self.db.write() as s:
                period = s.get(PlanPeriod, period_id)
                if period is None:
                    raise NotFound(_("計画期間が見つかりません。"))
                if item_id is None:
                    order = (
                        s.scalar(select(func.max(PlanItem.sort_order)).where(PlanItem.period_id == period_id)) or 0
                    ) + 1
                    row = PlanItem(period_id=period_id, key=_new_key(s, period_id, clean.source), sort_order=order)
                    s.add(row)
                else:
                    found = s.get(PlanItem, item_id)
                    if found is None or found.period_id != period_id:
                        raise NotFound(_("目標の項目が見つかりません。"))
                    if found.version != expected_version:
                        raise StaleEdit(_("目標の項目"))
                    row = found
                for f in _ITEM_FIELDS:
                    setattr(row, f, getattr(clean, f))
                s.flush()
                audit(s, actor, AuditAction.CREATE if item_id is None else AuditAction.UPDATE, "plan_item", row.id)
                return item_record(row)
        except StaleDataError as exc:
            raise StaleEdit(_("目標の項目")) from exc

    def delete_item(self, actor: Actor, item_id: int) -> None:
        """Remove an item from its period (its surveys and typed values stay, by key)."""
        require(actor, Permission.PLAN_EDIT)
        with self.db.write() as s:
            row = s.get(PlanItem, item_id)
            if row is None:
                raise NotFound(_("目標の項目が見つかりません。"))
            s.delete(row)
            audit(s, actor, AuditAction.DELETE, "plan_item", item_id)

    # ---- surveys and typed values ---------------------------------------------------
    def save_survey(
        self,
        actor: Actor,
        item_key: str,
        data: SurveyInput,
        *,
        survey_id: int | None = None,
        expected_version: int | None = None,
    ) -> SurveyRecord:
        """Enter a survey's respondents and satisfied answers (the % is computed, never typed)."""
        require(actor, Permission.PLAN_EDIT)
        clean = validate_survey(data)
        assert clean.conducted_on is not None and clean.respondents is not None and clean.satisfied is not None
        try:
            with self.db.write() as s:
                if survey_id is None:
                    row = PlanSurvey(item_key=item_key, created_by=actor.staff_id)
                    s.add(row)
                else:
                    found = s.get(PlanSurvey, survey_id)
                    if found is None:
                        raise NotFound(_("アンケートの記録が見つかりません。"))
                    if found.version != expected_version:
                        raise StaleEdit(_("アンケートの記録"))
                    row = found
                row.name, row.conducted_on = clean.name, clean.conducted_on
                row.fiscal_year = fiscal_year_of(clean.conducted_on)
                row.respondents, row.satisfied = clean.respondents, clean.satisfied
                s.flush()
                audit(s, actor, AuditAction.CREATE if survey_id is None else AuditAction.UPDATE, "plan_survey", row.id)
                return survey_record(row)
        except StaleDataError as exc:
            raise StaleEdit(_("アンケートの記録")) from exc

    def delete_survey(self, actor: Actor, survey_id: int) -> None:
        require(actor, Permission.PLAN_EDIT)
        with self.db.write() as s:
            s.execute(delete(PlanSurvey).where(PlanSurvey.id == survey_id))
            audit(s, actor, AuditAction.DELETE, "plan_survey", survey_id)

    def set_year_value(
        self,
        actor: Actor,
        item_key: str,
        fiscal_year: int,
        value: float | None,
        note: str = "",
        *,
        shown: ShownValue | None = None,
    ) -> None:
        """Type (or clear, with None) the value of a "manual" item for one fiscal year.
        *shown*: what the desk showed for that year; when another desk has changed it since, the
        save is refused (StaleEdit) instead of replacing the other desk's value.  None: no check."""
        require(actor, Permission.PLAN_EDIT)
        if not _year_ok(fiscal_year):
            raise ValidationError({"fiscal_year": _("「年度」を西暦で入力してください(例: 2025)。")})
        try:
            with self.db.write() as s:
                row = s.scalar(
                    select(PlanValue).where(PlanValue.item_key == item_key, PlanValue.fiscal_year == fiscal_year)
                )
                if shown is not None and (row.value if row is not None else None) != shown.value:
                    raise StaleEdit(_("年度の値"))
                if value is None:
                    if row is not None:
                        s.delete(row)
                elif row is None:
                    s.add(PlanValue(item_key=item_key, fiscal_year=fiscal_year, value=float(value), note=note.strip()))
                else:
                    row.value, row.note = float(value), note.strip()
                s.flush()
                audit(s, actor, AuditAction.UPDATE, "plan_value", None, f"key={item_key} fy={fiscal_year}")
        except StaleDataError as exc:  # changed or cleared by another desk between the read and the write
            raise StaleEdit(_("年度の値")) from exc
        except IntegrityError as exc:  # another desk typed the first value of the year at the same moment
            if shown is None:
                raise
            raise StaleEdit(_("年度の値")) from exc


def _check_period(s: Session, data: PeriodInput, own_id: int | None) -> None:
    for other in s.scalars(select(PlanPeriod).where(PlanPeriod.id != (own_id or 0))):
        if other.name == data.name:
            raise ValidationError({"name": _("計画「{name}」はすでにあります。").format(name=data.name)})
        if data.first_fiscal_year <= other.last_fiscal_year and other.first_fiscal_year <= data.last_fiscal_year:
            raise ValidationError(
                {
                    "first_fiscal_year": _("期間が「{name}」({a}〜{b}年度)と重なっています。").format(
                        name=other.name, a=other.first_fiscal_year, b=other.last_fiscal_year
                    )
                }
            )


def _new_key(s: Session, period_id: int, source: str) -> str:
    """The key values hang on: the source itself for counted items (the same series in every
    period), a fresh key for a survey or typed item."""
    taken = set(s.scalars(select(PlanItem.key).where(PlanItem.period_id == period_id)))
    if source in (ValueSource.REGISTRATIONS, ValueSource.PROJECTS) and source not in taken:
        return str(source)
    n = 1
    while f"{source}-{n}" in taken:
        n += 1
    return f"{source}-{n}"
