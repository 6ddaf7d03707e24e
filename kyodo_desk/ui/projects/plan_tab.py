"""計画と目標: the plan periods, their items and targets, each item's values per fiscal year, and the
surveys behind the satisfaction figure.  Everyone may look; only administrators change anything."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.domain.permissions import Permission
from kyodo_desk.domain.projects import ValueSource
from kyodo_desk.i18n import _, format_date
from kyodo_desk.services.plan import Kpi, PlanKpis
from kyodo_desk.services.plan_records import PeriodRecord, PlanItemRecord, ShownValue, SurveyRecord
from kyodo_desk.ui.context import AppContext
from kyodo_desk.ui.projects.plan_dialogs import ItemDialog, PeriodDialog, SurveyDialog, YearValueDialog
from kyodo_desk.ui.widgets.page import plain_label
from kyodo_desk.ui.widgets.rows_table import Row, RowsTable


def figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    text = str(int(value)) if float(value).is_integer() else f"{value:.1f}"
    return f"{text}{unit}"


def target_text(kpi: Kpi) -> str:
    text = _("{value}({year}年度)").format(value=figure(kpi.target_value, kpi.unit), year=kpi.target_year)
    return _("{target} 以上").format(target=text) if kpi.target_is_minimum else text


class PlanTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or dt.date.today()
        self.can_edit = ctx.require_actor().can(Permission.PLAN_EDIT)
        self.periods: list[PeriodRecord] = []
        self.kpis: PlanKpis | None = None
        self.surveys: list[SurveyRecord] = []
        self.dialog = None
        self._select_period: int | None = None  # a period just added or edited: shown next
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)

        top = QHBoxLayout()
        top.addWidget(QLabel(_("計画期間")))
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("planPeriod")
        self.period_combo.setMinimumWidth(320)
        self.period_combo.currentIndexChanged.connect(lambda _i: self.load_kpis())
        top.addWidget(self.period_combo)
        self.period_state = plain_label()
        self.period_state.setObjectName("hint")
        top.addWidget(self.period_state, 1)
        self.add_period_button = self._button(_("期間を追加…"), self.add_period, "addPeriodButton")
        self.edit_period_button = self._button(_("期間を編集…"), self.edit_period)
        self.add_item_button = self._button(_("項目を追加…"), self.add_item)
        for b in (self.add_period_button, self.edit_period_button, self.add_item_button):
            top.addWidget(b)
        layout.addLayout(top)

        self.items = RowsTable(
            [_("項目"), _("値の出どころ"), _("参考値"), _("現状値"), _("目標"), _("現在の値"), _("進捗")], stretch=0
        )
        self.items.setObjectName("planItems")
        self.items.setTabKeyNavigation(False)  # Tab leaves the table (arrows move in it)
        self.items.set_right_aligned({2, 3, 5, 6})
        self.items.selection_changed.connect(self._item_selected)
        self.items.activated.connect(lambda _i: self.edit_item())
        layout.addWidget(self.items, 2)

        detail = QHBoxLayout()
        self.detail_title = plain_label()
        self.detail_title.setObjectName("sectionTitle")
        detail.addWidget(self.detail_title, 1)
        self.edit_item_button = self._button(_("項目を編集…"), self.edit_item)
        self.delete_item_button = self._button(_("項目を外す…"), self.delete_item)
        self.survey_button = self._button(_("アンケート結果を入力…"), self.add_survey, "addSurveyButton")
        self.value_button = self._button(_("年度の値を入力…"), self.add_year_value)
        for b in (self.edit_item_button, self.delete_item_button, self.survey_button, self.value_button):
            detail.addWidget(b)
        layout.addLayout(detail)
        self.years = RowsTable([_("年度"), _("値"), _("出どころ")], stretch=2)
        self.years.setObjectName("planYears")
        self.years.setTabKeyNavigation(False)
        self.years.set_right_aligned({1})
        self.years.activated.connect(lambda _i: self.add_year_value())
        self.survey_table = RowsTable([_("実施日"), _("調査名"), _("回答者数"), _("満足"), _("満足度")], stretch=1)
        self.survey_table.setObjectName("planSurveys")
        self.survey_table.setTabKeyNavigation(False)
        self.survey_table.set_right_aligned({2, 3, 4})
        self.survey_table.activated.connect(lambda index: self.edit_survey(index.row()))
        tables = QHBoxLayout()
        tables.addWidget(self.years, 1)
        tables.addWidget(self.survey_table, 1)
        layout.addLayout(tables, 2)
        hint = plain_label(
            _(
                "登録団体数と協働事業数は窓口の記録から数えます。満足度はアンケートの回答者数と満足と答えた人数から"
                "計算します。計画期間と目標の変更は管理者が行います。"
            )
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        ctx.events.data_changed.connect(self._data_changed)
        self._item_selected()
        self.load()

    def _button(self, text: str, slot, name: str = "") -> QPushButton:
        button = QPushButton(text, self)  # parented first: a shown parentless button is a window
        if name:
            button.setObjectName(name)
        button.clicked.connect(slot)
        button.setVisible(self.can_edit)
        return button

    # ---- loading --------------------------------------------------------------------------
    def load(self) -> None:
        actor, plan = self.ctx.require_actor(), self.ctx.services.plan
        self.ctx.tasks.run(lambda _p: plan.periods(actor), on_done=self._periods, owner=self)

    def _periods(self, periods: list[PeriodRecord]) -> None:
        chosen = self._select_period or self.period_combo.currentData()
        self._select_period = None
        self.periods = periods
        fy = fiscal_year_of(self.today)
        in_force = next((p.id for p in periods if p.first_fiscal_year <= fy <= p.last_fiscal_year), None)
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        for p in periods:
            self.period_combo.addItem(
                _("{name}({a}〜{b}年度)").format(name=p.name, a=p.first_fiscal_year, b=p.last_fiscal_year), p.id
            )
        pick = (
            chosen
            if chosen is not None
            else (in_force if in_force is not None else (periods[0].id if periods else None))
        )
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(pick)))
        self.period_combo.blockSignals(False)
        self.edit_period_button.setEnabled(bool(periods))
        self.add_item_button.setEnabled(bool(periods))
        self.load_kpis()

    def period(self) -> PeriodRecord | None:
        pid = self.period_combo.currentData()
        return next((p for p in self.periods if p.id == pid), None)

    def load_kpis(self) -> None:
        period = self.period()
        if period is None:
            self.items.set_rows([])
            self.period_state.setText(_("計画期間がまだありません。「期間を追加…」で登録します。"))
            return
        fy = fiscal_year_of(self.today)
        if fy > period.last_fiscal_year:
            state = _("この計画の期間は終了しました。")
        elif fy < period.first_fiscal_year:
            state = _("これから始まる計画です。")
        else:
            state = _("実施中の計画です。")
        self.period_state.setText(state)
        actor, plan, today = self.ctx.require_actor(), self.ctx.services.plan, self.today
        self.ctx.tasks.run(lambda _p: plan.period_kpis(actor, period.id, today), on_done=self._kpis, owner=self)

    def _kpis(self, kpis: PlanKpis) -> None:
        self.kpis = kpis
        row_before = max(0, self.items.currentRow())
        period = self.period()
        items = period.items if period else ()
        rows = []
        for item, kpi in zip(items, kpis.kpis):
            current = figure(kpi.current_value, kpi.unit)
            if kpi.current_fiscal_year is not None:
                current = _("{value}({year}年度)").format(value=current, year=kpi.current_fiscal_year)
            rows.append(
                Row(
                    [
                        kpi.name,
                        item.source_label,
                        _fig_year(item.reference_value, item.reference_year, kpi.unit),
                        _fig_year(item.baseline_value, item.baseline_year, kpi.unit),
                        target_text(kpi),
                        current,
                        "—" if kpi.progress is None else f"{kpi.progress * 100:.0f}%",
                    ],
                    data=item,
                    tooltip=f"{kpi.name}\n{item.note}".strip(),
                )
            )
        self.items.set_rows(rows)
        if rows:
            self.items.selectRow(min(row_before, len(rows) - 1))
        self._item_selected()

    def item(self) -> PlanItemRecord | None:
        return self.items.row_data(self.items.currentRow())

    def kpi(self) -> Kpi | None:
        row = self.items.currentRow()
        return self.kpis.kpis[row] if self.kpis is not None and 0 <= row < len(self.kpis.kpis) else None

    def _item_selected(self) -> None:
        item, kpi = self.item(), self.kpi()
        self.edit_item_button.setEnabled(item is not None)
        self.delete_item_button.setEnabled(item is not None)
        self.survey_button.setEnabled(item is not None and item.source == ValueSource.SURVEY)
        self.value_button.setEnabled(item is not None and item.source == ValueSource.MANUAL)
        self.survey_table.setVisible(item is not None and item.source == ValueSource.SURVEY)
        if item is None or kpi is None:
            self.detail_title.setText("")
            self.years.set_rows([])
            return
        self.detail_title.setText(_("{name} の年度別の値").format(name=item.name))
        period = self.period()
        first = period.first_fiscal_year if period else 0
        self.years.set_rows(
            [
                Row(
                    [
                        _("{fy}年度").format(fy=pt.fiscal_year),
                        figure(pt.value, kpi.unit),
                        _("計画書の数値") if pt.fiscal_year < first else item.source_label,
                    ],
                    data=pt.fiscal_year,
                )
                for pt in kpi.trend
            ]
        )
        if item.source == ValueSource.SURVEY:
            actor, plan, key = self.ctx.require_actor(), self.ctx.services.plan, item.key
            self.ctx.tasks.run(lambda _p: plan.surveys(actor, key), on_done=self._surveys, owner=self)

    def _surveys(self, surveys: list[SurveyRecord]) -> None:
        self.surveys = surveys
        self.survey_table.set_rows(
            [
                Row(
                    [
                        format_date(s.conducted_on),
                        s.name,
                        _("{n}人").format(n=s.respondents),
                        _("{n}人").format(n=s.satisfied),
                        f"{s.percent:.1f}%",
                    ],
                    data=s,
                )
                for s in surveys
            ]
        )

    def _data_changed(self, kind: str, _ids: list) -> None:
        if kind == "plan" or kind.startswith("plan_"):  # this desk's "plan"; another desk's plan_survey ...
            self.load()
        elif kind in ("project", "registration", "organization"):
            self.load_kpis()

    # ---- editing (administrators) ------------------------------------------------------------
    def _open(self, dialog):
        if not self.can_edit:
            return None
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def _saved(self, result) -> None:
        if isinstance(result, PeriodRecord):
            self._select_period = result.id

    def add_period(self):
        latest = max(self.periods, key=lambda p: p.last_fiscal_year, default=None)
        return self._open(PeriodDialog(self.ctx, None, self.window(), previous=latest))

    def edit_period(self):
        period = self.period()
        return self._open(PeriodDialog(self.ctx, period, self.window())) if period else None

    def add_item(self):
        period = self.period()
        return self._open(ItemDialog(self.ctx, period, None, self.window())) if period else None

    def edit_item(self):
        period, item = self.period(), self.item()
        return self._open(ItemDialog(self.ctx, period, item, self.window())) if period and item else None

    def delete_item(self):
        """Take an item out of its period, after a question (its surveys and typed values stay)."""
        item = self.item()
        if item is None or not self.can_edit:
            return None
        self.confirm_box = QMessageBox(
            QMessageBox.Icon.Question,
            _("確認"),
            _("「{name}」をこの計画期間の項目から外しますか?アンケートや年度の値の記録は残ります。").format(
                name=item.name
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.window(),
        )
        self.confirm_box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.confirm_box.button(QMessageBox.StandardButton.Yes).setText(_("外す"))
        self.confirm_box.button(QMessageBox.StandardButton.Cancel).setText(_("やめる"))
        self.confirm_box.buttonClicked.connect(lambda button, item=item: self._delete_answered(button, item))
        self.confirm_box.open()
        return self.confirm_box

    def _delete_answered(self, button, item: PlanItemRecord) -> None:
        if self.confirm_box.standardButton(button) != QMessageBox.StandardButton.Yes:
            return
        actor, plan = self.ctx.require_actor(), self.ctx.services.plan
        self.ctx.tasks.run(
            lambda _p: plan.delete_item(actor, item.id),
            on_done=lambda _r: self.ctx.events.emit_changed("plan", []),
            write=True,
            owner=self,
        )

    def add_survey(self):
        item = self.item()
        if item is None or item.source != ValueSource.SURVEY:
            return None
        return self._open(SurveyDialog(self.ctx, item.key, None, self.window()))

    def edit_survey(self, row: int):
        item = self.item()
        survey = self.survey_table.row_data(row)
        return self._open(SurveyDialog(self.ctx, item.key, survey, self.window())) if item and survey else None

    def add_year_value(self):
        item, kpi = self.item(), self.kpi()
        if item is None or kpi is None or item.source != ValueSource.MANUAL:
            return None
        fy = self.years.row_data(self.years.currentRow()) or fiscal_year_of(self.today)
        value = next((pt.value for pt in kpi.trend if pt.fiscal_year == fy), None)
        period = self.period()
        # the years of the period up to this one show the stored value: a save over another desk's
        # change of it is refused (earlier years show the plan's own figures, later ones nothing yet)
        stored = period is not None and period.first_fiscal_year <= fy <= fiscal_year_of(self.today)
        shown = ShownValue(value) if stored else None
        return self._open(YearValueDialog(self.ctx, item, fy, value, self.window(), shown=shown))


def _fig_year(value: float | None, year: int | None, unit: str) -> str:
    if value is None:
        return "—"
    return _("{value}({year}年)").format(value=figure(value, unit), year=year) if year else figure(value, unit)
