"""相談受付 intake through the real widget, keyboard only: the anonymous path, validation that keeps
what was typed, picking (or creating) an organization, follow-up defaults, a new case, Esc."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kyodo_desk.ui.consultations.form import NEW_CASE
from tests.ui.test_consultations_helpers import FY, activate, focused, ime_type, open_page, world  # noqa: F401 - fixtures

CTRL = Qt.KeyboardModifier.ControlModifier
TAB = Qt.Key.Key_Tab


def test_anonymous_intake_by_keyboard_alone(qtbot, open_page, world, services, admin):
    page = open_page(admin)
    form = page.intake.form
    assert focused() is form.channel  # ready to type as soon as the page shows
    qtbot.keyClick(form.channel, Qt.Key.Key_Down)  # 来所 → 電話
    qtbot.keyClick(form.channel, TAB)
    assert focused() is form.requester_type  # 個人 stays
    qtbot.keyClick(form.requester_type, TAB)
    assert focused() is form.organization.edit  # left empty: anonymous
    qtbot.keyClick(form.organization.edit, TAB)
    assert focused() is form.people_count  # the person list is skipped without an organization
    qtbot.keyClicks(form.people_count, "2")
    qtbot.keyClick(form.people_count, TAB)
    tree = form.categories
    assert focused() is tree
    qtbot.keyClick(tree, Qt.Key.Key_Space)  # 設立・法人化
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    qtbot.keyClick(tree, Qt.Key.Key_Space)  # 設立・法人化 › NPO法人の設立
    qtbot.keyClick(tree, TAB)
    assert focused() is form.summary
    ime_type(form.summary, "NPO法人の設立手続きについて")
    with qtbot.waitSignal(page.intake.saved, timeout=5000) as saved:
        qtbot.keyClick(form.summary, Qt.Key.Key_S, CTRL)
    record = saved.args[0]
    stored = services.consultations.get(admin, record.id)
    assert (stored.channel, stored.requester_type, stored.people_count) == ("phone", "individual", 2)
    assert set(stored.category_names) == {"設立・法人化", "設立・法人化 › NPO法人の設立"}
    assert stored.summary == "NPO法人の設立手続きについて"
    assert stored.organization_id is None and stored.person_id is None  # anonymous
    assert stored.staff_name == admin.name  # the staff member at the desk, automatically
    assert abs(stored.received_at - dt.datetime.now()) < dt.timedelta(minutes=2)  # received now
    assert stored.reference.startswith(f"S{FY}-")
    assert f"受付番号 {stored.reference}" in page.intake.result_line.text()
    assert page.intake.print_button.isEnabled() and focused() is page.intake.print_button  # 受付票を印刷 offered

    qtbot.keyClick(page.intake, Qt.Key.Key_N, CTRL)  # the next visitor
    assert page.intake.record is None and form.summary.text() == "" and form.categories.checked_ids() == ()
    assert focused() is form.channel


def test_validation_error_names_the_field_and_keeps_the_typing(qtbot, open_page, world, services, admin):
    page = open_page(admin)
    form = page.intake.form
    ime_type(form.summary, "会議室を探している")
    ime_type(form.details, "土曜の午後に20人")
    form.referral_to.setFocus()
    qtbot.keyClick(form.referral_to, Qt.Key.Key_Down)  # 市の担当課, but no reason typed
    qtbot.keyClick(form.summary, Qt.Key.Key_S, CTRL)
    assert "相談分類" in form.errors.message("category_ids")
    assert "紹介の理由" in form.errors.message("referral_reason")
    assert focused() is form.categories  # the first bad field
    assert form.summary.text() == "会議室を探している" and form.details.toPlainText() == "土曜の午後に20人"
    assert page.intake.error_banner.isVisible()
    assert services.consultations.count(admin) == 0

    qtbot.keyClick(form.categories, Qt.Key.Key_Space)
    ime_type(form.referral_reason, "会場の予約は市の施設で")
    with qtbot.waitSignal(page.intake.saved, timeout=5000):
        qtbot.keyClick(form.summary, Qt.Key.Key_S, CTRL)
    assert form.errors.message("category_ids") == "" and not page.intake.error_banner.isVisible()
    (saved,) = services.consultations.page(admin)
    assert (saved.referral_to, saved.referral_reason) == ("city_department", "会場の予約は市の施設で")


def test_picking_an_organization_fills_the_requester_type(qtbot, open_page, world, services, admin):
    page = open_page(admin)
    form = page.intake.form
    picker = form.organization
    with qtbot.waitSignal(picker.results_shown, timeout=5000):
        ime_type(picker.edit, "かなざわ")
    popup = picker._completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.organization_id() == world.npo.id)
    assert form.requester_type.currentData() == "npo"  # from the organization's kind
    assert form.person.isEnabled() and page.intake.timeline_button.isEnabled()

    form.categories.check_name("その他")
    ime_type(form.summary, "会計ソフトの選び方")
    with qtbot.waitSignal(page.intake.saved, timeout=5000) as saved:
        qtbot.keyClick(form.summary, Qt.Key.Key_S, CTRL)
    assert (saved.args[0].organization_id, saved.args[0].requester_type) == (world.npo.id, "npo")
    assert page.intake.dispatch_button.isEnabled() and page.intake.lending_button.isEnabled()


def test_a_new_organization_registered_inline(qtbot, open_page, world, services, admin):
    page = open_page(admin)
    picker = page.intake.form.organization
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:  # no match: Enter offers 新しい団体
        ime_type(picker.edit, "大野こども食堂")
        qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    dialog = activate(qtbot, opened.args[0])
    assert dialog.name.text() == "大野こども食堂"  # what was typed is carried over
    dialog.kind.setCurrentIndex(dialog.kind.findData("citizen_group"))
    ime_type(dialog.name_kana, "オオノコドモショクドウ")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.keyClick(dialog.name_kana, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: picker.record is not None and picker.record.name == "大野こども食堂", timeout=5000)
    assert page.intake.form.requester_type.currentData() == "citizen_group"


def test_follow_up_defaults_and_a_new_case(qtbot, open_page, world, services, admin):
    page = open_page(admin)
    form = page.intake.form
    form.organization.choose(world.town)
    assert form.requester_type.currentData() == "neighborhood"
    form.followup_action.setFocus()
    qtbot.keyClick(form.followup_action, Qt.Key.Key_Down)  # 折り返し連絡
    assert form.followup_due.value() == dt.date.today() + dt.timedelta(days=1)
    assert form.followup_assignee.currentData() == admin.staff_id
    qtbot.waitUntil(lambda: form.case.count() >= 2)
    form.case.setFocus()
    qtbot.keyClick(form.case, Qt.Key.Key_Down)  # 新しい案件
    assert form.case.currentData() == NEW_CASE and form.case_title.isEnabled()
    form.categories.check_name("町会運営 › 役員の担い手")
    ime_type(form.summary, "役員のなり手がいない")
    qtbot.keyClick(form.summary, Qt.Key.Key_S, CTRL)  # the case needs a name
    assert "新しい案件名" in form.errors.message("case_title") and focused() is form.case_title
    ime_type(form.case_title, "町会の役員体制づくり")
    with qtbot.waitSignal(page.intake.saved, timeout=5000) as saved:
        qtbot.keyClick(form.case_title, Qt.Key.Key_S, CTRL)
    record = services.consultations.get(admin, saved.args[0].id)
    assert record.case_title == "町会の役員体制づくり"
    assert (record.followup_action, record.followup_assignee_name) == ("call_back", admin.name)
    (case,) = services.consultations.cases(admin, organization_id=world.town.id)
    assert case.status == "open"


def test_esc_asks_before_throwing_typing_away(qtbot, open_page, world, admin):
    page = open_page(admin)
    form = page.intake.form
    qtbot.keyClick(form.channel, Qt.Key.Key_Escape)  # nothing typed: nothing asked
    assert page.intake.confirm is None
    ime_type(form.summary, "チラシの作り方")
    qtbot.keyClick(form.summary, Qt.Key.Key_Escape)
    box = page.intake.confirm
    assert box is not None and box.text() == "変更を破棄しますか?"
    box.button(QMessageBox.StandardButton.No).click()  # 編集を続ける
    assert form.summary.text() == "チラシの作り方"
    qtbot.keyClick(form.summary, Qt.Key.Key_Escape)
    page.intake.confirm.button(QMessageBox.StandardButton.Yes).click()  # 破棄する
    assert form.summary.text() == ""


def test_a_received_date_in_another_fiscal_year_switches_the_category_list(qtbot, open_page, world, admin):
    page = open_page(admin)
    form = page.intake.form
    assert form.categories.fiscal_year == FY
    form.categories.check_name("ICT活用 › オンライン会議")
    last_year = dt.datetime(FY - 1, 9, 1, 10, 0)
    from PySide6.QtCore import QDateTime

    with qtbot.waitSignal(form.categories.loaded, timeout=5000):
        form.received_at.setDateTime(QDateTime(last_year))
    assert form.categories.fiscal_year == FY - 1
    assert form.categories.checked_names() == ["ICT活用 › オンライン会議"]  # the tick follows by name
    assert form.collect().received_at == last_year


def test_editing_keeps_the_person_case_and_assignee_while_lists_load(
    qtbot, open_page, world, services, admin, staff_actor
):
    from kyodo_desk.services.people import PersonInput

    person = services.people.create(admin, PersonInput(name="山田 太郎", organization_id=world.town.id))
    case = services.consultations.create_case(admin, "町会のICT化", world.town.id)
    rec = world.consultation(
        organization_id=world.town.id,
        requester_type="neighborhood",
        person_id=person.id,
        case_id=case.id,
        followup_action="appointment",
        followup_due=dt.date.today(),
        followup_assignee_id=staff_actor.staff_id,
    )
    page = open_page(admin)
    with qtbot.waitSignal(page.dialog_opened, timeout=5000) as opened:
        page.open_consultation(rec.id)
    dialog = opened.args[0]
    with qtbot.waitSignal(dialog.ready, timeout=5000):
        pass
    editor = dialog.editor
    assert not editor.is_dirty()
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.save()  # at once, before the person and case lists may have arrived
    stored = services.consultations.get(admin, rec.id)
    assert (stored.person_id, stored.case_id, stored.followup_assignee_id) == (person.id, case.id, staff_actor.staff_id)
    qtbot.waitUntil(
        lambda: editor.form.person.currentText() == "山田 太郎" and editor.form.case.currentData() == case.id,
        timeout=5000,
    )
    assert editor.form.followup_assignee.currentData() == staff_actor.staff_id and not editor.is_dirty()


def test_ict_promoters_do_not_see_consultations(qtbot, open_page, ict_actor):
    page = open_page(ict_actor)
    assert not page.allowed and not hasattr(page, "tabs")
