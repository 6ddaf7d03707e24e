"""The label dialog's sheet chooser: generic sheets, then エーワン, then コクヨ, with the geometry shown."""

from __future__ import annotations


def test_dialog_groups_sheets_by_maker(qtbot, make_ctx, admin):
    from PySide6.QtCore import Qt

    from kyodo_desk.ui.lending.labels_dialog import LabelDialog

    dialog = LabelDialog(make_ctx(admin), ["KD-0001"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.template.findData("kokuyo-kpc-e1121-20n") >= 0, timeout=5000)
    combo = dialog.template
    texts = [combo.itemText(i) for i in range(combo.count())]
    separators = [i for i in range(combo.count()) if combo.itemData(i) is None]
    assert len(separators) == 2  # generic | エーワン | コクヨ
    assert texts[separators[0] + 1].startswith("エーワン ") and texts[separators[1] + 1].startswith("コクヨ ")
    index = combo.findData("a-one-72110")
    assert "https://www.a-one.co.jp/" in combo.itemData(index, Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentIndex(index)
    assert len(dialog.grid.group.buttons()) == 10
    assert "91.0×55.0mm" in dialog.sheet_info.text() and "2列×5段" in dialog.sheet_info.text()
