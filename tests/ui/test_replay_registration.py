"""A group registered step by step through the real main window, by keys only: 申請受付 (the
documents checklist refuses a missing document and keeps what was typed) → 審査 → 登録 with its
number → 登録証 preview; the history and the database agree."""

from __future__ import annotations

import datetime as dt

import shiboken6
from PySide6.QtCore import Qt

from kyodo_desk.domain.fiscal import fiscal_year_of
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.ui.groups.registration_dialog import RegistrationDialog
from kyodo_desk.ui.groups.registration_step_dialog import RegistrationStepDialog
from kyodo_desk.ui.printing.dialog import PdfPreviewDialog
from tests.ui.replay import activate, desk, focused, press, tab_until, type_text, wait_dialog  # noqa: F401

CTRL = Qt.KeyboardModifier.ControlModifier


def _closed(dialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def _step_dialog(qtbot, registration: RegistrationDialog, label: str) -> RegistrationStepDialog:
    """Tab to the step's button in the registration window and press Space."""
    activate(qtbot, registration)
    tab_until(qtbot, lambda w: w is registration.step_buttons[label])
    press(qtbot, Qt.Key.Key_Space)
    dialog = wait_dialog(qtbot, RegistrationStepDialog)
    activate(qtbot, dialog)
    qtbot.waitUntil(lambda: focused() is dialog.on_date.edit)
    return dialog


def _record(qtbot, dialog: RegistrationStepDialog, reason: str = "") -> None:
    """Tab to the reason, type it, Enter records the step."""
    tab_until(qtbot, lambda w: w is dialog.reason)
    type_text(qtbot, reason, human=bool(reason))
    press(qtbot, Qt.Key.Key_Return)


def test_register_a_group_step_by_step_with_keys(qtbot, desk, services):
    win = desk("admin")
    actor = win.ctx.require_actor()
    org = services.organizations.create(actor, OrganizationInput(kind="citizen_group", name="犀川ほたるの会"))
    page = win.show_page("groups")
    page.text_filter.setFocus()
    type_text(qtbot, "犀川ほたる", human=True)
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=5000)
    press(qtbot, Qt.Key.Key_Down)  # the list
    assert focused() is page.table and page.model.record(page.table.currentIndex().row()).id == org.id
    press(qtbot, Qt.Key.Key_R, CTRL)
    registration = wait_dialog(qtbot, RegistrationDialog)
    qtbot.waitUntil(lambda: registration.record is not None, timeout=5000)
    assert [s for s, b in registration.step_buttons.items() if not b.isHidden()] == ["apply"]

    # 申請受付: two of three documents ticked → refused, the field says which, the typing stays
    dialog = _step_dialog(qtbot, registration, "apply")
    first = tab_until(qtbot, lambda w: w is dialog.document_boxes[0])
    assert first.text() == "規約"
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Space)  # 名簿; 活動計画 left unticked
    tab_until(qtbot, lambda w: w is dialog.details["activity"])
    type_text(qtbot, "ほたるの住める川を守る清掃と観察会", human=True)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "犀川上流", human=True)
    _record(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.errors.message("documents") != "", timeout=5000)
    assert "活動計画" in dialog.errors.message("documents") and dialog.isVisible()
    assert dialog.details["activity_area"].text() == "犀川上流"
    tab_until(qtbot, lambda w: w is dialog.document_boxes[2])
    press(qtbot, Qt.Key.Key_Space)
    _record(qtbot, dialog)
    qtbot.waitUntil(lambda: _closed(dialog), timeout=5000)
    qtbot.waitUntil(lambda: registration.record.status == "applied", timeout=5000)
    assert {s for s, b in registration.step_buttons.items() if not b.isHidden()} == {"approve", "reject", "withdraw"}

    dialog = _step_dialog(qtbot, registration, "approve")
    _record(qtbot, dialog, "書類を確認")
    qtbot.waitUntil(lambda: registration.record.status == "reviewed", timeout=5000)

    dialog = _step_dialog(qtbot, registration, "register")
    _record(qtbot, dialog)
    qtbot.waitUntil(lambda: registration.record.status == "registered", timeout=5000)
    number = registration.record.number
    assert number.startswith(f"協働-{fiscal_year_of(dt.date.today())}-")  # the fiscal year's next number
    assert registration.fields["number"].text() == number
    assert registration.history.rowCount() == 3
    assert [registration.history.item(r, 1).text() for r in range(3)] == ["登録", "審査(承認)", "申請受付"]
    assert registration.history.item(2, 6).text() == "規約、名簿、活動計画"

    # 登録証: Ctrl+P previews it; Esc closes the preview
    activate(qtbot, registration)
    press(qtbot, Qt.Key.Key_P, CTRL)
    preview = wait_dialog(qtbot, PdfPreviewDialog, timeout=10000)
    assert preview.page_count == 1
    activate(qtbot, preview)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _closed(preview), timeout=5000)

    rec = services.registration.get(actor, org.id)
    assert [h.step for h in rec.history] == ["apply", "approve", "register"]
    assert rec.details.activity == "ほたるの住める川を守る清掃と観察会"
    assert all(h.staff_name == actor.name for h in rec.history)
    assert services.organizations.get(actor, org.id).registration_status == "registered"
