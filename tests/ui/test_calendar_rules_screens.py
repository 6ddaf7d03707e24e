"""Closed days on the screens of the real main window (issue 15): a reservation on a 休館日 is refused
at its field with the next open day, what was typed kept; a visit at a 町会 hall on a national holiday
is booked with the note shown while scheduling and on the application."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt

from kyodo_desk.services.advisors import AdvisorInput, Window
from kyodo_desk.services.dispatch import ApplicationInput
from kyodo_desk.services.organizations import OrganizationInput
from tests.ui.test_dispatch_helpers import activate, ime_type
from tests.ui.test_lending_support import TODAY, idle, lending  # noqa: F401  (fixture)

CTRL = Qt.KeyboardModifier.ControlModifier


def _main_window(qtbot, make_ctx, actor):
    from kyodo_desk.ui.main_window import MainWindow

    win = MainWindow(make_ctx(actor))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    return win


def _set(edit, day: dt.date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


def test_reserving_on_a_closed_day_is_refused_at_the_field_and_keeps_the_form(
    qtbot, make_ctx, services, admin, lending
):
    cal = services.calendar
    closed = cal.calendar().next_open_day(TODAY + dt.timedelta(days=12))
    cal.add_center_day(admin, closed, "館内点検")
    after = cal.calendar().next_open_day(closed)
    win = _main_window(qtbot, make_ctx, admin)
    page = win.show_page("lending")
    idle(qtbot, win.ctx)
    tab = page.show_tab(page.reservations)
    tab.organization.choose(lending.org)
    _set(tab.start, closed)
    _set(tab.end, after + dt.timedelta(days=1))
    with qtbot.waitSignal(tab.availability_shown, timeout=5000):
        tab.check_button.click()
    assert tab.tick("KD-0001")
    ime_type(tab.purpose, "町会の総会")
    tab.reserve_button.click()
    qtbot.waitUntil(lambda: tab.errors.message("start_on") != "", timeout=5000)
    assert tab.errors.message("start_on") == (f"「開始日」{closed:%m/%d} は休館日です。{after:%m/%d} はいかがですか。")
    assert tab.start.date().toPython() == closed and tab.purpose.text() == "町会の総会"  # nothing typed is lost
    assert tab.reserve_button.isEnabled() and services.reservations.active(admin) == []

    _set(tab.start, after)  # the day offered
    with qtbot.waitSignal(tab.reserved, timeout=5000) as reserved:
        tab.reserve_button.click()
    assert reserved.args[0].start_on == after and "予約を受け付けました" in tab.message.text()
    win.close()


def test_a_visit_at_a_hall_on_a_national_holiday_is_booked_with_a_note(qtbot, make_ctx, services, admin):
    culture_day = dt.date(TODAY.year + 1, 11, 3)
    org = services.organizations.create(
        admin, OrganizationInput(kind="neighborhood", name="森山町会", name_kana="モリヤマチョウカイ")
    )
    advisor = services.advisors.save(
        admin,
        AdvisorInput(
            name="浅野 修",
            name_kana="アサノ オサム",
            fields=("accounting",),
            dispatch_types=("advisor",),
            windows=tuple(Window(d, dt.time(9), dt.time(21)) for d in range(7)),
        ),
    )
    app = services.dispatch.create(
        admin,
        ApplicationInput(
            organization_id=org.id,
            dispatch_type="advisor",
            field="accounting",
            topic="町会の会計",
            venue="森山町会 集会所",
            preferred=((dt.datetime.combine(culture_day, dt.time(10)), dt.datetime.combine(culture_day, dt.time(12))),),
        ),
    )
    win = _main_window(qtbot, make_ctx, admin)
    page = win.show_page("dispatch")
    qtbot.waitUntil(lambda: page.applications.count_label.text() != "", timeout=5000)
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        page.open_application(app.id)
    detail = activate(qtbot, opened.args[0])
    qtbot.waitUntil(lambda: detail.app is not None, timeout=5000)
    assert not detail.session_notes.isVisible()  # nothing booked yet
    with qtbot.waitSignal(detail.child_opened, timeout=5000) as child:
        detail.schedule_selected()
    dialog = activate(qtbot, child.args[0])
    qtbot.waitUntil(lambda: dialog.advisor.count() > 1, timeout=5000)
    note = "祝日(文化の日)です。会場はセンター外のため予約できます。"
    dialog.select(
        advisor.id, dt.datetime.combine(culture_day, dt.time(10)), dt.datetime.combine(culture_day, dt.time(12))
    )
    qtbot.waitUntil(lambda: dialog.day_note.isVisible() and dialog.day_note.text() == note, timeout=5000)
    with qtbot.waitSignal(dialog.booked, timeout=5000) as booked:
        qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    assert booked.args[0].start_at.date() == culture_day and booked.args[0].override_reason == ""  # no override
    qtbot.waitUntil(lambda: detail.session_notes.isVisible(), timeout=5000)
    assert detail.session_notes.text() == f"第1回(11/03): {note}"
    win.close()
