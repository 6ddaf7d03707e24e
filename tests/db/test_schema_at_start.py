"""What a desk does with its database's schema at start (:func:`prepare_at_start`).

SQLite (this PC's own file): an older file is upgraded, after its before-upgrade copy.
PostgreSQL (shared by several desks): never migrated by a desk — a schema older or newer than the
desk is refused with both sides' versions and what to do, and nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kyodo_desk import __version__
from kyodo_desk.db.engine import Database
from kyodo_desk.db.migrate import (
    APP_VERSION_KEY,
    NewerDatabaseError,
    OlderSchemaError,
    check_schema,
    current_revision,
    head_revision,
    prepare_at_start,
    upgrade,
)
from tests.db.conftest import postgres_only, sqlite_only
from tests.db.pg_scratch import scratch_database


def _previous_revision() -> str:
    head = head_revision()
    return f"{int(head) - 1:04d}"


def _set_revision(db: Database, revision: str, written_by: str | None = None) -> None:
    with db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
        if written_by is not None:
            s.execute(text("DELETE FROM setting WHERE key = :k"), {"k": APP_VERSION_KEY})
            s.execute(
                text("INSERT INTO setting (key, value, updated_at) VALUES (:k, :v, CURRENT_TIMESTAMP)"),
                {"k": APP_VERSION_KEY, "v": f'"{written_by}"'},
            )


@sqlite_only
def test_an_older_sqlite_file_is_upgraded_at_start_after_a_backup(fresh_sqlite, tmp_path):
    upgrade(fresh_sqlite, revision="0001")
    with fresh_sqlite.write() as s:
        s.execute(text("INSERT INTO setting (key, value, updated_at) VALUES ('x', '1', CURRENT_TIMESTAMP)"))
    result = prepare_at_start(fresh_sqlite, tmp_path / "backups", keep=3)
    assert result.changed and result.from_revision == "0001" and result.to_revision == head_revision()
    assert result.backup is not None and result.backup.exists()


def test_a_desk_at_the_schema_head_starts_without_writing(db, tmp_path):
    result = prepare_at_start(db, tmp_path / "backups")
    assert not result.changed and result.to_revision == head_revision() and result.backup is None
    assert check_schema(db) == head_revision()


@postgres_only
def test_a_shared_schema_older_than_the_desk_is_not_migrated_and_explained(db, tmp_path):
    older = _previous_revision()
    _set_revision(db, older, written_by="0.0.9")
    try:
        with pytest.raises(OlderSchemaError) as refused:
            prepare_at_start(db, tmp_path / "backups")
        assert current_revision(db) == older  # the desk wrote nothing
    finally:
        _set_revision(db, head_revision(), written_by=__version__)
    message = str(refused.value)
    assert f"データベースのスキーマは {older}(協働デスク 0.0.9 が更新)" in message
    assert f"この窓口は {head_revision()}(協働デスク {__version__})です" in message
    assert "kyodo-desk db upgrade" in message and "バックアップ" in message
    assert not (tmp_path / "backups").exists()


@postgres_only
def test_a_shared_schema_newer_than_the_desk_asks_to_update_this_pc(db, tmp_path):
    _set_revision(db, "9999", written_by="9.9.0")
    try:
        with pytest.raises(NewerDatabaseError) as refused:
            prepare_at_start(db, tmp_path / "backups")
        assert current_revision(db) == "9999"
    finally:
        _set_revision(db, head_revision(), written_by=__version__)
    message = str(refused.value)
    assert "データベースのスキーマは 9999(協働デスク 9.9.0 が更新)" in message
    assert f"この窓口は {head_revision()}(協働デスク {__version__})です" in message
    assert "この端末の協働デスクを新しい版に更新してから" in message


@postgres_only
def test_an_empty_shared_database_is_left_to_the_administrator():
    with scratch_database("empty") as url:
        db = Database.from_url(url)
        try:
            with pytest.raises(OlderSchemaError) as refused:
                prepare_at_start(db)
            with db.read() as s:
                assert s.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar_one() == 0
        finally:
            db.dispose()
    assert "なし(まだ表がありません)" in str(refused.value) and "kyodo-desk db upgrade" in str(refused.value)
