"""The inventory tab: lazy filtered list, register/edit devices, state changes with a reason and the
history, device models with their accessory checklist, CSV import (all-or-nothing) and export."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kyodo_desk.services.inventory import DeviceInput
from tests.ui.test_lending_support import idle, lending, open_lending, type_ime  # noqa: F401


def test_csv_export_of_the_inventory(qtbot, open_lending, services, admin, lending, tmp_path):
    # importing is the import dialog's (tests/ui/test_replay_import.py, tests/services/test_imports.py)
    inv = open_lending(admin).inventory
    out = tmp_path / "export.csv"
    with qtbot.waitSignal(inv.csv.exported, timeout=10000):
        inv.csv.export_file(out)
    exported = out.read_bytes().decode("utf-8-sig")
    assert exported.startswith("管理番号,種別,メーカー,型番") and "タブレット,Apple" in exported
    assert "保存しました" in inv.message.text()


def test_filters_register_and_stale_edit(qtbot, open_lending, services, admin, lending):
    services.inventory.set_state(admin, lending.devices[1].id, "repair", "液晶不良")
    inv = open_lending(admin).inventory
    assert inv.count_label.text() == "3 台"
    with qtbot.waitSignal(inv.model.loaded, timeout=5000):
        inv.state_filter.setCurrentIndex(inv.state_filter.findData("repair"))
    assert [inv.model.record(r).asset_tag for r in range(inv.model.rowCount())] == ["KD-0002"]
    with qtbot.waitSignal(inv.model.loaded, timeout=5000):
        inv.state_filter.setCurrentIndex(0)
    with qtbot.waitSignal(inv.model.loaded, timeout=5000):
        qtbot.keyClicks(inv.text_filter, "SN2")
    assert [inv.model.record(r).asset_tag for r in range(inv.model.rowCount())] == ["KD-0003"]
    inv.text_filter.clear()
    idle(qtbot, inv.ctx)

    inv.new_device()
    qtbot.waitUntil(lambda: inv.dialog is not None and inv.dialog.isVisible(), timeout=5000)
    dialog = inv.dialog
    qtbot.keyClicks(dialog.serial, "SN-NEW")
    type_ime(dialog.storage_place, "事務室 棚B")
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        dialog.save_button.click()
    assert saved.args[0].asset_tag == "KD-0004" and saved.args[0].storage_place == "事務室 棚B"
    qtbot.waitUntil(lambda: inv.model.total == 4, timeout=5000)

    # another desk saves first: this save is refused, the input is kept
    inv.table.selectRow(0)
    inv.edit_row(0)
    qtbot.waitUntil(lambda: inv.dialog is not None and inv.dialog.isVisible(), timeout=5000)
    dialog = inv.dialog
    record = dialog.record
    services.inventory.update(
        admin, record.id, record.version, DeviceInput(model_id=record.model.id, serial="SN0", storage_place="倉庫B")
    )
    type_ime(dialog.notes, "画面に傷")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message.tone == "error", timeout=5000)
    assert "別の窓口で変更されました" in dialog.message.text()
    assert dialog.notes.toPlainText() == "画面に傷" and dialog.isVisible()
    dialog.reject()


def test_state_change_needs_a_reason_and_shows_in_history(qtbot, open_lending, services, admin, lending):
    inv = open_lending(admin).inventory
    qtbot.waitUntil(lambda: inv.model.rowCount() == 3)
    inv.table.selectRow(0)
    inv.change_state()
    dialog = inv.dialog
    dialog.state.setCurrentIndex(dialog.state.findData("repair"))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors.message("reason") != "", timeout=5000)
    assert "理由" in dialog.errors.message("reason")
    type_ime(dialog.reason, "バッテリー膨張")
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        dialog.save_button.click()
    assert services.inventory.get(admin, lending.devices[0].id).state == "repair"
    qtbot.waitUntil(lambda: inv.model.record(0).state == "repair", timeout=5000)
    assert inv.model.data(inv.model.index(0, 3)) == "修理中"

    inv.table.selectRow(0)
    inv.show_history()
    history = inv.dialog
    qtbot.waitUntil(lambda: history.loaded, timeout=5000)
    first = [history.changes.item(0, c).text() for c in range(5)]
    assert first[1:] == ["貸出可", "修理中", "山田 花子", "バッテリー膨張"]
    history.reject()


def test_device_models_with_accessory_checklist(qtbot, open_lending, services, admin, lending):
    inv = open_lending(admin).inventory
    inv.edit_models()
    dialog = inv.dialog
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=5000)
    assert [a.name for a in dialog.collect_accessories()] == ["ACアダプタ", "ケーブル", "ケース"]
    dialog.new_model()
    dialog.kind.setCurrentIndex(dialog.kind.findData("projector"))
    qtbot.keyClicks(dialog.maker, "EPSON")
    qtbot.keyClicks(dialog.model_name, "EB-W06")
    dialog.add_accessory("リモコン", 1)
    dialog.add_accessory("", 2)  # a count without a name
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message.tone == "error", timeout=5000)
    assert "付属品" in dialog.message.text()
    dialog.accessories.removeRow(1)
    dialog.add_accessory("HDMIケーブル", 2)
    assert not any(b.isDefault() for b in dialog.findChildren(QPushButton))  # Enter never presses 新しい機種
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        qtbot.keyClick(dialog.model_name, Qt.Key.Key_Return)  # Enter in 型番 saves this model
    saved = next(m for m in services.inventory.models(admin) if m.model_name == "EB-W06")
    assert saved.kind == "projector" and [(a.name, a.count) for a in saved.accessories] == [
        ("リモコン", 1),
        ("HDMIケーブル", 2),
    ]
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=5000)
    dialog.accept()
