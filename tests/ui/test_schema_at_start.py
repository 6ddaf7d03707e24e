"""The desktop app on a shared PostgreSQL schema that is not its own version: a clear Japanese dialog
with both versions and what to do (no traceback), exit code 1, and the schema left as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kyodo_desk import __version__
from kyodo_desk import app as app_module
from kyodo_desk.config import default_paths
from kyodo_desk.db.migrate import current_revision, head_revision
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs KYODO_DESK_TEST_DATABASE=postgresql+psycopg://...")


def _start(monkeypatch, db_url) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(app_module, "install_excepthook", lambda _log: None)
    monkeypatch.setattr(app_module.QMessageBox, "critical", lambda *args: shown.append((args[1], args[2])))
    assert app_module.run_gui(default_paths(), db_url, "ja") == 1
    return shown


def test_run_gui_on_an_older_shared_schema_asks_for_db_upgrade_and_migrates_nothing(qapp, monkeypatch, db, db_url):
    older = f"{int(head_revision()) - 1:04d}"
    with db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": older})
    try:
        shown = _start(monkeypatch, db_url)
        assert current_revision(db) == older
    finally:
        with db.write() as s:
            s.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head_revision()})
    (title, message), *_more = shown
    assert title == "データベースの更新が必要です"
    assert f"データベースのスキーマは {older}" in message
    assert f"この窓口は {head_revision()}(協働デスク {__version__})です" in message
    assert "kyodo-desk db upgrade" in message and "Traceback" not in message


def test_run_gui_on_a_newer_shared_schema_asks_to_update_this_pc(qapp, monkeypatch, db, db_url):
    with db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    try:
        shown = _start(monkeypatch, db_url)
    finally:
        with db.write() as s:
            s.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head_revision()})
    (title, message), *_more = shown
    assert title == "新しい版のデータベースです"
    assert "データベースのスキーマは 9999" in message and "この端末の協働デスクを新しい版に更新してから" in message
