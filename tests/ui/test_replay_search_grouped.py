"""The search box groups its hits by kind; 「すべて表示」 opens the kind's list filtered — by keys only."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.ui.widgets.search_box import ShowAll
from tests.ui.replay import activate, desk, focused, press, type_text  # noqa: F401


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


# ---- 「すべて表示」 of 貸出, 派遣申請, アドバイザー, 個人 (each opens its list filtered by the words) ----------
def _indexed(services, kind: str, query: str) -> set[int]:
    """The records of *kind* whose index text holds every word — read row by row, not through the index."""
    from sqlalchemy import select

    from kyodo_desk.db.models import SearchDocument
    from kyodo_desk.db.search import split_terms

    terms = split_terms(query)
    with services.db.read() as s:
        rows = s.execute(select(SearchDocument.ref_id, SearchDocument.text).where(SearchDocument.kind == kind))
        return {ref for ref, text in rows if all(t in text for t in terms)}


def _show_all(qtbot, win, query: str, kind: str):
    """Type *query* into the box, Down to the kind's 「すべて表示」 and press Enter; the kind's group."""
    results = _search(qtbot, win, query)
    group = next(g for g in win.search.groups if g.kind == kind)
    assert group.more  # more than the box shows: 「すべて表示」 is there, not a note
    for _ in range(60):
        if results.current() == ShowAll(kind, group.total):
            break
        press(qtbot, Qt.Key.Key_Down)
    assert results.current() == ShowAll(kind, group.total)
    assert f"すべて表示 ({group.count_text})" in results.titles()[results.list.currentRow()]
    assert not any("語を足すと" in t for t in results.titles())  # no kind shown says it has no list
    press(qtbot, Qt.Key.Key_Return)
    return group


def _all_rows(qtbot, model) -> list:
    qtbot.waitUntil(lambda: model.total is not None and not model._fetching, timeout=10000)
    while model.canFetchMore():
        model.fetchMore()
        qtbot.waitUntil(lambda: not model._fetching, timeout=10000)
    return list(model.rows)


def test_show_all_loans_opens_the_loan_records_filtered(qtbot, desk, services):
    win = desk()
    query = "L2025-000"
    group = _show_all(qtbot, win, query, "loan")
    page = win.pages["lending"]
    tab = page.loans
    qtbot.waitUntil(lambda: page.isVisible() and tab.model.total == group.total, timeout=10000)
    assert page.tabs.currentWidget() is tab and tab.text_filter.text() == query
    assert tab.state_filter.currentData() is None  # 貸出中と返却済み: as the box counts
    rows = _all_rows(qtbot, tab.model)
    assert {r.id for r in rows} == _indexed(services, "loan", query) and len(rows) == group.total
    assert focused() is tab.table and not win.search.results.isVisible()
    # Up to the box again, then Down: back in the results (not in 状況)
    tab.text_filter.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    assert focused() is tab.table
    # Enter on a loan opens it (return, extend)
    first = tab.current()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.desk.loan_dialog is not None and page.desk.loan_dialog.isVisible(), timeout=10000)
    assert page.desk.loan_dialog.loan.id == first.id
    page.desk.loan_dialog.reject()


def test_show_all_dispatch_opens_the_applications_filtered_in_every_year(qtbot, desk, services):
    win = desk()
    dispatch = win.show_page("dispatch")
    dispatch.applications.status.setCurrentIndex(2)  # a filter left from before: 「すべて表示」 resets it
    query = "オンライン会議"
    group = _show_all(qtbot, win, query, "dispatch")
    tab = dispatch.applications
    qtbot.waitUntil(lambda: tab.model.total == group.total and tab.model.filter.text == query, timeout=10000)
    assert dispatch.tabs.currentWidget() is tab and tab.text_filter.text() == query
    assert tab.fiscal_year.currentData() is None and tab.status.currentData() is None
    rows = _all_rows(qtbot, tab.model)
    assert {r.id for r in rows} == _indexed(services, "dispatch", query) and len(rows) == group.total
    assert focused() is tab.table


def test_show_all_advisors_opens_the_roster_filtered_with_inactive_ones(qtbot, desk, services):
    from kyodo_desk.domain.dispatch import Field
    from kyodo_desk.services.advisors import AdvisorInput

    win = desk()
    for i, kana in enumerate("アイウエオカ"):
        services.advisors.save(
            win.ctx.actor,
            AdvisorInput(
                name=f"絞込 太郎{i}", name_kana=f"シボリコミ タロウ{kana}", fields=(Field.ICT.value,), active=i != 0
            ),
        )
    query = "絞込"
    group = _show_all(qtbot, win, query, "advisor")
    page = win.pages["dispatch"]
    tab = page.advisors
    qtbot.waitUntil(lambda: len(tab.rows) == group.total == 6 and tab.text_filter.text() == query, timeout=10000)
    assert page.tabs.currentWidget() is tab and tab.include_inactive.isChecked()
    assert {a.id for a in tab.rows} == _indexed(services, "advisor", query)
    assert tab.table.rowCount() == 6 and focused() is tab.table
    # a word nothing matches: the empty list names its filter
    tab.text_filter.setFocus()
    tab.text_filter.selectAll()
    type_text(qtbot, "該当なしの語")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 0 and tab.empty.isVisible(), timeout=10000)
    assert "「該当なしの語」" in tab.empty.text()


def test_show_all_people_opens_the_people_list_filtered(qtbot, desk, services):
    from kyodo_desk.services.people import PersonInput

    win = desk()
    for i, kana in enumerate("アイウエオカ"):
        services.people.create(win.ctx.actor, PersonInput(name=f"絞込 花子{i}", name_kana=f"シボリコミ ハナコ{kana}"))
    query = "シボリコミ"
    group = _show_all(qtbot, win, query, "person")
    groups_page = win.pages["groups"]
    qtbot.waitUntil(lambda: groups_page.people_dialog is not None, timeout=10000)
    dialog = groups_page.people_dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.model.total == group.total == 6, timeout=10000)
    assert groups_page.isVisible() and dialog.text_filter.text() == query
    rows = _all_rows(qtbot, dialog.model)
    assert {p.id for p in rows} == _indexed(services, "person", query)
    assert focused() is dialog.table
    press(qtbot, Qt.Key.Key_Down)
    first = dialog.model.record(dialog.table.currentIndex().row())
    assert first is not None
    press(qtbot, Qt.Key.Key_Return)  # Enter: the person's record
    qtbot.waitUntil(lambda: dialog.person_dialog is not None and dialog.person_dialog.isVisible(), timeout=10000)
    assert dialog.person_dialog.record.id == first.id
    dialog.person_dialog.reject()
    activate(qtbot, dialog)
    dialog.table.setFocus()
    press(qtbot, Qt.Key.Key_Escape)  # Esc closes the list
    qtbot.waitUntil(lambda: groups_page.people_dialog is None, timeout=5000)


def test_a_role_without_people_or_dispatch_gets_neither_their_hits_nor_their_lists(qtbot, desk, services):
    win = desk("kitamura")  # ICT推進員: lending yes; people, advisors, dispatch no
    _search(qtbot, win, "沢田")
    assert {g.kind for g in win.search.groups} <= {"device", "loan", "organization", "project"}
    win.pages["groups"], win.pages["dispatch"]  # built: they register only the lists this role may see
    for kind in ("person", "advisor", "dispatch"):
        assert not win.openers.can_open_list(kind)
        win.open_list(kind, "沢田")
        assert win.pages["groups"].people_dialog is None
    assert win.current_page_key() != "dispatch"
