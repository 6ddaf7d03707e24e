"""Migrations: a new database is built from nothing, an existing one keeps its data, and a copy of
the SQLite file is taken before any upgrade touches it."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import inspect, text

from kyodo_desk.db.migrate import (
    APP_VERSION_KEY,
    MigrationError,
    NewerDatabaseError,
    backup_sqlite,
    current_revision,
    head_revision,
    needs_upgrade,
    upgrade,
)
from kyodo_desk.db.models import Base
from tests.db.conftest import postgres_only, sqlite_only

CORE_TABLES = {"organization", "person", "staff", "audit_log", "setting", "closed_day", "search_document"}


def _add_organization(db, name="広坂町会") -> None:
    with db.write() as s:
        s.execute(
            text(
                "INSERT INTO organization (kind, name, name_kana, representative_name, contact_name, phone, email,"
                " postal_code, address, notes, registration_status, active, created_at, updated_at, version)"
                " VALUES ('neighborhood', :n, 'ヒロサカチョウカイ', '', '', '076-220-2026', '', '', '', '', 'none', TRUE,"
                " '2025-04-01 09:00:00', '2025-04-01 09:00:00', 1)"
            ),
            {"n": name},
        )


def _names(db) -> list[str]:
    with db.read() as s:
        return list(s.execute(text("SELECT name FROM organization ORDER BY id")).scalars())


@sqlite_only
def test_upgrade_builds_an_empty_database_from_nothing(fresh_sqlite, tmp_path):
    assert needs_upgrade(fresh_sqlite)
    result = upgrade(fresh_sqlite, tmp_path / "backups")
    assert result.changed and result.from_revision is None and result.to_revision == head_revision()
    assert result.backup is None  # nothing worth backing up
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())
    tables = set(inspect(fresh_sqlite.engine).get_table_names())
    assert CORE_TABLES | {t.name for t in Base.metadata.sorted_tables} <= tables
    assert "search_fts" in tables  # FTS5 trigram index
    assert not needs_upgrade(fresh_sqlite)


def test_upgrade_of_a_current_database_with_data_is_a_no_op(db, tmp_path):
    _add_organization(db)
    result = upgrade(db, tmp_path / "backups")
    assert not result.changed and result.backup is None
    assert current_revision(db) == head_revision()
    assert _names(db) == ["広坂町会"]


@sqlite_only
def test_upgrade_from_the_first_revision_keeps_data_and_backs_up_first(fresh_sqlite, tmp_path):
    backups = tmp_path / "backups"
    first = upgrade(fresh_sqlite, backups, revision="0001")
    assert first.to_revision == "0001" and current_revision(fresh_sqlite) == "0001"
    _add_organization(fresh_sqlite, "長町子育ての会")

    result = upgrade(fresh_sqlite, backups)
    assert result.from_revision == "0001" and result.to_revision == head_revision()
    assert result.backup is not None and result.backup.parent == backups
    assert "before-upgrade-0001" in result.backup.name
    # the copy is a readable database at the old revision with the same rows
    con = sqlite3.connect(str(result.backup))
    try:
        assert con.execute("SELECT name FROM organization").fetchall() == [("長町子育ての会",)]
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    finally:
        con.close()
    assert _names(fresh_sqlite) == ["長町子育ての会"]
    with fresh_sqlite.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # switched back on


@sqlite_only
def test_upgrade_that_fails_the_foreign_key_check_is_rolled_back(fresh_sqlite, tmp_path):
    upgrade(fresh_sqlite, revision="0001")
    con = sqlite3.connect(str(fresh_sqlite.sqlite_path))  # an old desk wrote an orphan row (foreign keys off)
    con.execute(
        "INSERT INTO audit_log (at, staff_id, action, entity, detail) VALUES ('2020-01-01', 42, 'view', 'x', '')"
    )
    con.commit()
    con.close()
    with pytest.raises(MigrationError) as err:
        upgrade(fresh_sqlite, tmp_path / "backups")
    assert "audit_log" in str(err.value) and "更新前の版 0001 のまま" in str(err.value)
    assert current_revision(fresh_sqlite) == "0001"  # nothing half-applied
    assert set(inspect(fresh_sqlite.engine).get_table_names()) == CORE_TABLES | {"alembic_version"} | {
        t for t in inspect(fresh_sqlite.engine).get_table_names() if t.startswith("search_fts")
    }
    assert len(list((tmp_path / "backups").iterdir())) == 1


@sqlite_only
def test_backup_is_a_consistent_copy_while_the_database_is_in_use(db, tmp_path):
    _add_organization(db, "金石町会")
    with db.read() as s:  # a desk is reading at the same time (WAL)
        s.execute(text("SELECT count(*) FROM organization")).scalar()
        first = backup_sqlite(db.sqlite_path, tmp_path / "b", "manual")
        second = backup_sqlite(db.sqlite_path, tmp_path / "b", "manual")
    assert first != second  # never overwrites an earlier backup
    for copy in (first, second):
        con = sqlite3.connect(str(copy))
        try:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert con.execute("SELECT name FROM organization").fetchall() == [("金石町会",)]
        finally:
            con.close()


def test_schema_matches_the_models(db):
    """Every model column exists in the migrated database (a forgotten migration fails here)."""
    insp = inspect(db.engine)
    for table in Base.metadata.sorted_tables:
        columns = {c["name"] for c in insp.get_columns(table.name)}
        assert {c.name for c in table.columns} <= columns, table.name


@postgres_only
def test_postgres_has_the_trigram_index_for_search(db):
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")).scalar() == 1
        indexdef = s.execute(
            text(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'search_document' AND indexname = 'ix_search_document_text_trgm'"
            )
        ).scalar()
    assert indexdef is not None and "gin" in indexdef and "gin_trgm_ops" in indexdef


@pytest.fixture
def newer_db(db):
    """The test database as a newer app version left it (revision 9999, app 9.9.0)."""
    with db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        s.execute(text("DELETE FROM setting WHERE key = :k"), {"k": APP_VERSION_KEY})
        s.execute(
            text("INSERT INTO setting (key, value, updated_at) VALUES (:k, '\"9.9.0\"', CURRENT_TIMESTAMP)"),
            {"k": APP_VERSION_KEY},
        )
    yield db
    with db.write() as s:  # the PostgreSQL schema is shared by the session: put the revision back
        s.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head_revision()})


def test_database_from_a_newer_version_is_refused_in_japanese_and_nothing_is_written(newer_db, tmp_path):
    from kyodo_desk import __version__

    _add_organization(newer_db)
    with pytest.raises(NewerDatabaseError) as refused:
        upgrade(newer_db, tmp_path / "backups", keep=3)
    message = str(refused.value)
    assert "9999" in message and "9.9.0" in message  # theirs
    assert head_revision() in message and __version__ in message  # ours
    assert "この端末の協働デスクを新しい版に更新してから" in message
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())  # no backup for a refusal
    assert current_revision(newer_db) == "9999" and _names(newer_db) == ["広坂町会"]


@sqlite_only
def test_upgrade_records_the_app_version_and_prunes_before_upgrade_copies(fresh_sqlite, tmp_path):
    import datetime as dt

    from kyodo_desk import __version__
    from kyodo_desk.db.backup_files import backup_target, list_backups
    from kyodo_desk.db.migrate import written_by

    backups = tmp_path / "backups"
    upgrade(fresh_sqlite, backups, revision="0001")
    _add_organization(fresh_sqlite)
    path = fresh_sqlite.sqlite_path
    for day in (1, 2, 3):
        backup_target(backups, path.stem, "daily", now=dt.datetime(2026, 1, day, 9))
    result = upgrade(fresh_sqlite, backups, keep=2)
    assert written_by(fresh_sqlite) == __version__
    assert [b.path for b in list_backups(backups, path.stem)] == [
        result.backup,
        backups / f"{path.stem}-20260103-090000-daily.db",
    ]
