"""User-defined label sheets added from the label dialog, and an organization's loan history."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from kyodo_desk.services.labels import LabelService
from tests.ui.test_lending_support import TODAY, checkout, open_day, type_ime

SHOTS = os.environ.get("KYODO_DESK_SHOTS")


def _shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, name))


@pytest.fixture
def label_dialog(qtbot, make_ctx):
    def make(actor):
        from kyodo_desk.ui.lending.labels_dialog import LabelDialog

        ctx = make_ctx(actor)
        dialog = LabelDialog(ctx, ["KD-0001"])
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.template.count() >= 3, timeout=5000)
        return dialog

    return make


def test_add_a_label_sheet_keeps_input_on_bad_values_and_selects_the_new_one(qtbot, label_dialog, services, admin):
    dialog = label_dialog(admin)
    dialog.template.setCurrentIndex(dialog.template.findData("a4-12"))
    assert dialog.add_template_button.isEnabled()
    form = dialog.add_template()
    qtbot.waitUntil(form.isVisible)
    a4_12 = dialog.templates["a4-12"]
    assert (form.columns.value(), form.rows.value(), form.mm["pitch_x"].value()) == (
        a4_12.columns,
        a4_12.rows,
        a4_12.pitch_x,
    )  # starts from the chosen sheet

    # no name: said next to the field
    form.save_button.click()
    assert form.errors.message("name") == "「用紙の名前」を入力してください。" and form.message.tone == "error"

    # a name in use (here a built-in sheet) is refused
    qtbot.keyClicks(form.name, "a4-12")
    form.save_button.click()
    assert form.errors.message("name") == "「a4-12」という用紙はもうあります。別の名前にしてください。"

    # a sheet that runs off A4: the reason shows under the form and everything typed stays
    form.name.setText("office-18")
    type_ime(form.title, "事務室の18面")
    form.columns.setValue(3)
    form.rows.setValue(7)
    values = {"label_width": 64.0, "label_height": 42.0, "left": 8.0, "top": 20.0, "pitch_x": 66.0, "pitch_y": 46.0}
    for key, value in values.items():
        form.mm[key].setValue(value)
    form.save_button.click()
    qtbot.waitUntil(lambda: form.message.tone == "error" and "はみ出します" in form.message.text(), timeout=5000)
    _shot(form, "label_template_error.png")
    assert form.isVisible() and form.name.text() == "office-18" and form.title.text() == "事務室の18面"
    assert form.rows.value() == 7 and form.mm["pitch_y"].value() == 46.0
    assert "office-18" not in LabelService(services.db, services.settings).templates()

    # fixed: five rows fit
    form.rows.setValue(5)
    with qtbot.waitSignal(form.saved, timeout=5000):
        form.save_button.click()
    saved = LabelService(services.db, services.settings).templates()["office-18"]
    assert (saved.title, saved.columns, saved.rows, saved.pitch_y) == ("事務室の18面", 3, 5, 46.0)
    qtbot.waitUntil(lambda: dialog.template.currentData() == "office-18", timeout=5000)
    assert dialog.template.currentText() == "事務室の18面" and len(dialog.grid.group.buttons()) == 15
    assert "事務室の18面" in dialog.message.text()
    _shot(dialog, "label_dialog_new_sheet.png")
    # the calibration page is offered for the new sheet
    with qtbot.waitSignal(dialog.built, timeout=20000):
        dialog.calibration_button.click()
    dialog._pdf_preview.accept()


def test_ict_promoter_cannot_add_label_sheets(qtbot, label_dialog, ict_actor):
    dialog = label_dialog(ict_actor)
    assert not dialog.add_template_button.isEnabled()
    assert dialog.add_template() is None


def test_organization_loan_history_lists_loans_and_opens_one(qtbot, window, services):
    from kyodo_desk.services.inventory import DeviceInput
    from kyodo_desk.services.loans import ReturnRequest
    from kyodo_desk.services.organizations import OrganizationInput

    actor = window.ctx.actor
    model = services.inventory.save_model(actor, "tablet", "Apple", "iPad 第9世代", [])
    devices = [
        services.inventory.create(actor, DeviceInput(model_id=model.id, serial=f"GAP{i}", storage_place="倉庫A"))
        for i in range(2)
    ]
    org = services.organizations.create(
        actor,
        OrganizationInput(kind="neighborhood", name="貸出履歴テスト町会", name_kana="カシダシリレキテストチョウカイ"),
    )
    # an older loan, returned late; then today's loan of both devices
    past = dt.datetime.combine(TODAY - dt.timedelta(days=20), dt.time(10))
    late_due = services.calendar.calendar().next_open_day(TODAY - dt.timedelta(days=8))
    old = checkout(services, actor, org, devices[:1], late_due, out_at=past, backdate_reason="紙の台帳から移行")
    services.loans.return_device(
        actor, ReturnRequest(devices[0].id, {"ACアダプタ": "returned", "ケーブル": "returned"}, wiped=True)
    )
    loan = checkout(services, actor, org, devices, open_day(services, 7))
    page = window.show_page("groups")
    assert page.loans_button.isVisible()
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        page.text_filter.setText("貸出履歴テスト町会")
        page.apply_filter()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    page.table.selectRow(0)
    dialog = page.show_loan_history()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=5000)
    rows = [[dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())] for r in range(2)]
    tags = "、".join(d.asset_tag for d in devices)
    assert rows[0][0] == loan.reference and rows[0][3] == "貸出中" and rows[0][4] == tags and rows[0][5] == ""
    assert rows[1][0] == old.reference and rows[1][3] == "返却済" and rows[1][4] == devices[0].asset_tag
    assert rows[1][5] == f"{(TODAY - late_due).days} 日"  # returned that many days late
    assert dialog.summary.text() == "2 件(うち貸出中 1 件)"
    _shot(dialog, "org_loan_history.png")
    desk = window.pages["lending"].desk
    with qtbot.waitSignal(desk.loan_opened, timeout=5000) as opened:
        assert dialog.open_loan(0)
    assert opened.args[0].loan.id == loan.id and window.current_page_key() == "lending"
    opened.args[0].reject()


def test_ict_promoter_sees_the_loan_history_button(qtbot, make_ctx, ict_actor):
    from kyodo_desk.ui.groups.page import OrganizationsPage

    page = OrganizationsPage(make_ctx(ict_actor))
    qtbot.addWidget(page)
    assert page.loans_button.isVisibleTo(page) and not page.karte_button.isVisibleTo(page)
