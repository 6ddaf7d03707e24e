"""Migration 0013 (request keys): from 0012 with an organization and its loan in it, the four
tables gain a nullable, unique ``request_key`` (old rows NULL, two NULLs never clash, one key
twice is refused), and the downgrade to 0012 takes the columns away and keeps the rows."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from kyodo_desk.db.migrate import _raw_sqlite, alembic_config, current_revision, upgrade
from tests.db.conftest import postgres_only, sqlite_only
from tests.db.test_migrations_pg import scratch_pg  # noqa: F401 - the PostgreSQL scratch database

TABLES = ("consultation", "loan", "dispatch_application", "organization")
ORG = text(
    "INSERT INTO organization (kind, name, name_kana, representative_name, contact_name, phone, email,"
    " postal_code, address, notes, registration_status, active, created_at, updated_at, version{key_col})"
    " VALUES ('neighborhood', :name, '', '', '', '', '', '', '', '', 'none', TRUE,"
    " '2025-04-01 09:00:00', '2025-04-01 09:00:00', 1{key_val})"
)


def _org(key: bool):
    return text(ORG.text.format(key_col=", request_key" if key else "", key_val=", :key" if key else ""))


def _check_up_and_down(db, tmp_path) -> None:
    upgrade(db, tmp_path / "backups", revision="0012")
    with db.write() as s:
        s.execute(_org(False), {"name": "広坂町会"})
        s.execute(
            text(
                "INSERT INTO loan (reference, organization_id, responsible_name, contact_phone, purpose, out_at, due_on,"
                " status, created_at, version) VALUES ('L2025-00001', 1, '山田', '090', '', '2025-04-01 09:00:00',"
                " '2025-04-08', 'closed', '2025-04-01 09:00:00', 1)"
            )
        )
    upgrade(db, tmp_path / "backups", revision="0013")
    assert current_revision(db) == "0013"
    insp = inspect(db.engine)
    for table in TABLES:
        column = next(c for c in insp.get_columns(table) if c["name"] == "request_key")
        assert column["nullable"]
        assert any(u["column_names"] == ["request_key"] for u in insp.get_unique_constraints(table)), table
    with db.read() as s:
        assert s.execute(text("SELECT name, request_key FROM organization")).one() == ("広坂町会", None)
        assert s.execute(text("SELECT reference, request_key FROM loan")).one() == ("L2025-00001", None)
    with db.write() as s:
        s.execute(_org(True), {"name": "長町子ども食堂", "key": None})  # a second NULL: fine
        s.execute(_org(True), {"name": "犀川環境ネットワーク", "key": "7b1f3c9e-0000-4000-8000-000000000001"})
    with pytest.raises(IntegrityError), db.write() as s:  # the same key twice
        s.execute(_org(True), {"name": "犀川環境ネットワーク", "key": "7b1f3c9e-0000-4000-8000-000000000001"})

    from alembic import command

    cfg = alembic_config(db)
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":  # as migrate.upgrade does: batch copies of tables
            _raw_sqlite(conn).execute("PRAGMA foreign_keys = OFF")
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0012")
        if db.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            _raw_sqlite(conn).execute("PRAGMA foreign_keys = ON")
    assert current_revision(db) == "0012"
    insp = inspect(db.engine)
    for table in TABLES:
        assert "request_key" not in {c["name"] for c in insp.get_columns(table)}
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM organization")).scalar() == 3
        assert s.execute(text("SELECT organization_id FROM loan")).scalars().all() == [1]
    upgrade(db, tmp_path / "backups", revision="0013")  # and up again
    assert current_revision(db) == "0013"


@sqlite_only
def test_sqlite_upgrade_and_downgrade(fresh_sqlite, tmp_path):
    _check_up_and_down(fresh_sqlite, tmp_path)


@postgres_only
def test_postgres_upgrade_and_downgrade(scratch_pg, tmp_path):  # noqa: F811
    _check_up_and_down(scratch_pg, tmp_path)
