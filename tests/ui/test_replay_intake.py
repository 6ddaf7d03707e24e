"""The 30-second anonymous intake, replayed through the real main window with the keyboard only."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.replay import desk, focused, press, tab_until, type_text  # noqa: F401 - fixtures

CTRL = Qt.KeyboardModifier.ControlModifier


def test_anonymous_consultation_by_keyboard_only(qtbot, desk, services):
    win = desk()
    press(qtbot, Qt.Key.Key_2, CTRL)  # 相談受付
    page = win.pages["consultations"]
    form = page.intake.form
    qtbot.waitUntil(lambda: form.categories.topLevelItemCount() > 0, timeout=10000)
    qtbot.waitUntil(lambda: focused() is form.channel, timeout=5000)
    press(qtbot, Qt.Key.Key_Down)  # 来所 → 電話
    tree = tab_until(qtbot, lambda w: w is form.categories, max_tabs=8)
    assert form.organization.edit.text() == ""  # walked past: anonymous
    first = tree.topLevelItem(0)
    press(qtbot, Qt.Key.Key_Space)  # ticks the first category (not a search for " ")
    assert first.checkState(0) == Qt.CheckState.Checked
    assert win.search.text() == "" and not win.search.hasFocus()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.summary
    type_text(qtbot, "団体設立の相談", human=False)
    with qtbot.waitSignal(page.intake.saved, timeout=10000) as saved:
        press(qtbot, Qt.Key.Key_S, CTRL)
    stored = services.consultations.get(win.ctx.actor, saved.args[0].id)
    assert stored.channel == "phone" and stored.organization_id is None and stored.person_id is None
    assert stored.summary == "団体設立の相談"
    assert list(stored.category_names) == [first.text(0)]  # exactly the one ticked with Space


def test_type_ahead_in_the_category_tree_jumps_there_not_to_the_search(qtbot, desk):
    win = desk()
    page = win.show_page("consultations")
    tree = page.intake.form.categories
    qtbot.waitUntil(lambda: tree.topLevelItemCount() > 1, timeout=10000)
    tree.setFocus()
    qtbot.waitUntil(tree.hasFocus)
    target = tree.topLevelItem(tree.topLevelItemCount() - 1).text(0)
    type_text(qtbot, target[0], human=True)  # a person typing the first letter of a category
    assert focused() is tree and win.search.text() == ""
    assert tree.currentItem() is not None and tree.currentItem().text(0).startswith(target[0])
