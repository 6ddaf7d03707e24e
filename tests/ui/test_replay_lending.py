"""Lending at the counter, replayed through the real main window: keys and scanner bursts go to
whatever has focus (tests/ui/replay.py), so the app-wide key rule, shortcuts and the dialogs' button
rules are all in the path.  Everything is asserted in the database afterwards.

The rule under test: a scanner's Enter only ever means "here is a code".  Confirming a loan or a
return is Ctrl+Enter (either Enter key) or a click, and exactly what the person marked is stored.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.services.organizations import OrganizationFilter
from tests.ui.conftest import sign_in
from tests.ui.replay import activate, desk, focused, press, scan, tab_until, type_text, wait_dialog  # noqa: F401

CTRL = Qt.KeyboardModifier.ControlModifier
KEYPAD = Qt.KeyboardModifier.KeypadModifier
TODAY = dt.date.today()


def _idle(qtbot, ctx) -> None:
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=10000)


def _at_desk(qtbot, win):
    page = win.show_page("lending")
    page.show_tab(page.desk)
    _idle(qtbot, win.ctx)
    qtbot.waitUntil(lambda: focused() is page.desk.scan, timeout=5000)
    return page.desk


def _borrower(services, actor):
    """A demo organization with a contact person and phone on file (the desk fills both in)."""
    return next(
        o for o in services.organizations.page(actor, OrganizationFilter(), limit=200) if o.contact_name and o.phone
    )


def _free_devices(services, actor, org, n: int = 3):
    """*n* devices with at least three accessories that can go out to *org* today for two weeks."""
    due = TODAY + dt.timedelta(days=14)
    found = []
    for d in services.inventory.page(actor, state="available", limit=200):
        if len(d.model.accessories) >= 3 and services.loans.scan(actor, d.asset_tag, org.id, due).ok:
            found.append(d)
    assert len(found) >= n, "the small demo should have enough free devices"
    return found[:n]


def _damage(services, actor) -> int:
    return services.lending_stats.statistics(actor, fiscal_year_of(TODAY)).value("延滞・破損", "破損・欠品")


def _loan_dialog(qtbot, desk_tab):
    from kyodo_desk.ui.lending.loan_dialog import LoanDialog

    dialog = wait_dialog(qtbot, LoanDialog)
    activate(qtbot, dialog)
    qtbot.waitUntil(lambda: focused() is dialog.scan, timeout=5000)
    return dialog


def _checkout_by_scanner(qtbot, win, services, actor):
    desk_tab = _at_desk(qtbot, win)
    org = _borrower(services, actor)
    devices = _free_devices(services, actor, org)
    scan(qtbot, org.code)  # the organization's card
    qtbot.waitUntil(lambda: desk_tab.borrower.organization_id() == org.id, timeout=5000)
    qtbot.waitUntil(lambda: focused() is desk_tab.scan, timeout=5000)  # contact and phone came from the registry
    for d in devices:
        scan(qtbot, d.asset_tag)
    qtbot.waitUntil(lambda: len(desk_tab.pending.devices) == 3, timeout=10000)
    _idle(qtbot, win.ctx)
    with qtbot.waitSignal(desk_tab.checked_out, timeout=10000, raising=False) as done:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    assert done.signal_triggered, f"no checkout: {desk_tab.result_line.text()} / {desk_tab.answer.text()}"
    return desk_tab, org, devices, done.args[0]


def test_checkout_of_three_by_scanner_then_return_of_two_with_one_accessory_missing(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    damage_before = _damage(services, actor)
    desk_tab, org, devices, loan = _checkout_by_scanner(qtbot, win, services, actor)
    assert loan.organization_id == org.id and {i.device.id for i in loan.items} == {d.id for d in devices}
    lent = {i.device.id: i.accessories_out for i in loan.items}
    assert all(
        len(names) >= 3 for names in lent.values()
    )  # every accessory of the model went out (all ticked by default)
    assert desk_tab.slip_button.isVisible() and not desk_tab.receipt_button.isVisible()
    first, second, third = devices

    # the return: the first scan opens the loan, the second only adds its device
    scan(qtbot, first.asset_tag)
    dialog = _loan_dialog(qtbot, desk_tab)
    assert not dialog.receipt_button.isEnabled()  # nothing of this loan has come back yet
    scan(qtbot, second.asset_tag)
    assert dialog.isVisible() and set(dialog.ticked_ids()) == {first.id, second.id}
    assert "加えました" in dialog.message.text()
    assert len(services.loans.get(actor, loan.id).open_items) == 3  # the scanner's Enter returned nothing

    # the second device (shown after its scan): everything ticked back with Space
    form2 = dialog.forms[second.id]
    assert dialog.stack.currentWidget() is form2
    for name in lent[second.id]:
        tab_until(qtbot, lambda w, n=name: w is form2.accessories[n][0])
        press(qtbot, Qt.Key.Key_Space)
    assert form2.unchecked() == []

    # a premature Ctrl+Enter: the first device's accessories are still 未確認 → refused, nothing stored
    press(qtbot, Qt.Key.Key_Return, CTRL)
    form1 = dialog.forms[first.id]
    assert dialog.isVisible() and dialog.stack.currentWidget() is form1 and first.asset_tag in dialog.message.text()
    assert len(services.loans.get(actor, loan.id).open_items) == 3
    missing = lent[first.id][-1]
    for name in lent[first.id][:-1]:
        tab_until(qtbot, lambda w, n=name: w is form1.accessories[n][0])
        press(qtbot, Qt.Key.Key_Space)
    tab_until(qtbot, lambda w: w is form1.accessories[missing][1])  # 未確認 → 欠品
    press(qtbot, Qt.Key.Key_Down)
    assert form1.accessories_back()[missing] == "missing" and form1.result_state.currentData() == "inspection"

    # confirming is deliberate: Ctrl + the keypad's Enter
    with qtbot.waitSignal(dialog.finished, timeout=10000):
        press(qtbot, Qt.Key.Key_Enter, CTRL | KEYPAD)
    after = services.loans.get(actor, loan.id)
    items = {i.device.id: i for i in after.items}
    assert items[first.id].accessories_back == {n: ("missing" if n == missing else "returned") for n in lent[first.id]}
    assert items[second.id].accessories_back == dict.fromkeys(lent[second.id], "returned")
    assert items[third.id].returned_at is None and services.inventory.get(actor, third.id).state == "on_loan"
    assert after.status == "open" and [i.device.id for i in after.open_items] == [third.id]
    assert services.inventory.get(actor, first.id).state == "inspection"
    assert _damage(services, actor) == damage_before + 1  # exactly one 破損・欠品 in the statistics

    # 返却受領書: offered after the return, and gone as soon as the next scan answers with an error
    qtbot.waitUntil(lambda: focused() is desk_tab.scan, timeout=5000)
    assert desk_tab.receipt_button.isVisible() and desk_tab.receipt_button.isEnabled()
    assert desk_tab.receipt_loan.id == loan.id
    scan(qtbot, "KD-9999")
    qtbot.waitUntil(lambda: desk_tab.answer.tone == "error", timeout=5000)
    assert not desk_tab.receipt_button.isVisible() and desk_tab.receipt_loan is None


def test_desk_scans_and_enter_never_confirm_a_checkout(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    desk_tab = _at_desk(qtbot, win)
    org = _borrower(services, actor)
    device = _free_devices(services, actor, org, 1)[0]
    scan(qtbot, org.code)
    qtbot.waitUntil(lambda: desk_tab.borrower.organization_id() == org.id, timeout=5000)
    scan(qtbot, device.asset_tag)
    qtbot.waitUntil(lambda: len(desk_tab.pending.devices) == 1, timeout=5000)
    press(qtbot, Qt.Key.Key_Return)  # a double Enter from the scanner, or a habit
    press(qtbot, Qt.Key.Key_Enter, KEYPAD)
    scan(qtbot, device.asset_tag)  # the same label again
    _idle(qtbot, win.ctx)
    assert "Ctrl+Enter" in desk_tab.answer.text() or "もう追加してあります" in desk_tab.answer.text()
    # Enter in the other fields of the form does not confirm either
    for field in (desk_tab.purpose, desk_tab.borrower.responsible, desk_tab.borrower.phone):
        field.setFocus()
        type_text(qtbot, "x", human=True)
        press(qtbot, Qt.Key.Key_Return)
    _idle(qtbot, win.ctx)
    assert services.loans.open_loan_for_device(actor, device.asset_tag) is None
    assert [d.id for d in desk_tab.pending.devices] == [device.id]
    assert not any(b.isDefault() or b.autoDefault() for b in (desk_tab.confirm_button, desk_tab.reset_button))
    assert "Ctrl+Enter" in desk_tab.confirm_button.text()


def test_return_window_scans_never_return_and_a_scan_on_a_tick_box_still_ticks(qtbot, desk, services):
    from PySide6.QtWidgets import QPushButton

    win = desk()
    actor = sign_in(services, "admin")
    desk_tab, _org, devices, loan = _checkout_by_scanner(qtbot, win, services, actor)
    first, second, _third = devices
    scan(qtbot, first.asset_tag)
    dialog = _loan_dialog(qtbot, desk_tab)
    assert not any(b.isDefault() or b.autoDefault() for b in dialog.findChildren(QPushButton))
    assert "Ctrl+Enter" in dialog.return_button.text()
    form1 = dialog.forms[first.id]
    form1.tick_all()
    form1.wiped.setChecked(True)  # everything about this device is ready to go back
    press(qtbot, Qt.Key.Key_Return)  # an empty Enter in the scan field
    scan(qtbot, "KD-9999")  # not part of this loan
    assert "返却待ちの機器ではありません" in dialog.message.text() and not dialog.receipt_button.isEnabled()
    # the cursor on a tick box: the scanner's code still reaches the return window's scan field
    tab_until(qtbot, lambda w: w is form1.wiped)
    scan(qtbot, second.asset_tag)
    qtbot.waitUntil(lambda: second.id in dialog.ticked_ids(), timeout=5000)
    assert form1.wiped.isChecked()  # the tick box kept its state
    # Enter in the other fields (back-dating reason) does not return either
    dialog.backdate.setChecked(True)
    dialog.backdate_reason.setFocus()
    type_text(qtbot, "x", human=True)
    press(qtbot, Qt.Key.Key_Return)
    dialog.backdate.setChecked(False)
    _idle(qtbot, win.ctx)
    assert dialog.isVisible() and len(services.loans.get(actor, loan.id).open_items) == 3

    # the renewal window opened from here: a scan into its date field extends nothing
    renew = dialog.open_renew()
    activate(qtbot, renew)
    renew.new_due.setFocus()
    scan(qtbot, second.asset_tag)
    press(qtbot, Qt.Key.Key_Return)
    _idle(qtbot, win.ctx)
    assert services.loans.get(actor, loan.id).due_on == loan.due_on and "Ctrl+Enter" in renew.ok_button.text()
    renew.reject()


def test_label_dialog_a_scanned_tag_is_added_never_printed(qtbot, desk, services):
    from kyodo_desk.ui.lending.labels_dialog import LabelDialog

    win = desk()
    page = win.show_page("lending")
    inventory = page.show_tab(page.inventory)
    _idle(qtbot, win.ctx)
    inventory.print_labels()
    dialog = wait_dialog(qtbot, LabelDialog)
    activate(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.template.count() > 0, timeout=5000)
    dialog.pick_tags.setChecked(True)
    dialog.tags.setFocus()
    dialog.tags.clear()
    type_text(qtbot, "KD-0001", human=True)  # typed by hand, then Enter
    press(qtbot, Qt.Key.Key_Return)
    scan(qtbot, "KD-0002")
    for box in (dialog.offset_x, dialog.offset_y):  # Enter in the other fields: nothing printed either
        box.setFocus()
        press(qtbot, Qt.Key.Key_Return)
    _idle(qtbot, win.ctx)
    assert dialog.last_pdf is None and dialog.isVisible()
    assert "KD-0001" in dialog.chosen_tags()
    assert "Ctrl+Enter" in dialog.print_button.text() and not dialog.print_button.isDefault()
    dialog.reject()


def test_a_scan_on_the_reservation_and_inventory_tabs_commits_nothing(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    reservations_before = len(services.reservations.active(actor))
    loans_before = len(services.loans.history(actor, limit=10000))
    page = win.show_page("lending")
    tab = page.show_tab(page.reservations)
    _idle(qtbot, win.ctx)
    org = _borrower(services, actor)
    tab.organization.choose(org)
    tab.show_availability()
    qtbot.waitUntil(lambda: bool(tab.available), timeout=5000)
    free = next(a for a in tab.available if a.available)
    tab.tick(free.device.asset_tag)
    for field in (tab.contact_name, tab.contact_phone, tab.purpose):
        field.setFocus()
        type_text(qtbot, "x", human=True)
        press(qtbot, Qt.Key.Key_Return)
        scan(qtbot, "KD-9999")
        _idle(qtbot, win.ctx)
    assert len(services.reservations.active(actor)) == reservations_before

    inventory = page.show_tab(page.inventory)
    inventory.text_filter.setFocus()
    type_text(qtbot, "iPad", human=True)
    press(qtbot, Qt.Key.Key_Return)
    _idle(qtbot, win.ctx)
    assert inventory.dialog is None  # Enter in the filter opens or saves nothing
    assert len(services.loans.history(actor, limit=10000)) == loans_before
    assert len(services.reservations.active(actor)) == reservations_before
