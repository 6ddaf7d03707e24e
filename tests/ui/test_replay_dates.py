"""Dates typed the way people type them, replayed through the real main window.

Before: the fields were QDateEdit/QDateTimeEdit, which edit sections; "2025/11/20 14:30" typed into
受付日時 saved 2025/11/11 20:14 and "2025/02/30 10:00" saved 2025/11/02 03:01.  Now every date field
reads what was typed as a whole (kyodo_desk.domain.date_input), or keeps it, red, with a message
naming the field, and the save is refused.  Keys go to whatever has focus (tests/ui/replay.py);
the values are asserted in the database (or in the filtered list).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from kyodo_desk.services.consultations import ConsultationFilter
from tests.ui.conftest import sign_in
from tests.ui.replay import activate, desk, focused, press, tab_until, type_text, wait_dialog  # noqa: F401
from tests.ui.test_replay_lending import _at_desk, _borrower, _free_devices, _idle

CTRL = Qt.KeyboardModifier.ControlModifier
TODAY = dt.date.today()


def _retype(qtbot, text: str) -> None:
    """Select what the focused field holds (Ctrl+A) and type over it, then leave it with Tab."""
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, text, human=True)
    press(qtbot, Qt.Key.Key_Tab)


def _intake(qtbot, win):
    page = win.show_page("consultations")
    page.show_tab("intake")
    form = page.intake.form
    qtbot.waitUntil(lambda: focused() is not None and focused().window() is win, timeout=5000)
    return page, form


def _save_intake(qtbot, page, form, received_typed: str, summary: str):
    tab_until(qtbot, lambda w: w is form.received_at.edit, backwards=True)
    _retype(qtbot, received_typed)
    assert not form.received_at.has_error(), form.received_at.error()
    tab_until(qtbot, lambda w: w is form.categories)
    qtbot.waitUntil(lambda: form.categories.topLevelItemCount() > 0, timeout=5000)
    press(qtbot, Qt.Key.Key_Space)
    tab_until(qtbot, lambda w: w is form.summary)
    type_text(qtbot, summary, human=True)
    with qtbot.waitSignal(page.intake.saved, timeout=10000) as saved:
        press(qtbot, Qt.Key.Key_S, CTRL)
    return saved.args[0]


def test_received_at_means_what_was_typed_and_the_list_filter_finds_it(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    page, form = _intake(qtbot, win)
    typings = [
        ("2025/11/20 14:30", dt.datetime(2025, 11, 20, 14, 30)),  # saved 2025/11/11 20:14 before
        ("R7.11.20 9:05", dt.datetime(2025, 11, 20, 9, 5)),
        ("２０２５／１１／２０　１０：００", dt.datetime(2025, 11, 20, 10, 0)),  # full width (IME on)
        ("2025年11月20日16時30分", dt.datetime(2025, 11, 20, 16, 30)),
        ("20251120 1130", dt.datetime(2025, 11, 20, 11, 30)),
    ]
    saved = []
    for i, (typed, expected) in enumerate(typings):
        record = _save_intake(qtbot, page, form, typed, f"日付の確認 {i}")
        assert services.consultations.get(actor, record.id).received_at == expected, typed
        saved.append(record.reference)
        press(qtbot, Qt.Key.Key_N, CTRL)  # the next visitor
        qtbot.waitUntil(lambda: page.intake.record is None, timeout=5000)

    # the list's 受付日 filter, typed in two other ways, finds exactly that day
    tab = page.show_tab("list")
    qtbot.waitUntil(lambda: tab.model.total is not None, timeout=10000)
    tab.fiscal_year.setCurrentIndex(tab.fiscal_year.findData(None))  # すべての年度
    tab.date_from.setFocus()
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "令和7年11月20日", human=True)
    press(qtbot, Qt.Key.Key_Tab)
    tab.date_to.setFocus()
    _retype(qtbot, "2025-11-20")
    assert (tab.date_from.value(), tab.date_to.value()) == (dt.date(2025, 11, 20), dt.date(2025, 11, 20))
    assert tab.date_from.text() == "2025/11/20" and tab.date_to.text() == "2025/11/20"
    expected = services.consultations.page(
        actor, ConsultationFilter(date_from=dt.date(2025, 11, 20), date_to=dt.date(2025, 11, 20)), limit=500
    )
    assert set(saved) <= {c.reference for c in expected}
    qtbot.waitUntil(lambda: tab.model.total == len(expected), timeout=10000)  # the list shows that day only


def test_impossible_received_at_is_refused_naming_the_field_and_kept(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    before = services.consultations.count(actor)
    page, form = _intake(qtbot, win)
    tab_until(qtbot, lambda w: w is form.received_at.edit, backwards=True)
    _retype(qtbot, "2025/02/30 10:00")  # saved 2025/11/02 03:01 before
    assert form.received_at.text() == "2025/02/30 10:00"
    message = form.errors.message("received_at")
    assert message.startswith("受付日時") and "2月に30日はありません" in message and "2025/02/28" in message
    tab_until(qtbot, lambda w: w is form.categories)
    qtbot.waitUntil(lambda: form.categories.topLevelItemCount() > 0, timeout=5000)
    press(qtbot, Qt.Key.Key_Space)
    tab_until(qtbot, lambda w: w is form.summary)
    type_text(qtbot, "ありえない日付", human=True)
    press(qtbot, Qt.Key.Key_S, CTRL)
    _idle(qtbot, win.ctx)
    assert services.consultations.count(actor) == before  # nothing saved
    assert focused() is form.received_at.edit and form.received_at.text() == "2025/02/30 10:00"
    # a 13th month and a 25th hour say so too
    _retype(qtbot, "2025/13/01 10:00")
    assert "13月はありません" in form.errors.message("received_at")
    press(qtbot, Qt.Key.Key_Backtab)
    _retype(qtbot, "2025/11/20 25:00")
    assert "25時はありません" in form.errors.message("received_at")
    # fixed: the red goes and the intake saves what was typed
    press(qtbot, Qt.Key.Key_Backtab)
    press(qtbot, Qt.Key.Key_A, CTRL)
    type_text(qtbot, "2025/11/20 10:00", human=True)
    with qtbot.waitSignal(page.intake.saved, timeout=10000) as saved:
        press(qtbot, Qt.Key.Key_S, CTRL)
    assert form.errors.message("received_at") == ""
    assert services.consultations.get(actor, saved.args[0].id).received_at == dt.datetime(2025, 11, 20, 10, 0)


def test_followup_date_optional_and_this_year(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    page, form = _intake(qtbot, win)
    tab_until(qtbot, lambda w: w is form.categories)
    qtbot.waitUntil(lambda: form.categories.topLevelItemCount() > 0, timeout=5000)
    press(qtbot, Qt.Key.Key_Space)
    tab_until(qtbot, lambda w: w is form.summary)
    type_text(qtbot, "次回の面談を予約", human=True)
    tab_until(qtbot, lambda w: w is form.followup_action)
    press(qtbot, Qt.Key.Key_Down)  # a next action: 次回対応日 becomes needed
    assert form.followup_action.currentData() is not None
    tab_until(qtbot, lambda w: w is form.followup_due.edit)
    target = dt.date(TODAY.year, 12, 24)
    _retype(qtbot, "12月24日")  # month and day: this year
    assert form.followup_due.value() == target and form.followup_due.text() == f"{TODAY.year}/12/24"
    with qtbot.waitSignal(page.intake.saved, timeout=10000) as saved:
        press(qtbot, Qt.Key.Key_S, CTRL)
    assert services.consultations.get(actor, saved.args[0].id).followup_due == target


def test_backdated_checkout_time_means_what_was_typed(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    desk_tab = _at_desk(qtbot, win)
    org = _borrower(services, actor)
    device = _free_devices(services, actor, org, 1)[0]
    from tests.ui.replay import scan

    scan(qtbot, org.code)
    qtbot.waitUntil(lambda: desk_tab.borrower.organization_id() == org.id, timeout=5000)
    scan(qtbot, device.asset_tag)
    qtbot.waitUntil(lambda: len(desk_tab.pending.devices) == 1, timeout=10000)
    _idle(qtbot, win.ctx)
    yesterday = TODAY - dt.timedelta(days=1)
    tab_until(qtbot, lambda w: w is desk_tab.backdate)
    press(qtbot, Qt.Key.Key_Space)
    tab_until(qtbot, lambda w: w is desk_tab.out_at.edit)
    _retype(qtbot, f"{yesterday:%Y%m%d} 1745")  # compact date, time without a colon
    assert desk_tab.out_at.text() == f"{yesterday:%Y/%m/%d} 17:45"
    tab_until(qtbot, lambda w: w is desk_tab.backdate_reason)
    type_text(qtbot, "記録し忘れ", human=True)
    with qtbot.waitSignal(desk_tab.checked_out, timeout=10000) as done:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    loan = services.loans.get(actor, done.args[0].id)
    assert loan.out_at == dt.datetime.combine(yesterday, dt.time(17, 45))


def test_impossible_checkout_time_refuses_the_checkout(qtbot, desk, services):
    win = desk()
    actor = sign_in(services, "admin")
    desk_tab = _at_desk(qtbot, win)
    org = _borrower(services, actor)
    device = _free_devices(services, actor, org, 1)[0]
    from tests.ui.replay import scan

    scan(qtbot, org.code)
    qtbot.waitUntil(lambda: desk_tab.borrower.organization_id() == org.id, timeout=5000)
    scan(qtbot, device.asset_tag)
    qtbot.waitUntil(lambda: len(desk_tab.pending.devices) == 1, timeout=10000)
    _idle(qtbot, win.ctx)
    tab_until(qtbot, lambda w: w is desk_tab.backdate)
    press(qtbot, Qt.Key.Key_Space)
    tab_until(qtbot, lambda w: w is desk_tab.out_at.edit)
    _retype(qtbot, "2025/02/30 10:00")
    tab_until(qtbot, lambda w: w is desk_tab.backdate_reason)
    type_text(qtbot, "記録し忘れ", human=True)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    _idle(qtbot, win.ctx)
    assert services.loans.open_loan_for_device(actor, device.asset_tag) is None
    assert desk_tab.out_at.text() == "2025/02/30 10:00" and focused() is desk_tab.out_at.edit
    assert desk_tab.errors.message("out_at").startswith("貸出日時")


def test_backdated_return_time_means_what_was_typed(qtbot, desk, services):
    from kyodo_desk.services.loans import CheckoutRequest
    from kyodo_desk.ui.lending.loan_dialog import LoanDialog
    from tests.ui.replay import scan

    win = desk()
    actor = sign_in(services, "admin")
    org = _borrower(services, actor)
    device = _free_devices(services, actor, org, 1)[0]
    two_days_ago = TODAY - dt.timedelta(days=2)
    loan = services.loans.checkout(
        actor,
        CheckoutRequest(
            organization_id=org.id,
            responsible_name=org.contact_name,
            contact_phone=org.phone,
            device_ids=(device.id,),
            due_on=TODAY + dt.timedelta(days=7),
            out_at=dt.datetime.combine(two_days_ago, dt.time(9, 0)),
            backdate_reason="テスト",
        ),
    )
    desk_tab = _at_desk(qtbot, win)
    scan(qtbot, device.asset_tag)  # the device comes back: its loan opens
    dialog = wait_dialog(qtbot, LoanDialog)
    activate(qtbot, dialog)
    qtbot.waitUntil(lambda: focused() is dialog.scan, timeout=5000)
    dialog.forms[device.id].tick_all()  # every accessory is back (not what this test is about)
    tab_until(qtbot, lambda w: w is dialog.backdate)
    press(qtbot, Qt.Key.Key_Space)
    tab_until(qtbot, lambda w: w is dialog.returned_at.edit)
    yesterday = TODAY - dt.timedelta(days=1)
    _retype(qtbot, f"R{yesterday.year - 2018}.{yesterday.month}.{yesterday.day} 17時45分")
    assert dialog.returned_at.text() == f"{yesterday:%Y/%m/%d} 17:45"
    tab_until(qtbot, lambda w: w is dialog.backdate_reason)
    type_text(qtbot, "閉館後に返却箱へ", human=True)
    with qtbot.waitSignal(dialog.finished, timeout=10000):
        press(qtbot, Qt.Key.Key_Return, CTRL)
    item = services.loans.get(actor, loan.id).items[0]
    assert item.returned_at == dt.datetime.combine(yesterday, dt.time(17, 45))
    assert desk_tab is not None
