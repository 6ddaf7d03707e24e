"""The center settings form at two desks: two field edits from two desks both survive, and a field
both desks changed is refused with its name while the typed value stays in the form."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kyodo_desk.db.engine import Database
from kyodo_desk.services.container import Services
from kyodo_desk.ui.settings.center_form import CenterSettingsForm


@pytest.fixture
def two_forms(qtbot, make_ctx, db_url, admin):
    opened = [Database.from_url(db_url), Database.from_url(db_url)]
    forms = []
    for database in opened:
        ctx = make_ctx(admin, database=database)
        form = CenterSettingsForm(ctx)
        qtbot.addWidget(form)
        form.show()
        qtbot.waitUntil(lambda f=form: f.current is not None, timeout=10_000)
        forms.append(form)
    yield forms
    for database in opened:
        database.dispose()


def _save(qtbot, form: CenterSettingsForm) -> None:
    form.status.clear()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.status.text() != "", timeout=10_000)
    qtbot.waitUntil(lambda: form.ctx.tasks.pending == 0, timeout=10_000)


def _retype(qtbot, edit, text: str) -> None:
    edit.selectAll()
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:
        edit.insert(text)  # what an input method commits


def test_two_field_edits_from_two_desks_both_survive(qtbot, two_forms, services):
    desk_a, desk_b = two_forms
    _retype(qtbot, desk_a.edits["fax"], "076-260-5555")
    desk_b.retention.setValue(8)  # B loaded before A saved

    _save(qtbot, desk_a)
    assert desk_a.status.text() == "保存しました。"
    _save(qtbot, desk_b)
    assert desk_b.status.text() == "保存しました。"

    stored = Services(desk_a.ctx.db).settings.get()
    assert (stored.fax, stored.retention_years) == ("076-260-5555", 8)
    assert desk_b.edits["fax"].text() == "076-260-5555"  # B's form shows A's fax after its save


def test_the_same_field_from_two_desks_is_refused_and_the_input_kept(qtbot, two_forms):
    desk_a, desk_b = two_forms
    _retype(qtbot, desk_a.edits["phone"], "076-220-1111")
    _retype(qtbot, desk_b.edits["phone"], "076-220-2222")
    _retype(qtbot, desk_b.edits["address"], "金沢市広坂2丁目1番1号")

    _save(qtbot, desk_a)
    _save(qtbot, desk_b)
    assert "「電話番号」" in desk_b.status.text() and "別の窓口で変更されました" in desk_b.status.text()
    assert desk_b.last_error.text().startswith("「電話番号」")
    desk_b.last_error.close()
    assert desk_b.edits["phone"].text() == "076-220-2222"  # what B typed is still there
    assert desk_b.edits["address"].text() == "金沢市広坂2丁目1番1号"
    stored = Services(desk_a.ctx.db).settings.get()
    assert (stored.phone, stored.address) == ("076-220-1111", "金沢市広坂1丁目1番1号")  # B wrote nothing

    _save(qtbot, desk_b)  # B has been told; saving again overwrites on purpose
    assert desk_b.status.text() == "保存しました。"
    stored = Services(desk_a.ctx.db).settings.get()
    assert (stored.phone, stored.address) == ("076-220-2222", "金沢市広坂2丁目1番1号")


def test_another_desks_save_while_typing_refreshes_only_the_untouched_fields(qtbot, two_forms, admin):
    desk_a, desk_b = two_forms
    _retype(qtbot, desk_b.edits["fax"], "076-260-7777")  # B is typing
    base = desk_a.ctx.services.settings.get()
    desk_a.ctx.services.settings.update(admin, base.with_changes(retention_years=9, fax="076-260-8888"), loaded=base)
    with qtbot.waitSignal(desk_b.ctx.tasks.idle, timeout=10_000):
        desk_b.ctx.events.data_changed.emit("setting", [])  # what the bus says when the feed brings A's save
    assert desk_b.retention.value() == 9  # not touched at B: A's value shown
    assert desk_b.edits["fax"].text() == "076-260-7777"  # typed at B: kept

    _save(qtbot, desk_b)  # A changed the fax too after B loaded it: refused, not reverted
    assert "「FAX番号」" in desk_b.status.text()
    desk_b.last_error.close()
    stored = Services(desk_a.ctx.db).settings.get()
    assert (stored.fax, stored.retention_years) == ("076-260-8888", 9)


def test_dispatch_settings_dialogs_at_two_desks_keep_each_others_changes(qtbot, make_ctx, db_url, admin):
    from kyodo_desk.ui.dispatch.settings_dialog import DispatchSettingsDialog

    opened = [Database.from_url(db_url), Database.from_url(db_url)]
    try:
        dialogs = []
        for database in opened:
            dialog = DispatchSettingsDialog(make_ctx(admin, database=database))
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
            dialogs.append(dialog)
        desk_a, desk_b = dialogs
        desk_a.per_organization.setValue(6)  # the yearly quota, 3 → 6 at desk A
        desk_b.budget.setValue(1_200_000)  # desk B, opened before A saved, changes the budget only
        with qtbot.waitSignal(desk_a.saved, timeout=10_000):
            desk_a.save()
        with qtbot.waitSignal(desk_b.saved, timeout=10_000):
            desk_b.save()
        stored = Services(opened[0]).settings.get()
        assert (stored.dispatch_quota_per_organization, stored.dispatch_budget_yen) == (6, 1_200_000)
    finally:
        for database in opened:
            database.dispose()
