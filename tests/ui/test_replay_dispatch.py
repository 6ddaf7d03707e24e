"""Advisor dispatch (アドバイザー派遣) replayed through the real main window: the 希望日 and times
typed the ways people type them, the questions about a 希望日 before the 受付日 and 0 participants,
an impossible date refused, Escape in the scheduling dialog, the proposed time inside the advisor's
hours, and a booking that hits a conflict overridden with a reason.  Asserted in the database.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog
from kyodo_desk.domain.enums import RegistrationStatus
from kyodo_desk.services.advisors import windows_on
from kyodo_desk.services.dispatch import ApplicationInput
from kyodo_desk.services.organizations import OrganizationFilter
from tests.ui.conftest import sign_in
from tests.ui.replay import activate, desk, focused, press, tab_until, type_text, wait_dialog  # noqa: F401

CTRL = Qt.KeyboardModifier.ControlModifier
TODAY = dt.date.today()


def _idle(qtbot, ctx) -> None:
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=10000)


def _retype(qtbot, text: str) -> None:
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, text, human=True)
    press(qtbot, Qt.Key.Key_Tab)


def _registered_org(services, actor):
    return next(
        o
        for o in services.organizations.page(actor, OrganizationFilter(), limit=300)
        if o.registration_status == RegistrationStatus.REGISTERED.value
    )


def _new_application_dialog(qtbot, win, services, actor):
    from kyodo_desk.ui.dispatch.application_dialog import NewApplicationDialog

    page = win.show_page("dispatch")
    org = _registered_org(services, actor)
    page.start_for_organization(org.id)
    dialog = wait_dialog(qtbot, NewApplicationDialog)
    activate(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.organization.record is not None, timeout=5000)
    _idle(qtbot, win.ctx)
    tab_until(qtbot, lambda w: w is dialog.topic)
    type_text(qtbot, "会計の基礎", human=True)
    return dialog, org


def _reiwa(day: dt.date) -> str:
    return f"令和{day.year - 2018}年{day.month}月{day.day}日"


def _question(qtbot) -> QMessageBox:
    box = wait_dialog(qtbot, QMessageBox)
    activate(qtbot, box)
    return box


def test_preferred_date_and_times_typed_as_people_type_them(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    before = len(services.dispatch.list(actor))
    dialog, org = _new_application_dialog(qtbot, win, services, actor)
    wished = dt.date(TODAY.year + 1, 4, 1)
    row = dialog.preferred_rows[0]
    tab_until(qtbot, lambda w: w is row.day.edit)
    _retype(qtbot, _reiwa(wished))  # 令和8年4月1日
    assert focused() is row.start.edit and row.day.text() == f"{wished:%Y/%m/%d}"
    _retype(qtbot, "1430")
    assert focused() is row.end.edit
    _retype(qtbot, "16時")
    second = dialog.preferred_rows[1]
    tab_until(qtbot, lambda w: w is second.day.edit)
    _retype(qtbot, f"R{wished.year - 2018}.4.8")
    _retype(qtbot, "9:05")
    _retype(qtbot, "１１：３０")  # full width
    tab_until(qtbot, lambda w: w is dialog.expected_participants)
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "12", human=True)
    with qtbot.waitSignal(dialog.created, timeout=10000) as created:
        press(qtbot, Qt.Key.Key_S, CTRL)
    app = services.dispatch.get(actor, created.args[0].id)
    assert app.organization_id == org.id and app.expected_participants == 12
    assert app.preferred == (
        (dt.datetime.combine(wished, dt.time(14, 30)), dt.datetime.combine(wished, dt.time(16, 0))),
        (dt.datetime(wished.year, 4, 8, 9, 5), dt.datetime(wished.year, 4, 8, 11, 30)),
    )
    assert len(services.dispatch.list(actor)) == before + 1


def test_zero_participants_and_a_wish_before_the_received_day_are_asked_about(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    before = len(services.dispatch.list(actor))
    dialog, _org = _new_application_dialog(qtbot, win, services, actor)
    received = dt.date(TODAY.year, 6, 10)
    tab_until(qtbot, lambda w: w is dialog.received_on.edit)
    _retype(qtbot, f"{received.month}/{received.day}")  # 受付日: month/day = this year
    assert dialog.received_on.value() == received
    row = dialog.preferred_rows[0]
    tab_until(qtbot, lambda w: w is row.day.edit)
    _retype(qtbot, f"{received.year}/6/1")  # before the 受付日
    press(qtbot, Qt.Key.Key_S, CTRL)  # participants still 0
    box = _question(qtbot)
    assert "「希望日時」" in box.text() and "「受付日」" in box.text() and "「参加予定人数」が0人" in box.text()
    press(qtbot, Qt.Key.Key_Return)  # the default answer is 入力に戻る
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=5000)
    activate(qtbot, dialog)  # what the window manager does when the question closes
    _idle(qtbot, win.ctx)
    assert len(services.dispatch.list(actor)) == before and dialog.isVisible()
    assert focused() is row.day.edit  # the first field asked about
    _retype(qtbot, f"{received.year}/6/20")  # corrected; 0 participants is meant (not known yet)
    press(qtbot, Qt.Key.Key_S, CTRL)
    box = _question(qtbot)
    assert "「参加予定人数」が0人" in box.text() and "希望日時" not in box.text()
    with qtbot.waitSignal(dialog.created, timeout=10000) as created:
        box.button(QMessageBox.StandardButton.Yes).click()  # このまま保存する
    app = services.dispatch.get(actor, created.args[0].id)
    assert app.received_on == received and app.expected_participants == 0
    assert app.preferred[0][0] == dt.datetime(received.year, 6, 20, 13, 0)


def test_impossible_preferred_date_is_refused_naming_the_field(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    before = len(services.dispatch.list(actor))
    dialog, _org = _new_application_dialog(qtbot, win, services, actor)
    row = dialog.preferred_rows[0]
    tab_until(qtbot, lambda w: w is row.day.edit)
    _retype(qtbot, "2025/02/30")
    _retype(qtbot, "25:00")
    assert row.day.text() == "2025/02/30" and row.start.text() == "25:00"
    assert row.day.error().startswith("第1希望の日付") and "2月に30日はありません" in row.day.error()
    assert row.start.error().startswith("第1希望の開始") and "25時" in row.start.error()
    tab_until(qtbot, lambda w: w is dialog.expected_participants)
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "5", human=True)
    press(qtbot, Qt.Key.Key_S, CTRL)
    _idle(qtbot, win.ctx)
    assert len(services.dispatch.list(actor)) == before
    assert "第1希望の日付" in dialog.error_banner.text() and focused() is row.day.edit
    assert row.day.text() == "2025/02/30"  # what was typed stays


def _application(services, actor, org, *, preferred=()):
    return services.dispatch.create(
        actor,
        ApplicationInput(
            organization_id=org.id, topic="会計の基礎", venue="公民館", expected_participants=10, preferred=preferred
        ),
    )


def _schedule_dialog(qtbot, win, app_id):
    from kyodo_desk.ui.dispatch.scheduling import ScheduleDialog

    page = win.show_page("dispatch")
    detail = page.open_application(app_id)
    activate(qtbot, detail)
    qtbot.waitUntil(lambda: detail.app is not None and detail.sessions.rowCount() > 0, timeout=10000)
    detail.sessions.setFocus()
    detail.sessions.setCurrentCell(0, 0)
    press(qtbot, Qt.Key.Key_D, CTRL)
    dialog = wait_dialog(qtbot, ScheduleDialog)
    activate(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.advisor.count() > 1, timeout=10000)
    _idle(qtbot, win.ctx)
    return dialog


def _advisor_with_hours(services, actor):
    advisors = [
        a
        for a in services.advisors.list(actor)
        if a.windows and "management" in a.fields and "advisor" in a.dispatch_types
    ]
    assert advisors, "the demo has advisors for 経営・運営"
    return advisors[0]


def _day_with_window(advisor, start: dt.date) -> dt.date:
    day = start
    while not windows_on(advisor, day):
        day += dt.timedelta(days=1)
    return day


def test_booking_over_a_conflict_is_overridden_with_a_reason(qtbot, desk, services, db):
    win = desk()
    actor = sign_in(services, "admin")
    org = _registered_org(services, actor)
    advisor = _advisor_with_hours(services, actor)
    day = _day_with_window(advisor, TODAY + dt.timedelta(days=40))
    a, b = windows_on(advisor, day)[0]
    start = dt.datetime.combine(day, a)
    end = min(start + dt.timedelta(hours=1), dt.datetime.combine(day, b))
    first = _application(services, actor, org)
    services.dispatch.book(actor, first.sessions[0].id, advisor.id, start, end)
    second = _application(services, actor, org)
    dialog = _schedule_dialog(qtbot, win, second.id)

    tab_until(qtbot, lambda w: w is dialog.advisor)
    for _i in range(dialog.advisor.count()):
        if dialog.advisor.currentData() == advisor.id:
            break
        press(qtbot, Qt.Key.Key_Down)
    assert dialog.advisor.currentData() == advisor.id
    tab_until(qtbot, lambda w: w is dialog.day.edit)
    _retype(qtbot, f"R{day.year - 2018}.{day.month}.{day.day}")  # the same advisor, the same hour
    _retype(qtbot, f"{start:%H%M}")
    _retype(qtbot, f"{end:%H:%M}")
    assert dialog.chosen() == (advisor.id, start, end)
    press(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(dialog.problem_banner.isVisible, timeout=10000)
    assert first.reference in dialog.problem_banner.text()
    assert focused() is dialog.override_reason
    assert services.dispatch.get(actor, second.id).sessions[0].advisor_id is None  # nothing booked yet
    type_text(qtbot, "団体とアドバイザーが了承済み", human=True)
    with qtbot.waitSignal(dialog.booked, timeout=10000):
        press(qtbot, Qt.Key.Key_S, CTRL)
    session = services.dispatch.get(actor, second.id).sessions[0]
    assert (session.advisor_id, session.start_at, session.end_at) == (advisor.id, start, end)
    assert session.override_reason == "団体とアドバイザーが了承済み"
    with db.read() as s:
        details = s.scalars(select(AuditLog.detail).where(AuditLog.action == "override")).all()
    assert any(d.endswith("団体とアドバイザーが了承済み") for d in details)


def test_scheduling_proposes_a_time_inside_the_advisors_hours_and_escape_asks(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    org = _registered_org(services, actor)
    advisor = _advisor_with_hours(services, actor)
    day = _day_with_window(advisor, TODAY + dt.timedelta(days=50))
    early = (dt.datetime.combine(day, dt.time(6, 0)), dt.datetime.combine(day, dt.time(7, 0)))  # before anyone's hours
    app = _application(services, actor, org, preferred=(early,))
    dialog = _schedule_dialog(qtbot, win, app.id)
    tab_until(qtbot, lambda w: w is dialog.advisor)
    for _i in range(dialog.advisor.count()):
        if dialog.advisor.currentData() == advisor.id:
            break
        press(qtbot, Qt.Key.Key_Down)
    assert dialog.advisor.currentData() == advisor.id
    _chosen_advisor, start, end = dialog.chosen()
    assert start.date() == day
    assert any(a <= start.time() and end.time() <= b for a, b in windows_on(advisor, day)), (
        start,
        end,
        advisor.windows,
    )

    # Escape after typing asks; the safe answer (Enter) keeps what was typed
    tab_until(qtbot, lambda w: w is dialog.start.edit)
    _retype(qtbot, f"{start:%H:%M}")
    press(qtbot, Qt.Key.Key_Escape)
    box = _question(qtbot)
    assert "破棄" in box.text()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=5000)
    activate(qtbot, dialog)  # what the window manager does when the question closes
    assert dialog.isVisible() and dialog.chosen()[1] == start
    press(qtbot, Qt.Key.Key_Escape)
    box = _question(qtbot)
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert services.dispatch.get(actor, app.id).sessions[0].advisor_id is None


def test_without_a_wished_day_the_proposal_is_a_day_and_time_the_advisor_works(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    org = _registered_org(services, actor)
    advisor = _advisor_with_hours(services, actor)
    app = _application(services, actor, org)  # no 希望日時 (taken by phone: "any day")
    dialog = _schedule_dialog(qtbot, win, app.id)
    tab_until(qtbot, lambda w: w is dialog.advisor)
    for _i in range(dialog.advisor.count()):
        if dialog.advisor.currentData() == advisor.id:
            break
        press(qtbot, Qt.Key.Key_Down)
    _chosen_advisor, start, end = dialog.chosen()
    assert start.date() >= TODAY + dt.timedelta(days=14)
    assert any(a <= start.time() and end.time() <= b for a, b in windows_on(advisor, start.date())), (
        start,
        end,
        advisor.windows,
    )
    assert "この日: なし" not in dialog.windows_label.text()
