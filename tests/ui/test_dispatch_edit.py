"""Correcting a dispatch application from its screen, adding a visit and calling one off."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt

from kyodo_desk.ui.dispatch.application_dialog import NewApplicationDialog
from kyodo_desk.ui.dispatch.session_cancel import CancelSessionDialog
from tests.ui.test_dispatch_helpers import activate, at, ime_type, open_detail, open_page, world  # noqa: F401 - fixtures

CTRL = Qt.KeyboardModifier.ControlModifier


def _open_edit(qtbot, detail) -> NewApplicationDialog:
    with qtbot.waitSignal(detail.child_opened, timeout=5000) as opened:
        qtbot.mouseClick(detail.edit_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    assert isinstance(dialog, NewApplicationDialog)
    qtbot.waitUntil(lambda: dialog.organization.record is not None, timeout=5000)
    return activate(qtbot, dialog)


def test_correcting_the_application_keeps_input_on_errors_and_reloads_the_detail(
    qtbot, open_page, world, services, admin, tmp_path
):
    app = world.application()
    page = open_page(admin)
    detail = activate(qtbot, open_detail(qtbot, page, app.id))
    assert detail.edit_button.isVisible() and detail.add_session_button.isVisible()
    dialog = _open_edit(qtbot, detail)
    # the form is filled from the record; the organization is fixed, visits are handled elsewhere
    assert (dialog.topic.text(), dialog.venue.text(), dialog.expected_participants.value()) == (
        "会計の基礎",
        "公民館",
        12,
    )
    assert dialog.support["childcare"].isChecked() and dialog.preferred_rows[0].value() == (
        at(world.sat, 10),
        at(world.sat, 17),
    )
    assert not dialog.organization.isEnabled() and not dialog.sessions.isVisible()
    assert "申請内容の修正" in dialog.windowTitle() and "修正を保存" in dialog.save_button.text()
    shot = dialog.grab()
    shot.save(os.environ.get("KYODO_DESK_SHOT") or str(tmp_path / "edit.png"))
    assert not shot.isNull()

    dialog.topic.clear()
    dialog.venue.clear()
    ime_type(dialog.venue, "市民活動センター")
    qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: dialog.errors.message("topic") != "", timeout=5000)
    assert "テーマ" in dialog.errors.message("topic")
    assert dialog.isVisible() and dialog.venue.text() == "市民活動センター"  # what was typed stays

    ime_type(dialog.topic, "会計ソフトの使い方")
    dialog.support["sign_language"].setChecked(True)
    with qtbot.waitSignal(page.ctx.events.data_changed, timeout=5000) as changed:
        qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    assert changed.args == ["dispatch", [app.id]]
    saved = services.dispatch.get(admin, app.id)
    assert (saved.topic, saved.venue, saved.support) == (
        "会計ソフトの使い方",
        "市民活動センター",
        ("childcare", "sign_language"),
    )
    qtbot.waitUntil(lambda: detail.info_labels["venue"].text() == "市民活動センター", timeout=5000)
    assert "会計ソフトの使い方" in detail.title.text()


def test_stale_correction_says_so_and_keeps_the_input(qtbot, open_page, world, services, admin):
    app = world.application()
    page = open_page(admin)
    detail = activate(qtbot, open_detail(qtbot, page, app.id))
    dialog = _open_edit(qtbot, detail)
    services.dispatch.change_status(admin, app.id, app.version, "scheduling")  # another desk moves it on
    ime_type(dialog.topic, "(追記)")
    typed = dialog.topic.text()
    qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(dialog.error_banner.isVisible, timeout=5000)
    assert "別の窓口で変更されました" in dialog.error_banner.text()
    assert dialog.isVisible() and dialog.topic.text() == typed
    assert services.dispatch.get(admin, app.id).topic == "会計の基礎"


def test_adding_and_cancelling_a_visit(qtbot, open_page, world, services, admin):
    app = world.application()
    world.book(app, at(world.sat, 13), at(world.sat, 15))
    page = open_page(admin)
    detail = activate(qtbot, open_detail(qtbot, page, app.id))
    qtbot.waitUntil(lambda: "残り2回" in detail.info_labels["quota"].text(), timeout=5000)

    qtbot.mouseClick(detail.add_session_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.sessions.rowCount() == 2, timeout=5000)
    assert detail.sessions.item(1, 0).text() == "第2回" and detail.sessions.item(1, 2).text() == "未定"

    detail.sessions.selectRow(0)
    assert detail.cancel_session_button.isEnabled()
    with qtbot.waitSignal(detail.child_opened, timeout=5000) as opened:
        qtbot.mouseClick(detail.cancel_session_button, Qt.MouseButton.LeftButton)
    dialog = activate(qtbot, opened.args[0])
    assert isinstance(dialog, CancelSessionDialog) and "第1回" in dialog.windowTitle()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # no reason: asked for, nothing cancelled
    assert "中止の理由" in dialog.error.text() and dialog.error.isVisible() and dialog.isVisible()
    assert services.dispatch.get(admin, app.id).sessions[0].status == "planned"

    ime_type(dialog.reason, "台風のため")
    with qtbot.waitSignal(dialog.done_, timeout=5000) as done:
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert done.args[0].status == "cancelled" and done.args[0].ics_sequence == 2
    qtbot.waitUntil(lambda: detail.sessions.item(0, 3).text() == "中止", timeout=5000)
    qtbot.waitUntil(lambda: "残り3回" in detail.info_labels["quota"].text(), timeout=5000)  # no longer counted
    detail.sessions.selectRow(0)
    assert not detail.cancel_session_button.isEnabled()  # already called off


def test_a_closed_application_offers_no_corrections(qtbot, open_page, world, services, admin):
    app = world.application()
    services.dispatch.change_status(admin, app.id, app.version, "rejected", "対象外の内容")
    page = open_page(admin)
    detail = activate(qtbot, open_detail(qtbot, page, app.id))
    assert not detail.edit_button.isVisible()
    assert not detail.add_session_button.isVisible() and not detail.cancel_session_button.isVisible()
    assert detail.edit_application() is None
