"""The desk, through the real widgets: borrower, scans (one refused with a reason), confirm, the slip,
partial then full return, renewal refused on a conflict, two desks racing, back-dating, closed days."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QDateTime, Qt

from tests.ui.test_lending_support import (  # noqa: F401
    TODAY,
    checkout,
    focused,
    idle,
    lending,
    open_day,
    open_lending,
    scan,
    type_ime,
)


def test_full_checkout_then_partial_and_full_return(qtbot, open_lending, services, admin, lending):
    services.inventory.set_state(admin, lending.devices[2].id, "repair", "バッテリー交換")
    page = open_lending(admin)
    desk = page.desk
    qtbot.waitUntil(lambda: focused() is desk.scan)

    # the borrower: type part of the name, pick it from the drop-down, then name and phone
    picker = desk.borrower.organization
    picker.setFocus()
    with qtbot.waitSignal(picker.results_shown, timeout=5000):
        type_ime(picker, "広坂")
    popup = picker._completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desk.borrower.organization_id() == lending.org.id)
    qtbot.waitUntil(lambda: focused() is desk.borrower.responsible)  # the group has no contact person on file
    type_ime(desk.borrower.responsible, "山田 太郎")
    qtbot.keyClick(desk.borrower.responsible, Qt.Key.Key_Return)
    qtbot.keyClicks(desk.borrower.phone, "090-1234-5678")
    qtbot.keyClick(desk.borrower.phone, Qt.Key.Key_Return)
    assert focused() is desk.scan  # back to scanning

    # scans answer at once: two added, one under repair refused with the reason
    with qtbot.waitSignal(desk.scan_answered, timeout=5000) as answer:
        scan(qtbot, desk.scan, "kd-0001")  # typed in lower case: still the device
    assert answer.args[0] is True and "追加しました" in desk.answer.text() and desk.answer.tone == "ok"
    with qtbot.waitSignal(desk.scan_answered, timeout=5000) as answer:
        scan(qtbot, desk.scan, "KD-0003")
    assert answer.args[0] is False and "修理中" in desk.answer.text() and desk.answer.tone == "error"
    with qtbot.waitSignal(desk.scan_answered, timeout=5000):
        scan(qtbot, desk.scan, "KD-0002")
    assert [d.asset_tag for d in desk.pending.devices] == ["KD-0001", "KD-0002"]
    assert desk.pending.accessories()[lending.devices[0].id] == (
        "ACアダプタ",
        "ケーブル",
        "ケース",
    )  # all ticked by default
    desk.pending.set_accessory(lending.devices[1].id, "ケース", False)  # this one goes without its case
    idle(qtbot, desk.ctx)
    suggested = services.loans.suggest_due(admin, [lending.devices[0].id])
    assert desk.due_value() == suggested
    type_ime(desk.purpose, "町会のオンライン総会")
    qtbot.keyClick(desk.purpose, Qt.Key.Key_Return)
    assert focused() is desk.scan

    # Enter alone (a scanner's Enter) never confirms: it says how to
    qtbot.keyClick(desk.scan, Qt.Key.Key_Return)
    idle(qtbot, desk.ctx)
    assert "Ctrl+Enter" in desk.answer.text() and len(desk.pending.devices) == 2
    assert services.loans.open_loan_for_device(admin, "KD-0001") is None
    # Ctrl + the keypad's Enter confirms
    with qtbot.waitSignal(desk.checked_out, timeout=5000) as done:
        qtbot.keyClick(
            desk.scan, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier
        )
    loan = done.args[0]
    assert "貸し出しました" in desk.result_line.text() and desk.slip_button.isVisible()
    assert loan.staff_name == "山田 花子" and loan.due_on == suggested and loan.purpose == "町会のオンライン総会"
    assert {i.device.asset_tag: i.accessories_out for i in loan.items} == {
        "KD-0001": ("ACアダプタ", "ケーブル", "ケース"),
        "KD-0002": ("ACアダプタ", "ケーブル"),
    }
    assert [services.inventory.get(admin, d.id).state for d in lending.devices[:2]] == ["on_loan", "on_loan"]
    assert desk.pending.devices == [] and desk.borrower.record is None  # ready for the next borrower
    qtbot.waitUntil(lambda: focused() is desk.scan)

    # 借用書を印刷 → preview of the slip (built off the GUI thread)
    qtbot.mouseClick(desk.slip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(desk, "_pdf_preview", None) is not None, timeout=10000)
    assert desk._pdf_preview.pdf.startswith(b"%PDF") and desk._pdf_preview.preview.page_count >= 1
    desk._pdf_preview.close_button.click()
    qtbot.waitUntil(lambda: focused() is desk.scan)

    # return: scanning a device that is out opens its loan with that device ticked
    with qtbot.waitSignal(desk.loan_opened, timeout=5000) as opened:
        scan(qtbot, desk.scan, "KD-0001")
    dialog = opened.args[0]
    assert dialog.loan.id == loan.id and dialog.ticked_ids() == [lending.devices[0].id]
    form = dialog.forms[lending.devices[0].id]
    assert form.result_state.currentData() == "inspection"  # nothing confirmed yet: not lendable
    assert (
        form.unchecked() == ["ACアダプタ", "ケーブル", "ケース"] and not dialog.receipt_button.isEnabled()
    )  # nothing came back yet
    qtbot.mouseClick(form.accessories["ACアダプタ"][0], Qt.MouseButton.LeftButton)
    dialog.return_button.click()  # two accessories still 未確認: refused, naming them
    assert "KD-0001" in dialog.message.text() and "2 点が未確認" in dialog.message.text()
    assert "ケーブル" in form.errors.message("accessories") and "ケース" in form.errors.message("accessories")
    assert dialog.isVisible() and services.loans.open_loan_for_device(admin, "KD-0001") is not None
    for name in ("ケーブル", "ケース"):
        qtbot.mouseClick(form.accessories[name][0], Qt.MouseButton.LeftButton)
    form.wiped.click()
    assert form.complete() and form.result_state.currentData() == "available"
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        dialog.return_button.click()
    assert (
        "まだ 1 台が貸出中" in desk.result_line.text()
        and desk.receipt_button.isVisible()
        and desk.receipt_button.isEnabled()
    )
    assert services.inventory.get(admin, lending.devices[0].id).state == "available"
    assert services.loans.get(admin, loan.id).status == "open"
    qtbot.waitUntil(lambda: focused() is desk.scan)

    # the other device: 貸出可 without the wipe confirmation is refused next to the field
    with qtbot.waitSignal(desk.loan_opened, timeout=5000) as opened:
        scan(qtbot, desk.scan, "KD-0002")
    dialog = opened.args[0]
    assert not desk.receipt_button.isVisible()  # a new scan: the last return's receipt is gone
    assert dialog.receipt_button.isEnabled()  # KD-0001 of this loan came back
    form = dialog.forms[lending.devices[1].id]
    form.tick_all()
    form.set_result_state("available")
    dialog.return_button.click()
    qtbot.waitUntil(lambda: form.errors.message("wiped") != "", timeout=5000)
    assert "初期化" in form.errors.message("wiped") and dialog.isVisible()
    assert not dialog.receipt_button.isEnabled()  # not next to an error
    form.set_accessory("ケーブル", "damaged")
    form.set_result_state("repair")
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        dialog.return_button.click()
    assert "すべて返却済み" in desk.result_line.text()
    closed = services.loans.get(admin, loan.id)
    assert closed.status == "closed" and closed.items[1].accessories_back == {
        "ACアダプタ": "returned",
        "ケーブル": "damaged",
    }
    assert services.inventory.get(admin, lending.devices[1].id).state == "repair"


def test_organization_card_scan_and_devices_first(qtbot, open_lending, services, admin, lending):
    page = open_lending(admin)
    desk = page.desk
    with qtbot.waitSignal(desk.scan_answered, timeout=5000):
        scan(qtbot, desk.scan, "KD-0001")  # a device first: the checkout starts
    with qtbot.waitSignal(desk.scan_answered, timeout=5000):
        scan(qtbot, desk.scan, lending.other.code)  # then the group's card
    assert desk.borrower.organization_id() == lending.other.id
    assert (
        desk.borrower.responsible.text() == "中村 恵" and desk.borrower.phone.text() == "076-111-2222"
    )  # from the registry
    with qtbot.waitSignal(desk.scan_answered, timeout=5000) as answer:
        scan(qtbot, desk.scan, "KD-0001")
    assert answer.args == [False, "KD-0001 はもう追加してあります。"]
    with qtbot.waitSignal(desk.checked_out, timeout=5000):
        qtbot.keyClick(desk.scan, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert services.loans.open_loan_for_device(admin, "KD-0001").organization_id == lending.other.id


def test_two_desks_racing_for_one_device(qtbot, open_lending, services, admin, staff_actor, lending):
    page = open_lending(admin)
    desk = page.desk
    desk.borrower.set_organization(lending.org)
    desk.borrower.responsible.setText("山田 太郎")
    desk.borrower.phone.setText("090-1234-5678")
    with qtbot.waitSignal(desk.scan_answered, timeout=5000):
        scan(qtbot, desk.scan, "KD-0001")
    checkout(
        services, staff_actor, lending.other, lending.devices[:1], open_day(services, 7)
    )  # the other desk is quicker
    desk.confirm_button.click()
    qtbot.waitUntil(lambda: desk.result_line.tone == "error", timeout=5000)
    assert "KD-0001 は貸出中です" in desk.result_line.text() and "長町子ども食堂" in desk.result_line.text()
    assert [d.asset_tag for d in desk.pending.devices] == ["KD-0001"]  # the input is kept
    assert services.loans.open_loan_for_device(admin, "KD-0001").organization_id == lending.other.id


def test_backdating_needs_a_reason_and_closed_due_days_are_refused(qtbot, open_lending, services, admin, lending):
    closed = TODAY + dt.timedelta(days=12)
    services.calendar.add_center_day(admin, closed, "館内点検")
    page = open_lending(admin)
    desk = page.desk
    desk.borrower.set_organization(lending.org)
    desk.borrower.responsible.setText("山田 太郎")
    desk.borrower.phone.setText("090-1234-5678")
    with qtbot.waitSignal(desk.scan_answered, timeout=5000):
        scan(qtbot, desk.scan, "KD-0001")
    idle(qtbot, desk.ctx)
    desk.due.setDate(QDate(closed.year, closed.month, closed.day))
    desk.confirm_button.click()
    qtbot.waitUntil(lambda: desk.errors.message("due_on") != "", timeout=5000)
    assert "休館日" in desk.errors.message("due_on")

    due = open_day(services, 7)
    desk.due.setDate(QDate(due.year, due.month, due.day))
    desk.backdate.setChecked(True)
    yesterday = dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(16, 0))
    desk.out_at.setDateTime(QDateTime(QDate(yesterday.year, yesterday.month, yesterday.day), yesterday.time()))
    desk.confirm_button.click()
    qtbot.waitUntil(lambda: desk.errors.message("backdate_reason") != "", timeout=5000)
    assert "理由" in desk.errors.message("backdate_reason") and desk.reason_row.isVisible()
    type_ime(desk.backdate_reason, "昨日の記録漏れ")
    with qtbot.waitSignal(desk.checked_out, timeout=5000) as done:
        desk.confirm_button.click()
    assert done.args[0].out_at == yesterday


def test_renewal_refused_on_a_conflict_then_accepted(qtbot, open_lending, services, admin, lending):
    loan = checkout(services, admin, lending.org, lending.devices[:1], open_day(services, 3))
    later = services.calendar.calendar().next_open_day(loan.due_on + dt.timedelta(days=10))
    back = services.calendar.calendar().next_open_day(later + dt.timedelta(days=1))
    services.reservations.create(admin, lending.other.id, later, back, [lending.devices[0].id])
    page = open_lending(admin)
    page.open_loan(loan.id)
    qtbot.waitUntil(lambda: page.desk.loan_dialog is not None and page.desk.loan_dialog.isVisible(), timeout=5000)
    renew = page.desk.loan_dialog.open_renew()
    target = services.calendar.calendar().next_open_day(later)
    renew.new_due.setDate(QDate(target.year, target.month, target.day))
    renew.ok_button.click()
    qtbot.waitUntil(lambda: renew.message.tone == "error", timeout=5000)
    assert "延長できません" in renew.message.text() and "長町子ども食堂 の予約" in renew.message.text()
    assert services.loans.get(admin, loan.id).due_on == loan.due_on
    shorter = services.calendar.calendar().next_open_day(loan.due_on + dt.timedelta(days=3))
    renew.new_due.setDate(QDate(shorter.year, shorter.month, shorter.day))
    with qtbot.waitSignal(page.desk.loan_dialog.renewed, timeout=5000):
        renew.ok_button.click()
    assert services.loans.get(admin, loan.id).due_on == shorter
    assert "延長しました" in page.desk.loan_dialog.message.text()


def test_ict_promoter_checks_out_but_cannot_edit_inventory(qtbot, open_lending, services, ict_actor, lending):
    page = open_lending(ict_actor)
    desk = page.desk
    with qtbot.waitSignal(desk.scan_answered, timeout=5000):
        scan(qtbot, desk.scan, lending.other.code)
    with qtbot.waitSignal(desk.scan_answered, timeout=5000):
        scan(qtbot, desk.scan, "KD-0002")
    with qtbot.waitSignal(desk.checked_out, timeout=5000) as done:
        qtbot.keyClick(desk.scan, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert done.args[0].staff_name == "北村 誠"

    inv = page.show_tab(page.inventory)
    assert not inv.new_button.isEnabled() and not inv.state_button.isEnabled() and not inv.import_button.isEnabled()
    assert inv.export_button.isEnabled() and inv.labels_button.isEnabled() and "閲覧" in inv.message.text()
    qtbot.waitUntil(lambda: inv.model.rowCount() == 3)
    inv.edit_row(0)
    qtbot.waitUntil(lambda: inv.dialog is not None and inv.dialog.isVisible(), timeout=5000)
    assert (
        not inv.dialog.save_button.isVisible()
        and inv.dialog.serial.isReadOnly()
        and not inv.dialog.model_choice.isEnabled()
    )
    inv.dialog.reject()
    assert page.stats is None  # statistics are for staff
