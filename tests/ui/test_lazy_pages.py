"""Pages are built the first time they are shown: start-up pays for ホーム only, a record found with
the search box opens on a page that did not exist yet, and a page built while the window is on
screen does not flash stray windows or take the focus away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def test_only_home_is_built_at_start_and_ctrl_number_builds_the_rest(qtbot, window):
    assert set(window.pages.built) == {"home"}
    assert "lending" in window.pages and set(window.pages) == {spec.key for spec in window.specs}
    assert set(window.pages.built) == {"home"}  # asking whether a page exists builds nothing
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert "lending" in window.pages.built and window.current_page_key() == "lending"
    assert window.pages["lending"].isVisible()


def test_a_record_from_the_search_box_opens_on_a_page_not_built_yet(qtbot, window, services):
    org = services.organizations.page(window.ctx.actor, limit=1)[0]
    assert "groups" not in window.pages.built
    assert window.openers.can_open("organization")
    window.openers.open("organization", org.id)
    page = window.pages.built["groups"]
    qtbot.waitUntil(
        lambda: (
            page.isVisible()
            and page.model.record(page.table.currentIndex().row()) is not None
            and page.model.record(page.table.currentIndex().row()).id == org.id
        ),
        timeout=5000,
    )


def test_a_page_built_on_screen_keeps_the_focus_in_the_main_window(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    for spec in window.specs:
        window.show_page(spec.key)
        qtbot.waitUntil(lambda: window.ctx.tasks.pending == 0, timeout=10000)
        assert QApplication.activeWindow() is window, spec.key
        assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [window], spec.key
