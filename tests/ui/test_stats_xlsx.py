"""The statistics tabs save .xlsx too: Excel chosen in the save dialog writes a workbook whose
figures are numbers (read back with openpyxl)."""

from __future__ import annotations

from openpyxl import load_workbook

from kyodo_desk.ui import stats_files
from kyodo_desk.ui.dispatch import common as dispatch_common
from tests.ui.replay import desk  # noqa: F401


def _count_row(path, label: str):
    ws = load_workbook(path).active
    assert [c.value for c in ws[1]][:3] == ["区分", "項目", "4月"] and ws.freeze_panes == "A2"
    return next(r for r in ws.iter_rows(min_row=2, values_only=True) if str(r[1]).strip() == label)


def test_each_statistics_tab_saves_an_excel_workbook(qtbot, desk, tmp_path, monkeypatch):
    assert "Excel ブック (*.xlsx)" in stats_files.stats_file_filter()
    win = desk()

    page = win.show_page("consultations")
    tab = page.statistics
    page.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=15000)
    with qtbot.waitSignal(tab.exported, timeout=15000) as done:
        tab.export_csv(tmp_path / "相談.xlsx")
    assert done.args[0].endswith(".xlsx")
    row = _count_row(done.args[0], "件数")
    assert isinstance(row[-1], int) and row[-1] == tab.stats.value("合計", "件数")

    page = win.show_page("lending")
    tab = page.show_tab(page.stats)
    qtbot.waitUntil(lambda: tab.stats is not None, timeout=15000)
    with qtbot.waitSignal(tab.csv_written, timeout=15000) as done:
        tab.write_csv(tmp_path / "貸出.xlsx")
    row = _count_row(done.args[0], "貸出件数")
    assert isinstance(row[-1], int) and row[-1] == tab.stats.value("合計", "貸出件数")

    page = win.show_page("dispatch")
    page.tabs.setCurrentWidget(page.statistics)
    qtbot.waitUntil(lambda: page.statistics.stats is not None, timeout=15000)
    target = tmp_path / "派遣.xlsx"
    monkeypatch.setattr(dispatch_common, "ask_save_path", lambda *_a, **_k: target)
    with qtbot.waitSignal(page.statistics.exported, timeout=15000):
        page.statistics.csv_button.click()
    row = _count_row(target, "派遣回数")
    assert isinstance(row[-1], int)
