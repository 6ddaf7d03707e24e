"""Start-up: Qt's Japanese buttons and font, first run, the staff picker, errors, run_gui."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel

from kyodo_desk import app as app_module
from kyodo_desk.config import LocalPreferences, default_paths, setup_logging
from kyodo_desk.documents import fonts
from kyodo_desk.domain import passwords
from kyodo_desk.services.base import SYSTEM
from kyodo_desk.services.staff import WrongPassword
from kyodo_desk.ui.signin import FirstRunDialog, StaffPickerDialog


def test_qt_buttons_are_japanese(qapp):
    translators = app_module.install_qt_translations(qapp, "ja")
    try:
        assert translators, "qtbase_ja.qm should ship with PySide6"
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "キャンセル"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)


def test_japanese_font_is_the_app_font(qapp):
    assert app_module.apply_japanese_font(qapp, LocalPreferences()) is None
    assert qapp.font().family() == fonts.BUNDLED_FAMILY  # the bundled face, whatever the PC has


def test_broken_install_without_the_bundled_font_is_explained(qapp, monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "bundled_font_dir", lambda: tmp_path)
    before = qapp.font()
    message = app_module.apply_japanese_font(qapp, LocalPreferences())
    assert str(tmp_path / fonts.BUNDLED_REGULAR) in message and "インストールし直して" in message
    assert qapp.font() == before


@pytest.fixture(autouse=True)
def _quick_kdf(monkeypatch):
    """A cheap scrypt cost for these tests (the stored hash names its own cost, so checks still work)."""
    monkeypatch.setattr(passwords, "DEFAULT_PARAMS", passwords.KdfParams(n=2**10))


def test_first_run_creates_the_first_administrator(qtbot, make_ctx, services):
    ctx = make_ctx()
    dialog = FirstRunDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.login_edit.setText("yamada")
    dialog.name_edit.setText("山田 花子")
    dialog.kana_edit.setText("abc")
    dialog.password_edit.setText("short")
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.errors.message("display_kana") != "")
    assert "「氏名(カナ)」" in dialog.errors.message("display_kana")
    assert "8文字以上" in dialog.errors.message("password")  # both said at once
    assert dialog.kana_edit.text() == "abc" and services.staff.count() == 0
    dialog.kana_edit.setText("ヤマダ ハナコ")
    dialog.password_edit.setText("kyodo-desk-1")
    dialog.confirm_edit.setText("kyodo-desk-2")
    dialog.create_button.click()
    assert "一致しません" in dialog.errors.message("password_confirm") and services.staff.count() == 0
    dialog.confirm_edit.setText("kyodo-desk-1")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.create_button.click()
    assert dialog.created_admin.role.value == "admin" and dialog.created_admin.has_password
    assert dialog.actor is not None and dialog.actor.name == "山田 花子"  # signed in with it
    assert [r.display_name for r in services.staff.list()] == ["山田 花子"]
    with pytest.raises(WrongPassword):
        services.staff.sign_in(dialog.actor.staff_id, "kyodo-desk-2")


def test_first_run_can_fill_demo_data(qtbot, make_ctx, services, no_demo_steps):
    ctx = make_ctx()
    dialog = FirstRunDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.accepted, timeout=20000):
        dialog.demo_button.click()
    assert dialog.demo_loaded
    assert services.staff.count() == 5
    assert services.organizations.count(services.staff.list()[0].as_actor()) >= 50


def test_sign_in_at_start_runs_first_run_then_signs_in(qtbot, make_ctx, services):
    """The whole first start: empty database → create admin → signed in, choice remembered."""
    from kyodo_desk.ui.signin import sign_in_at_start

    ctx = make_ctx()

    def drive():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, FirstRunDialog):
            QTimer.singleShot(20, drive)
            return
        dialog.login_edit.setText("admin")
        dialog.name_edit.setText("北村 誠")
        dialog.kana_edit.setText("キタムラ マコト")
        dialog.password_edit.setText("kitamura-2026")
        dialog.confirm_edit.setText("kitamura-2026")
        dialog.create_button.click()

    QTimer.singleShot(0, drive)
    actor = sign_in_at_start(ctx)
    assert actor is not None and actor.name == "北村 誠" and actor.role.value == "admin"
    assert ctx.prefs.last_staff_id == actor.staff_id


def test_staff_picker_preselects_the_last_person_and_asks_for_the_password(
    qtbot, make_ctx, services, admin, staff_actor
):
    services.staff.set_password(SYSTEM, admin.staff_id, "hanako-2026")
    services.staff.set_password(SYSTEM, staff_actor.staff_id, "kenichi-2026")
    ctx = make_ctx()
    ctx.save_preferences(ctx.prefs.with_changes(last_staff_id=staff_actor.staff_id))
    picker = StaffPickerDialog(ctx)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitUntil(lambda: picker.list.count() == 2)
    assert "窓口にいるのは誰ですか" in [label.text() for label in picker.findChildren(QLabel)]
    assert picker.list.currentItem().text().startswith("田中 健一")
    picker.list.setFocus()
    qtbot.keyClick(picker.list, Qt.Key.Key_Down)  # keyboard only: choose 山田 (sorted by kana) and press Enter
    qtbot.keyClick(picker.list, Qt.Key.Key_Return)
    assert picker.password.hasFocus() and picker.isVisible()  # Enter on a name asks for its password
    assert not picker.message.isVisible()  # ... without calling the empty field wrong
    qtbot.keyClicks(picker.password, "hanako-2026")
    with qtbot.waitSignal(picker.signed_in, timeout=5000) as signed:
        qtbot.keyClick(picker.password, Qt.Key.Key_Return)
    assert signed.args[0].name == "山田 花子"
    assert picker.result() == QDialog.DialogCode.Accepted


def test_unexpected_error_is_logged_and_shown_with_the_log_path(qtbot):
    from kyodo_desk.ui.errors import ExceptHook

    paths = default_paths()
    log_file = setup_logging(paths)
    hook = ExceptHook(log_file, modal=False)
    try:
        raise ZeroDivisionError("テスト用の失敗")
    except ZeroDivisionError as exc:
        hook(type(exc), exc, exc.__traceback__)
    box = hook.last_box
    qtbot.addWidget(box)
    assert box.isVisible()
    assert str(log_file) in box.text() and "続けられます" in box.text()
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "ZeroDivisionError: テスト用の失敗" in logged


def test_run_gui_refuses_a_database_on_a_network_share(qapp, monkeypatch):
    from kyodo_desk.db.engine import Database, NetworkShareError

    shown = []

    def refuse(_url, **_kw):
        raise NetworkShareError("ネットワーク上の共有フォルダにあります")

    monkeypatch.setattr(Database, "from_url", staticmethod(refuse))
    monkeypatch.setattr(app_module.QMessageBox, "critical", lambda *args: shown.append(args[2]))
    monkeypatch.setattr(app_module, "install_excepthook", lambda _log: None)
    assert app_module.run_gui(default_paths(), "//server/share/desk.db", "ja") == 1
    assert "共有フォルダ" in shown[0]


def test_run_gui_migrates_signs_in_and_opens_the_main_window(qapp, monkeypatch, tmp_path):
    """End to end on a brand-new SQLite file: upgraded, signed in, window shown, closed cleanly."""
    from PySide6.QtCore import QEventLoop

    from kyodo_desk.ui import signin

    monkeypatch.setattr(app_module, "install_excepthook", lambda _log: None)
    seen = {}

    def sign_in_first_admin(ctx):
        record = ctx.services.staff.create(
            SYSTEM, "admin", "山田 花子", "admin", "ヤマダ ハナコ", password="hanako-2026"
        )
        return ctx.services.staff.sign_in(record.id, "hanako-2026")

    def exec_until_window_seen(_app):
        # app.exec() stand-in: QCoreApplication.quit() would stop every later event loop of this
        # test process, so run a local loop that ends once the main window has been looked at.
        loop = QEventLoop()

        def look_then_close():
            window = next((w for w in qapp.topLevelWidgets() if w.objectName() == "mainWindow" and w.isVisible()), None)
            if window is None:
                QTimer.singleShot(20, look_then_close)
                return
            seen["status"] = window.staff_label.text()
            seen["db"] = window.db_label.text()
            seen["polling"] = window.ctx.events.polling
            window.close()
            loop.quit()

        QTimer.singleShot(0, look_then_close)
        loop.exec()
        return 0

    monkeypatch.setattr(signin, "sign_in_at_start", sign_in_first_admin)
    monkeypatch.setattr(app_module.QApplication, "exec", exec_until_window_seen)
    path = tmp_path / "new.db"
    assert app_module.run_gui(default_paths(), str(path), "ja") == 0
    assert "山田 花子" in seen["status"]
    assert str(path) in seen["db"]
    assert seen["polling"]  # other desks' writes are watched for
