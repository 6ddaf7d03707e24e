"""A typed yearly value of the plan at two desks: the dialog carries the value the tab showed, so a
save over another desk's value typed meanwhile is refused with the typing kept; years the tab does
not show from storage (after this fiscal year) are not checked."""

from __future__ import annotations

import datetime as dt

from kyodo_desk.db.engine import Database
from kyodo_desk.services.container import Services
from kyodo_desk.services.plan_records import PeriodInput, PlanItemInput, ShownValue
from kyodo_desk.ui.projects.plan_tab import PlanTab


def _year_row(tab: PlanTab, fiscal_year: int) -> int:
    return next(r for r in range(tab.years.rowCount()) if tab.years.row_data(r) == fiscal_year)


def test_a_year_value_typed_over_another_desks_value_is_refused(qtbot, make_ctx, services, admin, db_url):
    period = services.plan.create_period(admin, PeriodInput("テスト計画2031", 2031, 2035))
    item = services.plan.save_item(
        admin, period.id, PlanItemInput("サロンの開催数", "回", "manual", target_year=2035, target_value=24)
    )
    tab = PlanTab(make_ctx(admin), today=dt.date(2033, 6, 1))
    qtbot.addWidget(tab)
    tab.load()
    qtbot.waitUntil(lambda: tab.kpis is not None and tab.items.rowCount() == 1, timeout=5000)
    tab.items.selectRow(0)
    qtbot.waitUntil(lambda: tab.years.rowCount() == 5, timeout=5000)

    tab.years.selectRow(_year_row(tab, 2034))  # a later year shows nothing from storage: not checked
    later = tab.add_year_value()
    assert later.shown is None
    later.reject()

    tab.years.selectRow(_year_row(tab, 2032))
    dialog = tab.add_year_value()
    assert dialog.shown == ShownValue(None)  # the tab shows 2032 empty
    other = Database.from_url(db_url)
    try:  # another desk types 2032's value while this dialog is open
        Services(other).plan.set_year_value(admin, item.key, 2032, 10, shown=ShownValue(None))
    finally:
        other.dispose()
    dialog.value.setText("14")
    dialog.save()
    qtbot.waitUntil(dialog.error_banner.isVisible, timeout=5000)
    assert "この年度の値は、開いた後に別の窓口で変更されました" in dialog.error_banner.text()
    assert dialog.isVisible() and dialog.value.text() == "14"  # the typing is kept
    assert [(v.fiscal_year, v.value) for v in services.plan.year_values(admin, item.key)] == [(2032, 10)]
