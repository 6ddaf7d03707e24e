"""The import dialog replayed through the real main window with keys: 団体 → 「Excel・CSV から取り込む…」,
a path typed, Enter through the column mapping, an unknown 種別 mapped once with the arrow keys, the
preview, 取り込む — and the list shows the new organizations."""

from __future__ import annotations

import io

from PySide6.QtCore import Qt

from kyodo_desk.ui.imports.dialog import DONE, MAPPING, PREVIEW, VALUES, ImportDialog
from tests.ui.replay import desk, focused, press, tab_until, type_text, wait_dialog  # noqa: F401 - fixtures


def _roster_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "フリガナ", "区分", "代表者", "TEL"])
    sheet.append(["犀川ほたるの会", "サイガワホタルノカイ", "任意団体", "森 一", "076-200-1000"])
    sheet.append(["浅野川みらい協議会", "アサノガワミライキョウギカイ", "協議会", "川 二", "076-200-2000"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_organizations_with_keys(qtbot, desk, services, admin, tmp_path):
    path = tmp_path / "団体名簿.xlsx"
    path.write_bytes(_roster_xlsx())
    win = desk()
    groups = win.show_page("groups")
    before = services.organizations.count(admin)
    button = groups.import_button
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    press(qtbot, Qt.Key.Key_Space)
    dialog = wait_dialog(qtbot, ImportDialog)
    qtbot.waitUntil(lambda: focused() is dialog.path_edit)
    type_text(qtbot, str(path))
    with qtbot.waitSignal(dialog.step_shown, timeout=10000, check_params_cb=lambda s: s == MAPPING):
        press(qtbot, Qt.Key.Key_Return)
    assert dialog.mapping_step.mapping() == ("name", "name_kana", "kind", "representative_name", "phone")
    assert focused() is dialog.mapping_step.combos[0]
    with qtbot.waitSignal(dialog.step_shown, timeout=10000, check_params_cb=lambda s: s == VALUES):
        press(qtbot, Qt.Key.Key_Return)  # Enter on a combo = 次へ
    ((unknown, combo),) = dialog.values_step.choices
    assert unknown.value == "協議会" and focused() is combo
    press(qtbot, Qt.Key.Key_Down)  # (エラーの行にする) → 町会等地域団体
    assert combo.currentData() == "neighborhood"
    with qtbot.waitSignal(dialog.step_shown, timeout=10000, check_params_cb=lambda s: s == PREVIEW):
        press(qtbot, Qt.Key.Key_Return)
    assert dialog.counts_label.text().startswith("新規 2 件・更新 0 件・変更なし 0 件・エラー 0 件")
    assert dialog.preview_model.rowCount() == 2 and dialog.next_button.text() == "取り込む"
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        press(qtbot, Qt.Key.Key_Return)
    assert dialog.stack.currentIndex() == DONE and "新規 2 件" in dialog.done_label.text()
    assert services.organizations.count(admin) == before + 2
    names = {o.name: o for o in services.organizations.page(admin, limit=2000)}
    assert names["浅野川みらい協議会"].kind == "neighborhood" and names["犀川ほたるの会"].kind == "citizen_group"
    qtbot.waitUntil(lambda: groups.model.total == before + 2, timeout=10000)  # the list reloaded itself
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_a_wrong_file_is_refused_in_words_and_the_path_stays(qtbot, desk, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    win = desk()
    inv = win.show_page("lending").inventory
    inv.import_button.click()
    dialog = wait_dialog(qtbot, ImportDialog)
    qtbot.waitUntil(lambda: focused() is dialog.path_edit)
    type_text(qtbot, str(path))
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.isVisible() and not dialog.busy, timeout=10000)
    assert dialog.message.text() == "Excel (.xlsx) か CSV のファイルを選んでください。このファイルは PDF です。"
    assert dialog.stack.currentIndex() == 0 and dialog.path_edit.text() == str(path)
    dialog.reject()
