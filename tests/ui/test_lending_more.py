"""Labels (start position, printer offset kept per desk), reservations with the same availability as
a scan, the calendar, the overdue list with call notes and 督促状, the home page card, openers from the
search box, and statistics."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt

from kyodo_desk.config import load_preferences
from kyodo_desk.documents.labels import builtin_templates
from tests.ui.test_lending_support import TODAY, checkout, idle, lending, open_day, open_lending, type_ime  # noqa: F401

MM = 72 / 25.4


def _text_positions(pdf: bytes) -> dict[str, tuple[float, float]]:
    found = {}

    def visit(text, cm, tm, _font, _size):
        if text.strip().startswith("KD-") and text.strip() not in found:
            found[text.strip()] = (tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5])

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


def _slot_of(template, x: float, y: float) -> int | None:
    for index in range(template.per_sheet):
        lx, ly = template.position(index)
        if lx <= x <= lx + template.label_width * MM and ly <= y <= ly + template.label_height * MM:
            return index + 1
    return None


def test_label_dialog_prints_from_the_chosen_start_position(qtbot, make_ctx, admin, lending):
    from kyodo_desk.ui.lending.labels_dialog import LabelDialog

    ctx = make_ctx(admin)
    dialog = LabelDialog(ctx, ["KD-0001", "KD-0002"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.template.count() >= 3, timeout=5000)
    dialog.template.setCurrentIndex(dialog.template.findData("a4-12"))
    assert len(dialog.grid.group.buttons()) == 12
    qtbot.mouseClick(dialog.grid.group.button(5), Qt.MouseButton.LeftButton)  # four labels of this sheet are used
    assert (
        dialog.grid.start == 5 and dialog.grid.group.button(4).text() == "済" and "5 番目" in dialog.start_label.text()
    )
    dialog.offset_x.setValue(1.5)
    with qtbot.waitSignal(dialog.built, timeout=20000) as built:
        dialog.print_button.click()
    pdf = built.args[0]
    template = builtin_templates()["a4-12"]
    positions = _text_positions(pdf)
    assert _slot_of(template, *positions["KD-0001"]) == 5 and _slot_of(template, *positions["KD-0002"]) == 6
    # the offset moved everything 1.5 mm right, and this desk remembers it
    assert ctx.prefs.label_offset_x_mm == 1.5 and load_preferences(ctx.paths).label_offset_x_mm == 1.5
    preview = dialog._pdf_preview
    assert preview.preview.page_count == 1 and preview.print_button.isEnabled()
    preview.accept()

    with qtbot.waitSignal(dialog.built, timeout=20000) as built:
        dialog.calibration_button.click()
    assert "位置合わせ" in PdfReader(io.BytesIO(built.args[0])).pages[0].extract_text()
    dialog._pdf_preview.accept()

    dialog.tags.setText("KD-0001, KD-9999")
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.message.tone == "error", timeout=10000)
    assert "KD-9999" in dialog.message.text()


def test_reserve_with_the_same_rule_as_a_scan_then_cancel(qtbot, open_lending, services, admin, lending):
    loan = checkout(services, admin, lending.other, lending.devices[:1], open_day(services, 7))
    page = open_lending(admin)
    tab = page.show_tab(page.reservations)
    tab.organization.choose(lending.org)
    cal = services.calendar.calendar()  # pick-up and return never on a 休館日
    start, end = loan.due_on - dt.timedelta(days=2), cal.next_open_day(loan.due_on + dt.timedelta(days=1))
    while cal.is_closed(start):
        start -= dt.timedelta(days=1)
    tab.start.setDate(QDate(start.year, start.month, start.day))
    tab.end.setDate(QDate(end.year, end.month, end.day))
    with qtbot.waitSignal(tab.availability_shown, timeout=5000):
        tab.check_button.click()
    reasons = {tab.table.item(r, 1).text(): tab.table.item(r, 3).text() for r in range(tab.table.rowCount())}
    assert reasons["KD-0002"] == "空き" and "KD-0001 は貸出中です" in reasons["KD-0001"]
    assert (
        services.loans.scan(admin, "KD-0001", lending.org.id, end, start=start).message == reasons["KD-0001"]
    )  # one rule
    assert not tab.tick("KD-0001") and tab.tick("KD-0002")
    type_ime(tab.purpose, "町会オンライン会議")
    with qtbot.waitSignal(tab.reserved, timeout=5000) as reserved:
        tab.reserve_button.click()
    assert reserved.args[0].device_tags == ("KD-0002",) and "予約を受け付けました" in tab.message.text()
    qtbot.waitUntil(lambda: tab.active.rowCount() == 1, timeout=5000)
    assert tab.active.item(0, 1).text() == "広坂町会"

    # the desk now refuses KD-0002 for someone else in that period, with the reason
    refused = services.loans.scan(admin, "KD-0002", lending.other.id, end, start=start)
    assert not refused.ok and "広坂町会 の予約" in refused.message

    # the calendar shows the loan and the reservation as bars on their devices
    tab.inner.setCurrentIndex(1)
    month = start.replace(day=1)
    tab.month.setCurrentIndex(tab.month.findData(month.isoformat()))
    qtbot.waitUntil(lambda: any(e.kind == "reservation" for e in tab.calendar.entries), timeout=5000)
    kinds = {(e.device_tag, e.kind) for e in tab.calendar.entries}
    assert ("KD-0001", "loan") in kinds and ("KD-0002", "reservation") in kinds
    assert tab.calendar.bar_rect(next(e for e in tab.calendar.entries if e.kind == "reservation")) is not None

    # the group comes for its devices: the desk gets the group and the devices; confirming picks it up
    tab.inner.setCurrentIndex(0)
    tab.active.selectRow(0)
    tab.pickup_button.click()
    desk = page.desk
    qtbot.waitUntil(lambda: [d.asset_tag for d in desk.pending.devices] == ["KD-0002"], timeout=5000)
    assert page.tabs.currentWidget() is desk and desk.borrower.organization_id() == lending.org.id
    desk.borrower.responsible.setText("山田 太郎")
    desk.borrower.phone.setText("090-1234-5678")
    with qtbot.waitSignal(desk.checked_out, timeout=5000):
        desk.confirm_button.click()
    assert services.reservations.active(admin) == []

    # another reservation, cancelled from the list
    later = cal.next_open_day(end + dt.timedelta(days=20))
    services.reservations.create(
        admin, lending.other.id, later, cal.next_open_day(later + dt.timedelta(days=2)), [lending.devices[2].id]
    )
    page.show_tab(tab)
    idle(qtbot, page.ctx)
    assert tab.active.rowCount() == 1
    tab.active.selectRow(0)
    tab.cancel_selected()
    qtbot.waitUntil(lambda: tab.active.rowCount() == 0, timeout=5000)
    assert services.reservations.active(admin) == [] and "取り消しました" in tab.message.text()


def _overdue_loan(services, actor, lending):
    past = dt.datetime.combine(TODAY - dt.timedelta(days=20), dt.time(10))
    due = services.calendar.calendar().next_open_day(TODAY - dt.timedelta(days=8))
    return checkout(
        services, actor, lending.org, lending.devices[:1], due, out_at=past, backdate_reason="紙の台帳から移行"
    )


def test_overdue_list_notes_and_reminder_letter(qtbot, open_lending, services, admin, lending):
    loan = _overdue_loan(services, admin, lending)
    page = open_lending(admin)
    tab = page.show_tab(page.overdue)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1, timeout=5000)
    row = [tab.table.item(0, c).text() for c in range(tab.table.columnCount())]
    assert row[0] == f"延滞 {loan.days_overdue(TODAY)} 日" and row[2] == loan.reference and row[5] == "090-1234-5678"
    tab.table.selectRow(0)
    type_ime(tab.note_edit, "電話したが不在。明日かけ直す")
    qtbot.keyClick(tab.note_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.note_message.text() == "記録しました。", timeout=5000)
    assert services.loans.get(admin, loan.id).notes[0][2] == "電話したが不在。明日かけ直す"
    qtbot.waitUntil(lambda: "電話したが不在" in tab.notes.item(0).text(), timeout=5000)
    assert "山田 花子" in tab.notes.item(0).text()

    tab.reminder_button.click()
    qtbot.waitUntil(lambda: getattr(tab, "_pdf_preview", None) is not None, timeout=10000)
    text = PdfReader(io.BytesIO(tab._pdf_preview.pdf)).pages[0].extract_text()
    assert "返却のお願い" in text and "広坂町会" in text
    tab._pdf_preview.accept()


def test_home_page_lists_overdue_loans_with_contacts(qtbot, make_ctx, services, admin, lending):
    from kyodo_desk.ui.dashboard.home_page import HomePage

    loan = _overdue_loan(services, admin, lending)
    due_today = checkout(services, admin, lending.other, lending.devices[1:2], TODAY)
    home = HomePage(make_ctx(admin))
    qtbot.addWidget(home)
    card = home.loans_card
    qtbot.waitUntil(lambda: card.list.count() == 2, timeout=5000)
    lines = [card.list.item(r).text() for r in range(card.list.count())]
    assert lines[0].startswith(f"延滞{loan.days_overdue(TODAY)}日  広坂町会") and "山田 太郎 090-1234-5678" in lines[0]
    assert lines[1].startswith("今日まで  長町子ども食堂") and due_today.reference in lines[1]
    assert card.summary.text() == "延滞 1 件 ・ 今日返却予定 1 件"


def test_search_box_openers_for_devices_and_loans(qtbot, make_ctx, services, admin, lending):
    from kyodo_desk.ui.main_window import MainWindow

    loan = checkout(services, admin, lending.other, lending.devices[2:], open_day(services, 7))
    win = MainWindow(make_ctx(admin))
    qtbot.addWidget(win)
    win.show()
    page = win.show_page("lending")
    idle(qtbot, win.ctx)
    assert win.openers.can_open("device") and win.openers.can_open("loan")
    # at the desk a device from the search box is a scan
    win.openers.open("device", lending.devices[0].id)
    qtbot.waitUntil(lambda: [d.asset_tag for d in page.desk.pending.devices] == ["KD-0001"], timeout=5000)
    # elsewhere it opens the device
    win.show_page("home")
    win.openers.open("device", lending.devices[1].id)
    qtbot.waitUntil(lambda: page.inventory.dialog is not None and page.inventory.dialog.isVisible(), timeout=5000)
    assert page.inventory.dialog.record.asset_tag == "KD-0002" and win.current_page_key() == "lending"
    page.inventory.dialog.reject()
    win.openers.open("loan", loan.id)
    qtbot.waitUntil(lambda: page.desk.loan_dialog is not None and page.desk.loan_dialog.isVisible(), timeout=5000)
    assert page.desk.loan_dialog.loan.reference == loan.reference
    page.desk.loan_dialog.reject()
    win.close()


def test_statistics_table_and_exports(qtbot, open_lending, services, admin, lending, tmp_path):
    checkout(services, admin, lending.org, lending.devices[:2], open_day(services, 7))
    page = open_lending(admin)
    tab = page.show_tab(page.stats)
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=10000)
    rows = {(tab.table_rows[r][0], tab.table_rows[r][1]): tab.table_rows[r][-1] for r in range(1, len(tab.table_rows))}
    assert rows[("合計", "貸出件数")] == "1" and rows[("機器の種類別 貸出件数", "タブレット")] == "1"
    assert tab.table.item(0, 1).text() == "貸出件数"
    out = tmp_path / "stats.csv"
    with qtbot.waitSignal(tab.csv_written, timeout=10000):
        tab.write_csv(out)
    assert "貸出件数" in out.read_bytes().decode("utf-8-sig")
    tab.show_pdf()
    qtbot.waitUntil(lambda: getattr(tab, "_pdf_preview", None) is not None, timeout=20000)
    assert tab._pdf_preview.landscape()  # the statistics sheet is A4 landscape; printed that way
    tab._pdf_preview.accept()
