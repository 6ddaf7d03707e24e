"""棚卸 replayed through the real main window: Alt+N to the tab, Ctrl+Enter starts, a USB scanner's
bursts go to QApplication.focusWidget() (the scan field, a list, the question box), the counts and
lists follow, a scan never presses a button, finishing asks first, Ctrl+P previews the paper.
Asserted in the database."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from kyodo_desk.db.models import AuditLog
from kyodo_desk.services.base import batch_actor
from tests.ui.replay import activate, desk, focused, press, scan  # noqa: F401

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def _idle(qtbot, ctx) -> None:
    qtbot.waitUntil(lambda: ctx.tasks.pending == 0, timeout=10000)


def _devices(services):
    actor = batch_actor("test")
    rows = services.inventory.page(actor, limit=500)
    shelf = [d for d in rows if d.state in ("available", "inspection")]
    lent = [d for d in rows if d.state == "on_loan"]
    return shelf, lent


def _open_tab(qtbot, win):
    page = win.show_page("lending")
    n = page.tabs.count()
    press(qtbot, getattr(Qt.Key, f"Key_{n}"), ALT)  # the last tab: 棚卸
    tab = page.stocktake
    assert page.tabs.currentWidget() is tab and page.tabs.tabText(n - 1) == "棚卸"
    _idle(qtbot, win.ctx)
    qtbot.waitUntil(lambda: focused() is tab.scan, timeout=5000)
    return page, tab


def test_a_stocktake_at_the_desk(qtbot, desk, services):
    win = desk("admin")
    shelf, lent = _devices(services)
    assert len(shelf) >= 3 and lent
    page, tab = _open_tab(qtbot, win)
    assert "まだ棚卸をしていません" in tab.mode_line.text()

    # a scan before the start is answered on this tab (not sent to 貸出・返却)
    scan(qtbot, shelf[0].asset_tag)
    assert "始まっていません" in tab.answer.text() and page.tabs.currentWidget() is tab

    press(qtbot, Qt.Key.Key_Return, CTRL)  # 棚卸を始める
    qtbot.waitUntil(lambda: tab.open_id is not None, timeout=5000)
    assert focused() is tab.scan

    with qtbot.waitSignal(tab.scan_answered, timeout=5000):
        scan(qtbot, shelf[0].asset_tag.lower())  # lower case, as a scanner in the wrong mode types it
    _idle(qtbot, win.ctx)
    assert tab.answer.tone == "ok" and shelf[0].asset_tag in tab.answer.text()
    assert focused() is tab.scan  # ready for the next label
    scan(qtbot, shelf[1].asset_tag)
    scan(qtbot, lent[0].asset_tag)  # on the shelf though the records say it is lent
    scan(qtbot, "ZZ-99999")  # no such device
    scan(qtbot, shelf[0].asset_tag)  # the same label again
    _idle(qtbot, win.ctx)
    assert "もうスキャンしてあります" in tab.answer.text()
    assert {tab.found_table.item(r, 0).text() for r in range(tab.found_table.rowCount())} == {
        shelf[0].asset_tag,
        shelf[1].asset_tag,
    }
    assert tab.unknown_table.item(0, 0).text() == "ZZ-99999"
    on_loan_rows = {tab.on_loan_table.item(r, 0).text(): r for r in range(tab.on_loan_table.rowCount())}
    assert (
        len(on_loan_rows) == len(lent) and tab.on_loan_table.item(on_loan_rows[lent[0].asset_tag], 2).text() == "あり"
    )
    assert tab.missing_table.rowCount() == len(shelf) - 2
    assert tab.counts.text().startswith(f"確認 2 / {len(shelf)} 台")
    assert tab.boxes["unknown"].title() == "不明なコード 1 件"

    # the cursor on a list: a burst is taken back out of it and goes into the scan field
    tab.missing_table.setFocus()
    tab.missing_table.selectRow(0)
    qtbot.waitUntil(lambda: focused() is tab.missing_table, timeout=2000)
    with qtbot.waitSignal(tab.scan_answered, timeout=5000):
        scan(qtbot, shelf[2].asset_tag)
    _idle(qtbot, win.ctx)
    assert shelf[2].asset_tag in tab.answer.text() and tab.answer.tone == "ok"
    assert page.tabs.currentWidget() is tab  # never routed to 貸出・返却

    # Ctrl+Enter asks first; a scanner's burst into the question presses nothing
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: tab.confirm_box is not None and tab.confirm_box.isVisible(), timeout=5000)
    box = tab.confirm_box
    activate(qtbot, box)
    assert "終了しますか" in box.text() and f"確認済み 3 台 / 棚にあるはずの {len(shelf)} 台" in box.text()
    scan(qtbot, shelf[3].asset_tag if len(shelf) > 3 else "KD-0001")
    _idle(qtbot, win.ctx)
    assert box.isVisible() and tab.open_id is not None  # still open: Enter finished nothing
    assert services.stocktake.current(batch_actor("test")) is not None
    finish = next(b for b in box.buttons() if b.text() == "終了する")
    with qtbot.waitSignal(tab.finished, timeout=10000) as done:
        finish.click()
    view = done.args[0]
    assert len(view.found) == 3 and len(view.missing) == len(shelf) - 3 and len(view.unknown) == 1
    _idle(qtbot, win.ctx)
    assert "を終了しました" in tab.answer.text() and "前回の棚卸" in tab.mode_line.text()
    assert tab.start_button.isVisible() and not tab.finish_button.isVisible()
    last = services.stocktake.last_finished(batch_actor("test"))
    assert last is not None and last.summary.id == view.summary.id and last.summary.finished_staff_name

    # Ctrl+P: the result on paper, previewed
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5000)
    activate(qtbot, win)
    tab.refocus()
    press(qtbot, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: getattr(tab, "_pdf_preview", None) is not None, timeout=15000)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(tab._pdf_preview.pdf)).pages)
    assert "棚卸結果" in text and shelf[0].asset_tag in text and "ZZ-99999" in text
    tab._pdf_preview.accept()
    with services.db.read() as s:
        assert s.scalar(select(AuditLog.id).where(AuditLog.entity == "stocktake", AuditLog.action == "print"))


def test_cancel_asks_first(qtbot, desk, services):
    win = desk("admin")
    _page, tab = _open_tab(qtbot, win)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: tab.open_id is not None, timeout=5000)
    box = tab.ask_cancel()
    activate(qtbot, box)
    assert isinstance(box, QMessageBox) and "中止しますか" in box.text()
    press(qtbot, Qt.Key.Key_Escape)  # Esc keeps scanning
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=5000)
    assert tab.open_id is not None
    box = tab.ask_cancel()
    next(b for b in box.buttons() if b.text() == "中止する").click()
    qtbot.waitUntil(lambda: tab.open_id is None and tab.start_button.isVisible(), timeout=5000)
    assert services.stocktake.current(batch_actor("test")) is None


def test_ict_promoters_have_no_stocktake_tab(qtbot, desk):
    from PySide6.QtWidgets import QLabel

    win = desk("kitamura")  # ICT推進員: lending only
    page = win.show_page("lending")
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert page.stocktake is None and "棚卸" not in titles
    assert page.findChild(QLabel, "hint").text() == f"Alt+1〜{page.tabs.count()} でタブを切り替えます"
