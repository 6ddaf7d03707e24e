"""監査ログ (設定 › 監査ログ, administrators only), driven from the keyboard on the real main window:
someone looks at a consultation list and searches for a name; the administrator finds it by the
record's number, reads who did it, and exports the rows to CSV (which is itself recorded)."""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import Qt

from kyodo_desk.services.audit_log import AuditFilter
from kyodo_desk.services.consultations import ConsultationFilter
from tests.ui.conftest import sign_in
from tests.ui.replay import desk, focused, press, tab_until, type_text  # noqa: F401

TANAKA = "田中 健一"


def _open_audit_tab(qtbot, win):
    press(qtbot, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)  # Ctrl+8: 設定
    settings = win.pages["settings"]
    assert win.current_page_key() == "settings"
    tab_until(qtbot, lambda w: settings.isAncestorOf(w))  # from the search box into the page
    press(qtbot, Qt.Key.Key_6, Qt.KeyboardModifier.AltModifier)  # Alt+6: the sixth tab
    page = settings.audit
    assert settings.tabs.currentWidget() is page
    qtbot.waitUntil(lambda: page.model.total is not None and page.staff.count() > 2, timeout=10000)
    return page


def test_admin_finds_who_saw_a_record_by_number_and_exports_it(qtbot, desk, services, tmp_path, monkeypatch):
    win = desk("admin")
    # another member of staff at another desk: a page of the list, then a search for a name
    tanaka = sign_in(services, "tanaka")
    shown = services.consultations.page(tanaka, ConsultationFilter(), limit=20)
    target = shown[3]
    services.search.search(tanaka, "山田")

    page = _open_audit_tab(qtbot, win)
    assert page.model.total >= 3

    press(qtbot, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # Alt+K: 記録の種類
    assert focused() is page.entity
    while page.entity.currentText() != "相談":
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # Alt+N: 記録番号
    assert focused() is page.record
    type_text(qtbot, str(target.id))
    press(qtbot, Qt.Key.Key_Return)

    def only_that_record() -> bool:  # the list now shows just the rows that concern consultation target.id
        rows = page.model.rows
        return bool(rows) and all(
            r.entity == "consultation" and (r.entity_id == target.id or target.id in r.record_ids) for r in rows
        )

    qtbot.waitUntil(only_that_record, timeout=5000)
    row = next(r for r in page.model.rows if r.staff_name == TANAKA)
    assert row.action_label == "一覧表示" and target.id in row.record_ids
    assert str(target.id) in page.model.data(page.model.index(page.model.rows.index(row), 4))

    press(qtbot, Qt.Key.Key_Tab)  # on to the list
    assert focused() is page.table

    # narrow to tanaka's rows with the keyboard: Alt+P, then the arrow keys through the names
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert focused() is page.staff
    while page.staff.currentText().split("(")[0] != TANAKA:
        press(qtbot, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: bool(page.model.rows) and {r.staff_name for r in page.model.rows} == {TANAKA}, timeout=5000)

    out = tmp_path / "監査.csv"
    monkeypatch.setattr("kyodo_desk.ui.audit.page.ask_export_path", lambda _parent, _name: out)
    with qtbot.waitSignal(page.exported, timeout=10000):
        press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0][2] == "操作した人" and {r[2] for r in rows[1:]} == {TANAKA}
    assert any(r[4] == "一覧表示" and str(target.id) in r[7].split() for r in rows[1:])
    assert "山田" not in out.read_text(encoding="utf-8-sig")  # the search's words are not in the trail
    assert "件を" in page.message.text()
    admin = sign_in(services, "admin")
    export = services.audit.page(admin, AuditFilter(action="export"))[0]
    assert (export.entity, export.staff_name) == ("audit_log", "デモ 管理者")


def test_no_match_says_which_filters_and_clear_brings_everything_back(qtbot, desk):
    win = desk("admin")
    page = _open_audit_tab(qtbot, win)
    everything = page.model.total
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    type_text(qtbot, "999999")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.total == 0, timeout=5000)
    assert page.empty_note.isVisible() and "記録番号 999999" in page.empty_note.text()
    page.clear_button.click()
    qtbot.waitUntil(lambda: page.model.total is not None and page.model.total >= everything, timeout=5000)
    assert not page.empty_note.isVisible() and page.record.text() == ""


def test_only_administrators_have_the_audit_tab(qtbot, desk, services, make_ctx):
    from kyodo_desk.ui.settings.page import SettingsPage

    desk("admin")  # the demo staff exist now
    for login in ("tanaka", "kitamura"):
        settings = SettingsPage(make_ctx(sign_in(services, login)))
        qtbot.addWidget(settings)
        assert settings.audit is None
        assert "監査ログ" not in [settings.tabs.tabText(i) for i in range(settings.tabs.count())]
