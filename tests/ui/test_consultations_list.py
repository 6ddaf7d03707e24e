"""相談の一覧: lazy loading, each filter, opening and editing with stale-edit protection, delete
for admins only (with confirmation)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.ui.consultations.dialog import ConsultationDialog
from tests.ui.test_consultations_helpers import FY, TODAY, activate, focused, ime_type, open_page, references, world  # noqa: F401

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def demo_consultations(db, monkeypatch):
    """The small demo registry with its ~300 consultations (the other features' steps left out)."""
    from kyodo_desk.services import demo

    monkeypatch.setattr(demo, "DEMO_STEPS", [s for s in demo.DEMO_STEPS if s[0] == "相談"])
    return demo.generate(db, size="small")


def _sign_in(services, login):
    return next(r for r in services.staff.list() if r.login_name == login).as_actor()


def _list(qtbot, page):
    with qtbot.waitSignal(page.list.model.loaded, timeout=5000):
        page.show_tab("list")
    return page.list


def _filtered(qtbot, tab, change):
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        change()
        tab.apply_filter()
    return sorted(references(tab.model))


def test_the_list_loads_lazily(qtbot, open_page, services, demo_consultations):
    admin = _sign_in(services, "admin")
    total = services.consultations.count(admin)
    assert total >= 250
    page = open_page(admin)
    tab = _list(qtbot, page)
    model = tab.model
    assert model.total == total
    assert model.rowCount() == model.page_size < total  # only the first page is loaded
    assert tab.count_label.text() == f"{total:,} 件"
    newest = services.consultations.page(admin, limit=1)[0]
    assert model.record(0).id == newest.id  # newest first
    with qtbot.waitSignal(model.fetched, timeout=5000):
        model.fetchMore()
    assert model.rowCount() == 2 * model.page_size
    with qtbot.waitSignal(model.fetched, timeout=5000):
        tab.table.scrollToBottom()  # the view asks for the next page itself
        tab.table.verticalScrollBar().setValue(tab.table.verticalScrollBar().maximum())
    assert model.rowCount() > 2 * model.page_size


def test_each_filter(qtbot, open_page, world, services, admin, staff_actor):
    c = world.cats
    last_fy = dt.datetime(FY - 1, 6, 1, 10, 0)
    w = world
    a = w.consultation(
        received_at=dt.datetime.now().replace(microsecond=0),
        channel="phone",
        summary="助成金の探し方を知りたい",
        category_ids=(c["資金・助成金・チャレンジ事業 › 助成金の探し方"],),
    )
    b = w.consultation(
        staff_actor,
        received_at=last_fy,
        requester_type="npo",
        organization_id=w.npo.id,
        summary="会計ソフト",
        category_ids=(c["運営・会計・税務 › 会計・決算"],),
        followup_action="call_back",
        followup_due=TODAY,
    )
    d = w.consultation(
        received_at=last_fy + dt.timedelta(days=3),
        channel="email",
        summary="チラシの作り方",
        category_ids=(c["広報・情報発信"],),
        followup_action="send_material",
        followup_due=TODAY,
        followup_done=True,
    )
    page = open_page(admin)
    tab = _list(qtbot, page)
    assert sorted(references(tab.model)) == sorted([a.reference, b.reference, d.reference])
    assert _filtered(qtbot, tab, lambda: tab.channel.setCurrentIndex(tab.channel.findData("phone"))) == [a.reference]
    tab.clear_filters()
    assert _filtered(qtbot, tab, lambda: tab.requester.setCurrentIndex(tab.requester.findData("npo"))) == [b.reference]
    tab.clear_filters()
    assert _filtered(qtbot, tab, lambda: tab.fiscal_year.setCurrentIndex(tab.fiscal_year.findData(FY))) == [a.reference]
    tab.clear_filters()
    assert _filtered(
        qtbot, tab, lambda: (tab.date_from.setValue(last_fy.date()), tab.date_to.setValue(last_fy.date()))
    ) == [b.reference]
    tab.clear_filters()
    assert _filtered(qtbot, tab, lambda: tab.pending.setChecked(True)) == [b.reference]  # d's follow-up is done
    tab.clear_filters()
    qtbot.waitUntil(lambda: tab.staff.count() > 2)
    assert _filtered(qtbot, tab, lambda: tab.staff.setCurrentIndex(tab.staff.findData(staff_actor.staff_id))) == [
        b.reference
    ]
    tab.clear_filters()
    qtbot.waitUntil(lambda: tab.category.findData(c["資金・助成金・チャレンジ事業"]) >= 0)
    # a top-level category finds its sub-categories too
    assert _filtered(
        qtbot, tab, lambda: tab.category.setCurrentIndex(tab.category.findData(c["資金・助成金・チャレンジ事業"]))
    ) == [a.reference]
    tab.clear_filters()
    assert _filtered(qtbot, tab, lambda: tab.text_filter.setText("チラシ")) == [
        d.reference
    ]  # the global Japanese search
    assert _filtered(qtbot, tab, lambda: tab.text_filter.setText(a.reference)) == [a.reference]


def test_open_edit_and_a_stale_save_keeps_the_input(qtbot, open_page, world, services, admin, staff_actor):
    rec = world.consultation(summary="会場について", organization_id=world.npo.id, requester_type="npo")
    page = open_page(staff_actor)
    tab = _list(qtbot, page)
    tab.table.setFocus()
    tab.table.selectRow(0)
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    dialog = opened.args[0]
    assert isinstance(dialog, ConsultationDialog)
    qtbot.waitUntil(lambda: dialog.editor.record is not None, timeout=5000)
    activate(qtbot, dialog)
    assert dialog.editor.form.organization.record.id == world.npo.id
    assert not dialog.editor.delete_button.isVisible()  # staff cannot delete

    # another desk saves first
    services.consultations.update(
        admin, rec.id, rec.version, ConsultationInput(**{**rec.as_input().__dict__, "answer": "別の窓口で追記"})
    )
    answer = dialog.editor.form.answer
    answer.setFocus()
    ime_type(answer, "公民館を案内した")
    qtbot.keyClick(answer, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(dialog.editor.error_banner.isVisible, timeout=5000)
    assert "別の窓口で変更されました" in dialog.editor.error_banner.text()
    assert answer.toPlainText() == "公民館を案内した" and dialog.isVisible()  # input kept
    assert services.consultations.get(admin, rec.id).answer == "別の窓口で追記"

    # Esc with changes asks first; discarding closes the window
    qtbot.keyClick(answer, Qt.Key.Key_Escape)
    box = dialog.editor.confirm
    assert box is not None and box.text() == "変更を破棄しますか?"
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_only_admins_delete_and_they_are_asked_first(qtbot, open_page, world, services, admin, staff_actor):
    rec = world.consultation(summary="削除する相談")
    staff_page = open_page(staff_actor)
    staff_tab = _list(qtbot, staff_page)
    assert not staff_tab.delete_button.isVisible() and not staff_page.intake.delete_button.isVisible()
    staff_tab.table.selectRow(0)
    assert staff_tab.request_delete() is None  # the button is hidden and the action refuses too

    page = open_page(admin)
    tab = _list(qtbot, page)
    assert tab.delete_button.isVisible()
    tab.table.selectRow(0)
    box = tab.request_delete()
    assert "削除しますか" in box.text() and rec.reference in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.No).click()  # 削除しない
    assert services.consultations.count(admin) == 1
    box = tab.request_delete()
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert services.consultations.count(admin) == 0 and tab.model.rowCount() == 0


def test_tab_or_down_from_the_search_goes_to_the_results_not_to_a_filter(
    qtbot, open_page, services, demo_consultations
):
    page = open_page(_sign_in(services, "admin"))
    tab = _list(qtbot, page)
    activate(qtbot, page)
    tab.text_filter.setFocus()
    qtbot.waitUntil(tab.text_filter.hasFocus)
    before = (tab.date_from.value(), tab.date_to.value(), tab.fiscal_year.currentIndex(), tab.channel.currentIndex())
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    qtbot.keyClick(focused(), Qt.Key.Key_Down)
    assert focused() is tab.table
    tab.text_filter.setFocus()
    qtbot.keyClick(focused(), Qt.Key.Key_Down)
    assert focused() is tab.table and tab.table.currentIndex().isValid()
    assert (
        tab.date_from.value(),
        tab.date_to.value(),
        tab.fiscal_year.currentIndex(),
        tab.channel.currentIndex(),
    ) == before


def test_an_empty_list_names_the_active_filters_and_offers_to_clear_them(
    qtbot, open_page, services, demo_consultations
):
    page = open_page(_sign_in(services, "admin"))
    tab = _list(qtbot, page)
    _filtered(
        qtbot,
        tab,
        lambda: (
            tab.channel.setCurrentIndex(tab.channel.findData("fax")),
            tab.date_from.setValue(dt.date(2001, 1, 1)),
            tab.date_to.setValue(dt.date(2001, 1, 2)),
        ),
    )
    assert tab.model.total == 0 and tab.count_label.text() == "0 件"
    assert tab.empty_note.isVisible()
    note = tab.empty_note.text()
    assert "受付方法: FAX" in note and "受付日 2001/01/01〜2001/01/02" in note and "条件をクリア" in note
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.clear_button.click()
    assert tab.model.total > 0 and not tab.empty_note.isVisible()
