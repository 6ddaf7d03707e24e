"""アドバイザー派遣: calendar, .ics files, printed documents, the roster, statistics, settings,
and how other screens (search box, consultations) reach this one."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from PySide6.QtCore import Qt

from kyodo_desk.services.ics import session_uid
from kyodo_desk.ui.dispatch import common
from kyodo_desk.ui.dispatch.advisor_dialog import AdvisorDialog
from kyodo_desk.ui.dispatch.calendar_view import CalendarTab
from kyodo_desk.ui.dispatch.detail import ApplicationDetailDialog
from tests.ui.conftest import sign_in
from tests.ui.test_dispatch_helpers import activate, at, ime_type, open_detail, open_page, world  # noqa: F401 - fixtures

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def save_to(monkeypatch, tmp_path):
    """Answer the 名前を付けて保存 question with a file in tmp_path."""

    def choose(name):
        target = tmp_path / name
        monkeypatch.setattr(common, "ask_save_path", lambda *_a, **_k: target)
        return target

    return choose


def test_calendar_shows_a_booked_visit_and_opens_it(qtbot, make_ctx, world, admin):
    app = world.application()
    world.book(app, at(world.sat, 13), at(world.sat, 15))
    tab = CalendarTab(make_ctx(admin), today=world.sat)
    qtbot.addWidget(tab)
    tab.resize(1100, 600)
    tab.show()
    qtbot.waitUntil(lambda: tab.advisor.count() > 1 and len(tab.entries) == 1, timeout=5000)
    row, col = tab.cell_of(world.sat, world.advisor.id)
    text = tab.grid.item(row, col).text()
    assert "13:00〜15:00" in text and world.org.name in text and app.reference in text
    assert tab.grid.verticalHeaderItem(row).text() == "浅野 修"
    with qtbot.waitSignal(tab.open_requested, timeout=5000) as opened:
        center = tab.grid.visualItemRect(tab.grid.item(row, col)).center()
        qtbot.mouseClick(
            tab.grid.viewport(), Qt.MouseButton.LeftButton, pos=center
        )  # a real double-click starts with a press
        qtbot.mouseDClick(tab.grid.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert opened.args == [app.id]

    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.month_mode.setChecked(True)
    row, col = tab.cell_of(world.sat)
    assert app.reference in tab.grid.item(row, col).text() and "浅野 修" in tab.grid.item(row, col).text()
    assert (
        tab.grid.item(row, col).text().startswith(str(world.sat.day) if world.sat.day != 1 else f"{world.sat.month}/1")
    )
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.next_button.click()
    assert tab.entries == []  # next month: nothing booked
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.today_button.click()
    assert len(tab.entries) == 1


def test_calendar_per_advisor_and_center(qtbot, make_ctx, world, services, admin):
    from kyodo_desk.services.advisors import AdvisorInput, Window

    other = services.advisors.save(
        admin,
        AdvisorInput(
            name="米田 真由美",
            name_kana="ヨネダ マユミ",
            fields=("accounting",),
            windows=(Window(5, dt.time(9), dt.time(17)),),
        ),
    )
    first, second = world.application(), world.application(world.other)
    world.book(first, at(world.sat, 13), at(world.sat, 15))
    services.dispatch.book(admin, second.sessions[0].id, other.id, at(world.sat, 10), at(world.sat, 12))
    tab = CalendarTab(make_ctx(admin), today=world.sat)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitUntil(lambda: len(tab.entries) == 2, timeout=5000)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.advisor.setCurrentIndex(tab.advisor.findData(other.id))
    assert [a.reference for _s, a in tab.entries] == [second.reference]
    assert tab.grid.rowCount() == 1


def test_application_ics_reads_back_with_icalendar(qtbot, open_page, world, services, admin, save_to):
    app = world.application()
    booked = world.book(app, at(world.sat, 13), at(world.sat, 15))
    page = open_page(admin)
    detail = open_detail(qtbot, page, app.id)
    qtbot.waitUntil(detail.ics_button.isEnabled)
    target = save_to("dispatch.ics")
    with qtbot.waitSignal(detail.documents.ics_saved, timeout=5000):
        detail.ics_button.click()
    (event,) = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert str(event["UID"]) == session_uid(booked.id)
    assert event.decoded("DTSTART").replace(tzinfo=None) == at(world.sat, 13)
    assert world.org.name in str(event["SUMMARY"]) and str(event["LOCATION"]) == "公民館"


def test_advisor_ics_from_the_roster(qtbot, open_page, world, services, admin, save_to):
    first, second = world.application(), world.application(world.other, day=world.sat + dt.timedelta(days=7))
    world.book(first, at(world.sat, 13), at(world.sat, 15))
    services.dispatch.book(
        admin,
        second.sessions[0].id,
        world.advisor.id,
        at(world.sat + dt.timedelta(days=7), 13),
        at(world.sat + dt.timedelta(days=7), 15),
    )
    page = open_page(admin)
    page.tabs.setCurrentWidget(page.advisors)
    qtbot.waitUntil(lambda: page.advisors.table.rowCount() == 1, timeout=5000)
    page.advisors.table.selectRow(0)
    target = save_to("advisor.ics")
    with qtbot.waitSignal(page.advisors.documents.ics_saved, timeout=5000):
        page.advisors.ics_button.click()
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert sorted(e.decoded("DTSTART").date() for e in events) == [world.sat, world.sat + dt.timedelta(days=7)]


def test_notice_preview_builds_a_pdf_that_can_be_saved(qtbot, open_page, world, admin, save_to):
    app = world.application()
    world.book(app, at(world.sat, 13), at(world.sat, 15))
    page = open_page(admin)
    detail = open_detail(qtbot, page, app.id)
    # booked but still 申請受付: the notice would announce a decision not taken yet
    assert not detail.notice_button.isEnabled() and "派遣決定" in detail.notice_button.toolTip()
    app = world.services.dispatch.get(admin, app.id)
    world.services.dispatch.change_status(admin, app.id, app.version, "decided")
    detail.reload()
    qtbot.waitUntil(detail.notice_button.isEnabled)
    with qtbot.waitSignal(detail.documents.preview_opened, timeout=20000) as opened:
        detail.notice_button.click()
    preview = opened.args[0]
    qtbot.waitUntil(lambda: preview.page_count >= 1, timeout=10000)
    assert "派遣決定通知書" in preview.windowTitle()
    target = save_to("notice.pdf")
    with qtbot.waitSignal(preview.saved, timeout=5000):
        preview.save_button.click()
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "派遣決定通知書" in text and app.reference in text and "浅野" in text


def test_advisor_request_menu_lists_the_booked_advisor(qtbot, open_page, world, admin):
    app = world.application()
    world.book(app, at(world.sat, 13), at(world.sat, 15))
    page = open_page(admin)
    detail = open_detail(qtbot, page, app.id)
    actions = detail.request_menu.actions()
    assert [a.text() for a in actions] == ["浅野 修 さんへの依頼書"]
    with qtbot.waitSignal(detail.documents.preview_opened, timeout=20000) as opened:
        actions[0].trigger()
    qtbot.waitUntil(lambda: opened.args[0].page_count >= 1, timeout=10000)
    assert "派遣依頼書" in opened.args[0].windowTitle()


def test_new_advisor_with_evening_and_weekend_windows(qtbot, open_page, world, services, admin):
    page = open_page(admin)
    page.tabs.setCurrentWidget(page.advisors)
    page.advisors.table.setFocus()
    with qtbot.waitSignal(page.advisors.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(page.advisors.table, Qt.Key.Key_N, CTRL)
    dialog: AdvisorDialog = activate(qtbot, opened.args[0])
    ime_type(dialog.name, "谷口 悠斗")
    qtbot.keyClicks(dialog.name_kana, "taniguchi")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors.message("fields") != "", timeout=5000)
    assert "専門分野" in dialog.errors.message("fields")
    assert "カタカナ" in dialog.errors.message("name_kana") and dialog.name_kana.text() == "taniguchi"
    assert not dialog.exceptions.add_button.isEnabled()  # exceptions after the first save

    dialog.name_kana.setText("タニグチ ユウト")
    dialog.fields["pr_design"].setChecked(True)
    dialog.windows.evenings_button.click()
    dialog.windows.weekend_button.click()
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    record = saved.args[0]
    assert [(w.weekday, w.start.hour, w.end.hour) for w in record.windows] == [
        (0, 18, 21),
        (1, 18, 21),
        (2, 18, 21),
        (3, 18, 21),
        (4, 18, 21),
        (5, 13, 17),
        (6, 13, 17),
    ]
    qtbot.waitUntil(lambda: page.advisors.table.rowCount() == 2, timeout=5000)


def test_single_date_exceptions_are_added_and_removed(qtbot, open_page, world, services, admin):
    page = open_page(admin)
    page.tabs.setCurrentWidget(page.advisors)
    qtbot.waitUntil(lambda: page.advisors.table.rowCount() == 1, timeout=5000)
    page.advisors.table.selectRow(0)
    with qtbot.waitSignal(page.advisors.dialog_opened, timeout=5000) as opened:
        page.advisors.open_selected()
    editor = opened.args[0].exceptions
    editor.day.setDate(world.sat)
    ime_type(editor.reason, "出張")
    with qtbot.waitSignal(editor.changed, timeout=5000):
        editor.add_button.click()
    assert services.advisors.get(admin, world.advisor.id).exceptions[0].reason == "出張"
    assert editor.table.rowCount() == 1 and "終日" in editor.table.item(0, 1).text()
    editor.table.selectRow(0)
    with qtbot.waitSignal(editor.changed, timeout=5000):
        editor.remove_button.click()
    assert services.advisors.get(admin, world.advisor.id).exceptions == ()


def test_statistics_table_csv_and_pdf(qtbot, open_page, world, services, admin, save_to):
    page = open_page(admin)
    with qtbot.waitSignal(page.statistics.loaded, timeout=10000):
        page.tabs.setCurrentWidget(page.statistics)
    t = page.statistics.table
    assert t.horizontalHeaderItem(2).text() == "4月" and t.horizontalHeaderItem(t.columnCount() - 1).text() == "合計"
    assert t.item(0, 1).text() == "派遣回数"
    target = save_to("stats.csv")
    with qtbot.waitSignal(page.statistics.exported, timeout=10000):
        page.statistics.csv_button.click()
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "派遣回数" in data.decode("utf-8-sig")
    target = save_to("stats.pdf")
    with qtbot.waitSignal(page.statistics.exported, timeout=20000):
        page.statistics.pdf_button.click()
    text = PdfReader(target).pages[0].extract_text()
    assert "アドバイザー派遣統計" in text and "派遣回数" in text


def test_dispatch_settings_are_for_administrators(qtbot, open_page, world, services, admin, staff_actor):
    assert not open_page(staff_actor).settings_button.isVisible()
    page = open_page(admin)
    assert page.settings_button.isVisible()
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        page.settings_button.click()
    dialog = opened.args[0]
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=5000)
    assert dialog.per_organization.value() == 3 and dialog.buffer.value() == 60
    dialog.per_organization.setValue(5)
    dialog.buffer.setValue(30)
    dialog.requiring["facilitator"].setChecked(True)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()
    stored = services.settings.get()
    assert (stored.dispatch_quota_per_organization, stored.dispatch_travel_buffer_minutes) == (5, 30)
    assert stored.dispatch_types_requiring_registration == ("facilitator",)


def test_ict_promoter_is_told_the_screen_is_not_for_them(qtbot, open_page, ict_actor):
    from PySide6.QtWidgets import QLabel

    page = open_page(ict_actor)
    assert not page.allowed and not page.settings_button.isVisible()
    assert any("アドバイザー派遣を扱えません" in label.text() for label in page.findChildren(QLabel))


def test_search_box_opens_the_application_and_the_advisor(qtbot, window, services):
    admin = sign_in(services, "admin")
    org = services.organizations.page(admin, limit=1)[0]
    from kyodo_desk.services.dispatch import ApplicationInput

    app = services.dispatch.create(
        admin, ApplicationInput(organization_id=org.id, topic="チラシの作り方", field="pr_design")
    )
    page = window.pages["dispatch"]
    window.focus_search()
    qtbot.keyClicks(window.search, app.reference)  # what a staff member types (or a scanner sends)
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(window.search, Qt.Key.Key_Return)
    detail = opened.args[0]
    assert isinstance(detail, ApplicationDetailDialog) and window.current_page_key() == "dispatch"
    qtbot.waitUntil(lambda: detail.app is not None and detail.app.reference == app.reference, timeout=5000)
    detail.close()
    from kyodo_desk.services.advisors import AdvisorInput

    advisor = services.advisors.save(
        admin, AdvisorInput(name="表 和子", name_kana="オモテ カズコ", fields=("fundraising",))
    )
    with qtbot.waitSignal(page.advisors.dialog_opened, timeout=5000) as opened:
        assert window.openers.open("advisor", advisor.id)
    assert opened.args[0].record.id == advisor.id
