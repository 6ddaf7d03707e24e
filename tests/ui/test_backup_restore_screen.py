"""設定 → バックアップ, and the start-up steps around the database file, as a desk sees them."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtWidgets import QMessageBox

from kyodo_desk import app as app_module
from kyodo_desk.config import default_paths
from kyodo_desk.services import backup
from kyodo_desk.services.organizations import OrganizationInput
from kyodo_desk.ui import database_checks
from kyodo_desk.ui.settings.backup_restore import BackupRestoreForm
from tests.conftest import PG_URL

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="the SQLite file")


def _names(path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("select name from organization order by id")]


@sqlite_only
def test_administrator_backs_up_then_restores_and_the_app_restarts(qtbot, make_ctx, services, admin):
    services.organizations.create(admin, OrganizationInput(name="広坂町会", name_kana="ヒロサカチョウカイ"))
    ctx = make_ctx(admin)
    restarted = []
    form = BackupRestoreForm(ctx, restart=lambda: restarted.append(True))
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.list.count() == 1)  # 「バックアップはまだありません。」
    assert not form.restore_button.isEnabled()
    form.backup_button.click()
    qtbot.waitUntil(lambda: form.list.count() == 1 and form.list.item(0).data(256) is not None, timeout=10_000)
    assert "手動のバックアップ" in form.list.item(0).text()
    services.organizations.create(admin, OrganizationInput(name="後の町会", name_kana="アトノチョウカイ"))

    form.list.setCurrentRow(0)
    assert form.restore_button.isEnabled()
    form.restore_button.click()
    qtbot.waitUntil(
        lambda: form.last_box is not None and form.last_box.objectName() == "restoreConfirmBox", timeout=10_000
    )
    confirm = form.last_box
    assert "いまのデータベースはバックアップフォルダに" in confirm.text() and "再起動" in confirm.text()
    assert confirm.defaultButton() is confirm.button(QMessageBox.StandardButton.Cancel)  # Enter does not restore
    confirm.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: form.last_box is not confirm and form.last_box.isVisible(), timeout=20_000)
    done = form.last_box
    assert "復元しました" in done.windowTitle() and "before-restore" in done.text()
    assert _names(ctx.db.sqlite_path) == ["広坂町会"]
    done.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: restarted == [True])


@sqlite_only
def test_restore_while_another_window_has_the_database_open_is_refused_and_the_desk_goes_on(
    qtbot, make_ctx, services, admin, db_url
):
    from kyodo_desk.db.engine import Database

    ctx = make_ctx(admin)
    made = backup.backup_now(ctx.db.sqlite_path, ctx.paths.backup_dir)
    other = Database.from_url(db_url)  # another window of the app on this PC
    try:
        with other.read() as s:
            s.execute(__import__("sqlalchemy").text("select 1"))
        form = BackupRestoreForm(ctx, restart=lambda: pytest.fail("must not restart"))
        qtbot.addWidget(form)
        form.start_restore(made)
        qtbot.waitUntil(
            lambda: form.last_box is not None and form.last_box.objectName() == "restoreConfirmBox", timeout=10_000
        )
        form.last_box.button(QMessageBox.StandardButton.Yes).click()
        qtbot.waitUntil(lambda: form.last_box is not None and form.last_box.objectName() == "errorBox", timeout=20_000)
        assert "閉じ" in form.last_box.text()
        assert services.organizations.count(admin) == 0  # this desk still works on its database
    finally:
        other.dispose()


def test_staff_see_the_backups_but_cannot_restore(qtbot, make_ctx, staff_actor):
    form = BackupRestoreForm(make_ctx(staff_actor), restart=lambda: None)
    qtbot.addWidget(form)
    assert not form.restore_button.isVisibleTo(form) and not form.backup_button.isVisibleTo(form)
    assert not form.keep.isEnabled()


@sqlite_only
def test_daily_backup_at_start_once_a_day(make_ctx, services, admin):
    services.organizations.create(admin, OrganizationInput(name="広坂町会", name_kana="ヒロサカチョウカイ"))
    ctx = make_ctx(admin)
    database_checks.daily_backup(ctx)
    database_checks.daily_backup(ctx)
    made = backup.backups(ctx.db.sqlite_path, ctx.paths.backup_dir)
    assert [b.kind for b in made] == ["daily"] and _names(made[0].path) == ["広坂町会"]


@sqlite_only
def test_run_gui_refuses_a_damaged_database_naming_the_newest_good_backup(qapp, monkeypatch, db, services, tmp_path):
    import os

    services.organizations.create(
        services.staff.create(*_first_admin()).as_actor(), OrganizationInput(name="広坂町会", name_kana="ヒロサカ")
    )
    paths = default_paths()
    good = backup.backup_now(db.sqlite_path, paths.backup_dir)
    db.dispose()
    with open(db.sqlite_path, "r+b") as fh:
        fh.seek(4096 * 2)
        fh.write(os.urandom(4096 * 6))
    shown = []
    monkeypatch.setattr(app_module, "install_excepthook", lambda _log: None)
    monkeypatch.setattr(database_checks, "show_damaged", lambda _ctx, exc: shown.append(str(exc)))
    assert app_module.run_gui(paths, str(db.sqlite_path), "ja") == 1
    assert "壊れている" in shown[0] and f'kyodo-desk restore "{good}"' in shown[0]


def _first_admin():
    from kyodo_desk.services.base import SYSTEM

    return SYSTEM, "admin", "山田 花子", "admin", "ヤマダ ハナコ"


def test_run_gui_refuses_a_newer_database_with_both_versions_and_writes_no_backup(qapp, monkeypatch, db, db_url):
    from sqlalchemy import text

    from kyodo_desk.db.migrate import head_revision

    with db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    shown = []
    monkeypatch.setattr(app_module, "install_excepthook", lambda _log: None)
    monkeypatch.setattr(app_module.QMessageBox, "critical", lambda *args: shown.append((args[1], args[2])))
    paths = default_paths()
    try:
        assert app_module.run_gui(paths, db_url, "ja") == 1
    finally:
        with db.write() as s:
            s.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head_revision()})
    title, message = shown[0]
    assert title == "新しい版のデータベースです" and "9999" in message and head_revision() in message
    assert not paths.backup_dir.exists() or not list(paths.backup_dir.iterdir())


@sqlite_only
def test_damaged_file_at_start_can_be_restored_from_the_refusal_itself(qapp, make_ctx, db, services, admin):
    import os

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    services.organizations.create(admin, OrganizationInput(name="広坂町会", name_kana="ヒロサカ"))
    ctx = make_ctx(admin)
    good = backup.backup_now(db.sqlite_path, ctx.paths.backup_dir)
    db.dispose()
    with open(db.sqlite_path, "r+b") as fh:
        fh.seek(4096 * 2)
        fh.write(os.urandom(4096 * 6))
    seen = []

    def answer():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            if box.objectName() == "damagedDatabaseBox":
                assert box.defaultButton().text() == "閉じる"  # Enter alone never restores
                next(b for b in box.buttons() if b.text() == "このバックアップから復元して起動").click()
            else:
                box.accept()
                return
        QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    assert database_checks.check_database_file(ctx)
    assert str(good) in seen[0] and "から復元しました" in seen[-1]
    assert _names(db.sqlite_path) == ["広坂町会"]
    assert [b.kind for b in backup.backups(db.sqlite_path, ctx.paths.backup_dir)] == ["before-restore", "backup"]
