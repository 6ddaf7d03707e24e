"""Privacy screens: find a person with the search box and correct them; an administrator's 開示 /
消去 window; the retention preview and its notice on ホーム; none of it for desk staff."""

from __future__ import annotations

import datetime as dt
import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from kyodo_desk.services.base import SYSTEM
from kyodo_desk.services.consultations import ConsultationInput
from kyodo_desk.services.people import PersonInput
from kyodo_desk.ui.privacy.person_dialog import PersonDialog
from kyodo_desk.ui.privacy.requests_dialog import RequestsDialog
from kyodo_desk.ui.privacy.retention_dialog import RetentionDialog
from tests.ui.replay import desk, press, type_text, wait_dialog  # noqa: F401


def _person(services, name="森本 咲子", kana="モリモトサキコ"):
    person = services.people.create(SYSTEM, PersonInput(name=name, name_kana=kana, phone="090-7777-8888"))
    cat = services.consultation_categories.for_year(2026)[0].id
    services.consultations.create(
        SYSTEM,
        ConsultationInput(
            received_at=dt.datetime(2026, 10, 1, 10), category_ids=(cat,), summary="会場の相談", person_id=person.id
        ),
    )
    return person


def test_a_person_is_found_with_the_search_box_and_corrected(qtbot, desk, services):
    win = desk()
    person = _person(services)
    press(qtbot, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, "モリモトサキコ")
    press(qtbot, Qt.Key.Key_Return)
    dialog = wait_dialog(qtbot, PersonDialog)
    assert dialog.name.text() == "森本 咲子" and dialog.requests_button.isVisible()  # administrator
    dialog.activateWindow()
    dialog.phone.setFocus()
    dialog.phone.selectAll()
    type_text(qtbot, "076-111-2222")
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        press(qtbot, Qt.Key.Key_Return)  # Enter in a line of this form saves it
    assert services.people.get(SYSTEM, person.id).phone == "076-111-2222"
    assert win.isVisible()


def test_requests_window_discloses_and_erases(qtbot, desk, services, tmp_path):
    win = desk()
    person = _person(services)
    dialog = RequestsDialog(win.ctx, "person", person.id, person.name, win)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=5000)
    assert "相談 1 件" in dialog.plan_label.text()
    with qtbot.waitSignal(dialog.exported, timeout=20000) as exported:
        dialog.export_to(tmp_path)
    pdf, csv_path = exported.args[0]
    assert pdf.read_bytes().startswith(b"%PDF") and "森本 咲子" in csv_path.read_text(encoding="utf-8-sig")
    assert str(tmp_path) in dialog.status.text()

    box = dialog.confirm_erase()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)  # Enter does not erase
    with qtbot.waitSignal(dialog.erased, timeout=10000) as erased:
        box.button(QMessageBox.StandardButton.Yes).click()
    assert erased.args[0].consultations == 1
    assert services.people.find(SYSTEM, "森本") == []
    assert not dialog.export_button.isEnabled()
    dialog.close()


def test_retention_preview_on_home_and_purge(qtbot, desk, services):
    win = desk()
    ctx = win.ctx
    old = ctx.paths.log_dir / "kyodo_desk.log.4"
    old.write_text("old")
    os.utime(old, (1.4e9, 1.4e9))  # 2014
    home = win.pages["home"]
    home.refresh()
    qtbot.waitUntil(lambda: home.retention_card.isVisible(), timeout=5000)
    assert "ログファイル 1件" in home.retention_card.message.text()
    dialog = home.retention_card.open_dialog()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=5000)
    assert dialog.purge_button.isEnabled() and "kyodo_desk.log.4" in dialog.files.toPlainText()
    box = dialog.confirm_purge()
    with qtbot.waitSignal(dialog.purged, timeout=10000):
        box.button(QMessageBox.StandardButton.Yes).click()
    assert not old.exists() and not dialog.purge_button.isEnabled()
    assert not home.retention_card.isVisible()
    dialog.close()
    settings = win.pages["settings"].center
    retention = settings.open_retention()  # also reachable from 設定 › センター情報
    assert isinstance(retention, RetentionDialog)
    retention.close()


def test_desk_staff_see_none_of_it(qtbot, desk, services):
    win = desk("tanaka")
    person = _person(services)
    assert not win.pages["groups"].privacy_button.isVisible()
    assert not hasattr(win.pages["settings"].center, "retention_button")
    win.pages["home"].refresh()
    assert not win.pages["home"].retention_card.isVisible()
    win.openers.open("person", person.id)
    dialog = wait_dialog(qtbot, PersonDialog)
    assert not dialog.requests_button.isVisible() and not dialog.requests_button.isVisibleTo(dialog)
    dialog.close()
    QApplication.processEvents()


def test_escape_asks_before_throwing_away_a_correction(qtbot, desk, services):
    win = desk()
    person = _person(services)
    win.openers.open("person", person.id)
    dialog = wait_dialog(qtbot, PersonDialog)
    dialog.activateWindow()
    dialog.notes.setFocus()
    type_text(qtbot, "追記")
    press(qtbot, Qt.Key.Key_Escape)
    box = dialog.confirm_box
    qtbot.waitUntil(box.isVisible, timeout=5000)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert dialog.isVisible() and dialog.notes.toPlainText() == "追記"
    assert services.people.get(SYSTEM, person.id).notes == ""
