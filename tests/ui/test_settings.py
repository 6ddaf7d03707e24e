"""Settings: center details (admins save, others are refused), closed days, staff, this desk."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLabel

from kyodo_desk.ui.settings.page import SettingsPage


@pytest.fixture
def open_settings(qtbot, make_ctx):
    def make(actor) -> SettingsPage:
        page = SettingsPage(make_ctx(actor))
        qtbot.addWidget(page)
        page.show()
        qtbot.waitUntil(lambda: page.center.current is not None)
        return page

    return make


def test_admin_saves_center_details(qtbot, open_settings, services, admin):
    page = open_settings(admin)
    form = page.center
    assert form.edits["center_name"].text() == "金沢市市民活動サポートセンター"
    form.edits["phone"].setText("０７６-２２０-２０２６")  # full-width digits are accepted and normalised
    form.edits["center_name"].setText("金沢市市民活動サポートセンター(本館)")
    form.save_button.click()
    qtbot.waitUntil(lambda: form.status.text() == "保存しました。")
    stored = services.settings.get()
    assert stored.center_name == "金沢市市民活動サポートセンター(本館)"
    assert stored.phone == "076-220-2026"


def test_bad_email_is_shown_under_the_field(qtbot, open_settings, admin):
    page = open_settings(admin)
    form = page.center
    form.edits["email"].setText("kyoudou@")
    form.save()
    qtbot.waitUntil(lambda: form.errors.message("email") != "")
    assert "「メールアドレス」" in form.errors.message("email")
    assert form.edits["email"].text() == "kyoudou@"


def test_staff_cannot_save_center_details(qtbot, open_settings, services, staff_actor):
    page = open_settings(staff_actor)
    form = page.center
    assert not form.save_button.isEnabled() and form.save_button.isHidden()
    assert form.edits["center_name"].isReadOnly()
    notes = [label.text() for label in form.findChildren(QLabel) if label.accessibleName() == "readOnlyNote"]
    assert notes and notes[0].startswith("管理者のみ変更できます")
    form.edits["center_name"].setText("勝手な名前")
    form.save()  # even if the screen were bypassed, the service refuses
    qtbot.waitUntil(lambda: "権限" in form.status.text())
    assert "田中 健一" in form.status.text()
    assert services.settings.get().center_name == "金沢市市民活動サポートセンター"


def test_admin_adds_and_removes_a_closed_day(qtbot, open_settings, services, admin):
    page = open_settings(admin)
    days = page.closed_days
    day = dt.date.today() + dt.timedelta(days=10)
    days.new_day.setDate(QDate(day.year, day.month, day.day))
    days.new_reason.setText("館内設備点検")
    days.add_button.click()
    qtbot.waitUntil(lambda: days.own_table.rowCount() == 1)
    assert days.own_table.item(0, 1).text() == "館内設備点検"
    assert days.own_table.item(0, 0).text().startswith("令和")
    upcoming = [days.upcoming_table.item(r, 2).text() for r in range(days.upcoming_table.rowCount())]
    assert "館内設備点検" in upcoming  # the calendar used for due dates knows it too
    assert services.calendar.calendar().is_closed(day)
    days.own_table.selectRow(0)
    days.remove_button.click()
    qtbot.waitUntil(lambda: days.own_table.rowCount() == 0)
    assert day not in {d.day for d in services.calendar.center_days()}


def test_same_closed_day_twice_is_explained(qtbot, open_settings, admin):
    page = open_settings(admin)
    days = page.closed_days
    for _ in range(2):
        days.add_day()
    qtbot.waitUntil(lambda: "すでに休館日" in days.message.text())


def test_staff_cannot_edit_closed_days_or_accounts(open_settings, staff_actor):
    page = open_settings(staff_actor)
    assert not page.closed_days.add_button.isEnabled() and page.closed_days.add_button.isHidden()
    assert not page.staff.add_button.isEnabled()
    assert not page.staff.add_button.isVisibleTo(page.staff)
    for form in (page.closed_days, page.staff):
        notes = [label.text() for label in form.findChildren(QLabel) if label.accessibleName() == "readOnlyNote"]
        assert notes and notes[0].startswith("管理者のみ変更できます")


def test_admin_adds_a_staff_account(qtbot, open_settings, services, admin):
    page = open_settings(admin)
    accounts = page.staff
    qtbot.waitUntil(lambda: accounts.names() == ["山田 花子"])
    accounts.login.setText("saito")
    accounts.name.setText("斉藤 明")
    accounts.kana.setText("さいとう あきら")
    accounts.role.setCurrentIndex(accounts.role.findData("ict_promoter"))
    accounts.add_button.click()
    qtbot.waitUntil(lambda: "斉藤 明" in accounts.names())
    assert any(r.login_name == "saito" and r.role.value == "ict_promoter" for r in services.staff.list())
    accounts.login.setText("x")  # too short: the message says what to do
    accounts.name.setText("誰か")
    accounts.add_button.click()
    qtbot.waitUntil(lambda: accounts.errors.message("login_name") != "")
    assert "半角英数字" in accounts.errors.message("login_name")


def test_desk_preferences_are_saved_for_next_start(qtbot, open_settings, admin):
    page = open_settings(admin)
    desk = page.desk
    desk.language.setCurrentIndex(desk.language.findData("en"))
    desk.font_size.setValue(13)
    desk.save_button.click()
    assert "再起動" in desk.status.text()
    stored = json.loads(desk.ctx.paths.preferences_file.read_text(encoding="utf-8"))
    assert stored["language"] == "en" and stored["font_point_size"] == 13
    assert desk.ctx.prefs.language == "en"


def test_admin_edits_a_staff_account_and_last_admin_is_protected(qtbot, open_settings, services, admin, staff_actor):
    from kyodo_desk.ui.settings.staff_edit import StaffEditDialog

    page = open_settings(admin)
    accounts = page.staff
    qtbot.waitUntil(lambda: "田中 健一" in accounts.names())
    tanaka = next(r for r in accounts.records if r.login_name == "tanaka")
    dialog = StaffEditDialog(accounts.ctx, tanaka)
    qtbot.addWidget(dialog)
    dialog.role.setCurrentIndex(dialog.role.findData("ict_promoter"))
    dialog.active.setChecked(False)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    saved = services.staff.get(tanaka.id)
    assert saved.role.value == "ict_promoter" and not saved.active
    yamada = next(r for r in accounts.records if r.login_name == "admin")
    last_admin = StaffEditDialog(accounts.ctx, yamada)
    qtbot.addWidget(last_admin)
    last_admin.role.setCurrentIndex(last_admin.role.findData("staff"))
    last_admin.save()
    qtbot.waitUntil(lambda: "管理者が一人もいなくなる" in last_admin.errors.message("role"), timeout=5000)
    assert last_admin.role.currentData() == "staff"  # what was chosen stays
