"""ホーム on the real main window: the plan's KPI cards with their charts, 「今日の窓口」 lists that
open their record with Enter, the monthly activity chart — on an empty database and on demo data."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from sqlalchemy import select

from kyodo_desk.db.dispatch_models import DispatchApplication, DispatchSession
from kyodo_desk.db.models import Organization
from tests.ui.replay import activate, desk, focused, press, tab_until  # noqa: F401

TODAY = dt.date.today()


def _ensure_plan(services, admin_actor) -> None:
    """PostgreSQL tests start from empty tables (without migration 0009's seeded 2021 plan)."""
    from kyodo_desk.services.plan_records import PeriodInput, PlanItemInput

    if services.plan.kpis(admin_actor, TODAY) is not None:
        return
    period = services.plan.create_period(admin_actor, PeriodInput("金沢市協働推進計画2021", 2021, 2025))
    services.plan.save_item(
        admin_actor,
        period.id,
        PlanItemInput("協働をすすめる市民団体登録団体数", "団体", "registrations", 2016, 35, 2020, 43, 2025, 50, True),
    )


def _wait_home(qtbot, win):
    home = win.pages["home"]
    qtbot.waitUntil(lambda: win.ctx.tasks.pending == 0, timeout=15000)
    return home


def test_home_on_an_empty_database_says_there_is_nothing_yet(qtbot, desk):
    win = desk(demo_data=False)
    home = _wait_home(qtbot, win)
    assert not hasattr(home, "registered_label")  # the hard-coded single target is gone
    assert home.followups_card.summary.text() == "今日までのフォローアップはありません。"
    assert home.loans_card.summary.text() == "今日返却予定の貸出と延滞中の貸出はありません。"
    assert home.visits_card.summary.text() == "今日のアドバイザー派遣はありません。"
    assert home.reservations_card.summary.text() == "今日渡す予約はありません。"
    assert "更新を迎える登録団体はありません" in home.renewals_card.summary.text()
    assert home.activity_card.totals.text() == "今年度の相談・貸出・派遣はまだ記録がありません。"
    assert not home.activity_card.chart.isVisible()
    plan_line = home.plan.period_label.text()
    if home.plan.cards:  # SQLite: migration 0009 seeds the 2021 plan, which has ended by 令和8年度
        assert "金沢市協働推進計画2021" in plan_line
        assert all(card.chart.labels for card in home.plan.cards)
    else:
        assert "計画の目標はまだ登録されていません" in plan_line


def test_home_with_demo_data_shows_targets_today_and_months(qtbot, desk, services):
    win = desk()
    admin_actor = win.ctx.actor
    _ensure_plan(services, admin_actor)
    home = win.pages["home"]
    home.refresh()
    _wait_home(qtbot, win)
    assert home.plan.cards, "the plan's KPI cards"
    card = next(c for c in home.plan.cards if c.kpi.source == "registrations")
    assert "目標 50団体以上" in card.target_label.text()
    assert card.chart.isVisible() and len(card.chart.labels) == len(card.kpi.trend)
    if TODAY > dt.date(2026, 3, 31):
        assert "計画期間終了" in home.plan.period_label.text() and "次期計画は策定中" in home.plan.period_label.text()
    activity = home.activity_card.activity
    assert activity is not None and not activity.empty and home.activity_card.chart.isVisible()
    assert sum(home.activity_card.chart.series_values["相談"]) == activity.totals[0]
    assert home.loans_card.list.count() > 0  # the demo has overdue loans


def test_enter_on_a_today_entry_opens_the_record(qtbot, desk, services):
    win = desk()
    with services.db.write() as s:  # a visit at 14:00 today
        org_id = s.scalars(select(Organization.id).order_by(Organization.id)).first()
        app = DispatchApplication(
            reference="D9999-00001",
            fiscal_year=2026,
            organization_id=org_id,
            dispatch_type="advisor",
            field="management",
            topic="今日の派遣テスト",
            venue="公民館",
            status="decided",
            received_on=TODAY - dt.timedelta(days=20),
        )
        s.add(app)
        s.flush()
        s.add(
            DispatchSession(
                application_id=app.id,
                number=1,
                start_at=dt.datetime.combine(TODAY, dt.time(14)),
                end_at=dt.datetime.combine(TODAY, dt.time(16)),
                status="planned",
            )
        )
        app_id = app.id
    home = win.pages["home"]
    home.refresh()
    _wait_home(qtbot, win)
    assert any("今日の派遣テスト" in line for line in home.visits_card.lines())

    # the overdue loans: Tab reaches the list, Enter opens the loan on the lending page
    loans = home.loans_card
    tab_until(qtbot, lambda w: w is loans.list)
    loans.list.setCurrentRow(0)
    press(qtbot, Qt.Key.Key_Return)
    lending = win.pages["lending"]
    qtbot.waitUntil(
        lambda: lending.desk.loan_dialog is not None and lending.desk.loan_dialog.isVisible(), timeout=10000
    )
    assert lending.desk.loan_dialog.loan.id == loans.loans[0].id and win.current_page_key() == "lending"
    lending.desk.loan_dialog.reject()
    activate(qtbot, win)  # the window has the keys again once the loan is closed

    # today's visit: back home, Tab to the list, Enter opens the application
    win.show_page("home")
    _wait_home(qtbot, win)
    visits = home.visits_card
    tab_until(qtbot, lambda w: w is visits.list)
    row = next(i for i, e in enumerate(visits.entries) if e.application_id == app_id)
    visits.list.setCurrentRow(row)
    dispatch = win.pages["dispatch"]
    with qtbot.waitSignal(dispatch.dialog_opened, timeout=10000) as opened:
        press(qtbot, Qt.Key.Key_Return)
    assert opened.args[0].app_id == app_id and win.current_page_key() == "dispatch"
    opened.args[0].reject()


def test_the_annual_report_is_saved_from_home_as_pdf_and_excel(qtbot, desk, tmp_path, monkeypatch):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from kyodo_desk.ui.dashboard import annual_report_row

    win = desk()
    row = win.pages["home"].activity_card.annual_report
    assert row is not None and row.year.count() == annual_report_row.YEARS_OFFERED
    row.year.setCurrentIndex(1)  # last fiscal year
    fy = row.fiscal_year()
    target = tmp_path / "年次報告.pdf"
    monkeypatch.setattr(annual_report_row, "ask_save_path", lambda *_a, **_k: target)
    with qtbot.waitSignal(row.saved, timeout=60000):
        row.save_button.click()
    text = PdfReader(target).pages[0].extract_text()
    assert "年次報告" in text and str(fy) in text
    with qtbot.waitSignal(row.saved, timeout=60000) as done:
        row.save(tmp_path / "年次報告.xlsx")
    assert "月別の活動" in load_workbook(done.args[0]).sheetnames
