"""The search box groups its hits by kind; 「すべて表示」 opens the kind's list filtered — by keys only."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.ui.widgets.search_box import ShowAll
from tests.ui.replay import desk, focused, press, type_text  # noqa: F401


def _search(qtbot, win, query: str):
    press(qtbot, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert focused() is win.search
    with qtbot.waitSignal(win.search.searched, timeout=10000):
        type_text(qtbot, query)
    return win.search.results


def test_town_associations_show_under_their_heading_and_show_all_opens_the_filtered_list(qtbot, desk, services):
    win = desk()
    for i in range(6):  # more 町会 than the box shows under one heading
        services.organizations.create(win.ctx.actor, OrganizationInput(name=f"検索テスト{i}丁目町会"))
    results = _search(qtbot, win, "町会")
    groups = win.search.groups
    assert groups[0].kind == "organization" and groups[0].total >= 6
    assert results.titles()[0] == f"団体 ({groups[0].total}件)"  # the heading, then the hits
    assert all("町会" in h.title for h in groups[0].hits)
    assert results.list.currentRow() == -1
    press(qtbot, Qt.Key.Key_Down)  # over the heading, to the first hit
    assert results.current() == groups[0].hits[0]
    for _ in groups[0].hits:
        press(qtbot, Qt.Key.Key_Down)
    assert results.current() == ShowAll("organization", groups[0].total)
    assert f"すべて表示 ({groups[0].total}件)" in results.titles()[results.list.currentRow()]
    press(qtbot, Qt.Key.Key_Return)
    page = win.pages["groups"]
    qtbot.waitUntil(lambda: page.isVisible() and page.model.total == groups[0].total, timeout=10000)
    assert page.text_filter.text() == "町会" and page.inactive_filter.isChecked()
    assert page.table.hasFocus() and not results.isVisible() and win.search.text() == ""


def test_up_from_show_all_goes_back_to_the_hits_and_enter_opens_one(qtbot, desk, services):
    win = desk()
    results = _search(qtbot, win, "タブレット")
    kinds = [g.kind for g in win.search.groups]
    assert kinds[0] == "device"  # 機器 first: the tablets, not consultations about tablets
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Up)
    first = win.search.groups[0].hits[0]
    assert results.current() == first and first.kind == "device"
