"""The organizations screen: a lazy, sortable list and an edit dialog that talks to people."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, Qt

from kyodo_desk.services.base import PermissionDenied
from kyodo_desk.services.container import Services
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.ui.groups.page import OrganizationsPage
from tests.ui.conftest import sign_in


@pytest.fixture
def open_page(qtbot, make_ctx):
    def make(actor, database=None) -> OrganizationsPage:
        page = OrganizationsPage(make_ctx(actor, database))
        qtbot.addWidget(page)
        page.resize(1100, 700)
        page.show()
        qtbot.waitUntil(lambda: page.model.total is not None)
        return page

    return make


def _click_header(qtbot, page, column):
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_large_list_is_lazy_and_loads_more_when_scrolled(qtbot, open_page, large_db):
    services = Services(large_db)
    admin = sign_in(services, "admin")
    page = open_page(admin, large_db)
    total = page.model.total
    assert total >= 2000
    assert page.count_label.text() == f"{total:,} 団体"
    assert page.model.rowCount() < total  # only the first page is in memory
    before = page.model.rowCount()
    with qtbot.waitSignal(page.model.fetched, timeout=5000):
        page.table.scrollToBottom()
    assert before < page.model.rowCount() < total
    assert services.organizations.count(admin) == total


def test_clicking_headers_sorts_in_the_database(qtbot, open_page, large_db):
    services = Services(large_db)
    admin = sign_in(services, "admin")
    page = open_page(admin, large_db)
    _click_header(qtbot, page, 6)  # 電話
    phones = [page.model.record(r).phone for r in range(page.model.rowCount())]
    assert phones == sorted(phones)
    assert phones[0] == services.organizations.page(admin, sort="phone", limit=1)[0].phone  # the smallest of all 2,000+
    _click_header(qtbot, page, 6)
    phones = [page.model.record(r).phone for r in range(page.model.rowCount())]
    assert phones == sorted(phones, reverse=True)


def test_filters_narrow_the_list(qtbot, open_page, services, demo_small):
    page = open_page(sign_in(services, "admin"))
    everything = page.model.total
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        page.kind_filter.setCurrentIndex(page.kind_filter.findData("neighborhood"))
    assert 0 < page.model.total < everything
    assert {page.model.record(r).kind_label for r in range(page.model.rowCount())} == {"町会等地域団体"}
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        qtbot.keyClicks(page.text_filter, "ORG-00001")
    assert [page.model.record(r).code for r in range(page.model.rowCount())] in ([], ["ORG-00001"])


def _open_first(qtbot, page):
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    page.dialog.activateWindow()
    qtbot.waitUntil(page.dialog.isActiveWindow)
    return page.dialog


def test_validation_errors_name_the_field_and_keep_the_typing(qtbot, open_page, services, demo_small):
    page = open_page(sign_in(services, "tanaka"))
    dialog = _open_first(qtbot, page)
    for widget, text in ((dialog.name_kana, "kanazawa"), (dialog.phone, "12-34"), (dialog.email, "info@")):
        widget.clear()
        qtbot.keyClicks(widget, text)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.errors.message("phone") != "")
    assert "「団体名(カナ)」" in dialog.errors.message("name_kana") and "カタカナ" in dialog.errors.message("name_kana")
    assert "「電話番号」" in dialog.errors.message("phone")
    assert "「メールアドレス」" in dialog.errors.message("email")
    assert dialog.errors.labels["phone"].isVisible()
    assert (dialog.name_kana.text(), dialog.phone.text(), dialog.email.text()) == ("kanazawa", "12-34", "info@")
    assert dialog.name_kana.hasFocus()  # the first bad field in the form
    assert dialog.isVisible()


def test_registration_is_shown_and_its_steps_open_from_the_dialog(qtbot, open_page, services, demo_small):
    """The status is not a drop-down any more: Ctrl+R opens the registration's steps and history."""
    page = open_page(sign_in(services, "tanaka"))
    dialog = _open_first(qtbot, page)
    assert not hasattr(dialog, "registration_status")
    assert dialog.registration_summary.text().startswith(dialog.record.registration_label)
    qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.registration_dialog is not None and dialog.registration_dialog.record is not None)
    shown = dialog.registration_dialog
    visible = {s for s, b in shown.step_buttons.items() if not b.isHidden()}
    assert visible == set(shown.record.allowed_steps) - {"cancel"}  # 登録取消 is for administrators


def test_stale_edit_is_refused_and_input_kept(qtbot, open_page, services, demo_small):
    me = sign_in(services, "tanaka")
    page = open_page(me)
    dialog = _open_first(qtbot, page)
    record = dialog.record
    # meanwhile another desk saves the same organization
    other = sign_in(services, "nakamura")
    services.organizations.update(
        other, record.id, record.version, replace(record.as_input(), contact_name="別の 窓口")
    )
    dialog.phone.clear()
    qtbot.keyClicks(dialog.phone, "076-111-2222")
    dialog.save()
    qtbot.waitUntil(dialog.error_banner.isVisible)
    assert "別の窓口で変更されました" in dialog.error_banner.text()
    assert "入力内容は残してあります" in dialog.error_banner.text()
    assert dialog.isVisible() and dialog.phone.text() == "076-111-2222"
    assert services.organizations.get(me, record.id).phone == record.phone  # nothing overwritten


def test_saved_edit_refreshes_the_list(qtbot, open_page, services, demo_small):
    page = open_page(sign_in(services, "tanaka"))
    dialog = _open_first(qtbot, page)
    dialog.representative_name.setText("新しい 代表")
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.dialog is None  # closed after saving
    row = page.table.currentIndex().row()
    assert page.model.record(row).representative_name == "新しい 代表"


def test_create_with_ctrl_n_and_duplicate_warning(qtbot, open_page, services, demo_small):
    actor = sign_in(services, "tanaka")
    page = open_page(actor)
    existing = page.model.record(0)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert dialog.record is None and "新規登録" in dialog.windowTitle()
    dialog.name.setText(existing.name)
    dialog.save()
    qtbot.waitUntil(dialog.duplicate_banner.isVisible)
    assert existing.code in dialog.duplicate_banner.text()
    assert services.organizations.count(actor) == page.model.total  # nothing saved yet
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        dialog.save()  # second press: the desk confirmed it is a different group
    assert saved.args[0].name == existing.name
    qtbot.waitUntil(lambda: page.model.total == services.organizations.count(actor))


def test_escape_asks_before_discarding_changes(qtbot, open_page, services, demo_small):
    from PySide6.QtWidgets import QMessageBox

    page = open_page(sign_in(services, "tanaka"))
    dialog = _open_first(qtbot, page)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing changed: closes at once
    qtbot.waitUntil(lambda: page.dialog is None)
    dialog = _open_first(qtbot, page)
    qtbot.keyClicks(dialog.name, "X")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.confirm_box.isVisible())
    assert dialog.confirm_box.text() == "変更を破棄しますか?"
    dialog.confirm_box.button(QMessageBox.StandardButton.Cancel).click()
    assert dialog.isVisible() and dialog.name.text().endswith("X")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.confirm_box.isVisible())
    dialog.confirm_box.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: page.dialog is None)


def test_ict_promoter_can_look_but_not_edit(qtbot, open_page, services, demo_small):
    ict = sign_in(services, "kitamura")
    page = open_page(ict)
    assert not page.new_button.isVisible()
    assert page.new_organization() is None
    dialog = _open_first(qtbot, page)
    assert "閲覧のみ" in " ".join(w.text() for w in dialog.findChildren(type(dialog.error_banner)))
    assert not dialog.save_button.isVisible()
    assert dialog.name.isReadOnly() and not dialog.kind.isEnabled()
    with pytest.raises(PermissionDenied):  # the service refuses too, whatever the screen shows
        services.organizations.update(ict, dialog.record.id, dialog.record.version, OrganizationInput(name="改ざん"))


def test_names_are_shown_as_text_never_as_markup(qtbot, open_page, services, admin):
    from PySide6.QtWidgets import QLabel

    record = services.organizations.create(admin, OrganizationInput(name="<b>太字</b>の会 & 仲間"))
    page = open_page(admin)
    page.open_organization_window(record.id)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    titles = [label for label in page.dialog.findChildren(QLabel) if "太字" in label.text()]
    assert titles and all(label.textFormat() == Qt.TextFormat.PlainText for label in titles)
    assert "<b>太字</b>の会 & 仲間" in titles[0].text()


def test_karte_button_opens_the_organizations_consultations(qtbot, window, services):
    from kyodo_desk.services.consultations import ConsultationInput
    from kyodo_desk.ui.consultations.timeline import OrganizationTimelineDialog

    actor = window.ctx.actor
    groups = window.show_page("groups")
    qtbot.waitUntil(lambda: groups.model.rowCount() > 0, timeout=5000)
    groups.table.selectRow(0)
    org = groups.model.record(0)
    cat = services.consultation_categories.for_year(2026)[0].id
    services.consultations.create(
        actor, ConsultationInput(summary="カルテ確認用の相談", organization_id=org.id, category_ids=(cat,))
    )
    assert groups.karte_button.isVisible()
    dialog = groups.show_timeline()
    assert isinstance(dialog, OrganizationTimelineDialog) and dialog.organization_id == org.id
    summaries = lambda: [dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())]  # noqa: E731
    qtbot.waitUntil(lambda: "カルテ確認用の相談" in summaries(), timeout=5000)
    dialog.close()


def test_a_red_message_goes_away_as_soon_as_its_field_is_fixed(qtbot, open_page, services, demo_small):
    from tests.ui.replay import type_text

    page = open_page(sign_in(services, "tanaka"))
    dialog = _open_first(qtbot, page)
    dialog.name.clear()
    dialog.phone.setText("12-34")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.errors.message("name") != "")
    assert dialog.errors.message("phone") != ""
    dialog.name.setFocus()
    qtbot.waitUntil(dialog.name.hasFocus)
    type_text(qtbot, "森山町会", human=False)
    assert dialog.errors.labels["name"].isHidden() and not dialog.name.property("invalid")
    assert not dialog.errors.labels["phone"].isHidden()  # the other field is not fixed yet
