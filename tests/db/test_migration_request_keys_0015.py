"""Migration 0015 (request keys on person, reservation and staff): from 0014 with a staff member,
a person and a reservation in it, the three tables gain a nullable, unique ``request_key`` (old
rows NULL, two NULLs never clash, one key twice is refused), and the downgrade to 0014 takes the
columns away and keeps the rows (and the rows that refer to them)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from kyodo_desk.db.migrate import _raw_sqlite, alembic_config, current_revision, upgrade
from tests.db.conftest import postgres_only, sqlite_only
from tests.db.test_migration_request_keys import _org
from tests.db.test_migrations_pg import scratch_pg  # noqa: F401 - the PostgreSQL scratch database

TABLES = ("person", "reservation", "staff")
KEY = "7b1f3c9e-0000-4000-8000-000000000015"
STAFF = (
    "INSERT INTO staff (login_name, display_name, display_kana, role, active, created_at, version{key_col})"
    " VALUES (:login, '山田 花子', '', 'admin', TRUE, '2025-04-01 09:00:00', 1{key_val})"
)
PERSON = (
    "INSERT INTO person (name, name_kana, phone, email, organization_id, notes, created_at, updated_at,"
    " version{key_col}) VALUES (:name, '', '', '', 1, '', '2025-04-01 09:00:00', '2025-04-01 09:00:00', 1{key_val})"
)
RESERVATION = (
    "INSERT INTO reservation (organization_id, start_on, end_on, purpose, contact_name, contact_phone, status,"
    " staff_id, created_at, version{key_col}) VALUES (1, :start, '2025-04-12', '', '', '', 'active', 1,"
    " '2025-04-01 09:00:00', 1{key_val})"
)


def _sql(template: str, key: bool):
    return text(template.format(key_col=", request_key" if key else "", key_val=", :key" if key else ""))


def _downgrade(db, revision: str) -> None:
    from alembic import command

    cfg = alembic_config(db)
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":  # as migrate.upgrade does: batch copies of tables
            _raw_sqlite(conn).execute("PRAGMA foreign_keys = OFF")
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
        if db.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            _raw_sqlite(conn).execute("PRAGMA foreign_keys = ON")


def _check_up_and_down(db, tmp_path) -> None:
    upgrade(db, tmp_path / "backups", revision="0014")
    with db.write() as s:
        s.execute(_sql(STAFF, False), {"login": "yamada"})
        s.execute(_org(False).bindparams(name="広坂町会"))
        s.execute(_sql(PERSON, False), {"name": "佐藤 一郎"})
        s.execute(_sql(RESERVATION, False), {"start": "2025-04-10"})
    upgrade(db, tmp_path / "backups", revision="0015")
    assert current_revision(db) == "0015"
    insp = inspect(db.engine)
    for table in TABLES:
        column = next(c for c in insp.get_columns(table) if c["name"] == "request_key")
        assert column["nullable"]
        assert any(u["column_names"] == ["request_key"] for u in insp.get_unique_constraints(table)), table
    with db.read() as s:
        assert s.execute(text("SELECT login_name, request_key FROM staff")).one() == ("yamada", None)
        assert s.execute(text("SELECT name, request_key FROM person")).one() == ("佐藤 一郎", None)
        assert s.execute(text("SELECT organization_id, request_key FROM reservation")).one() == (1, None)
    for template, params in (
        (STAFF, {"login": "suzuki"}),
        (PERSON, {"name": "鈴木 次郎"}),
        (RESERVATION, {"start": "2025-04-11"}),
    ):
        with db.write() as s:
            s.execute(_sql(template, True), {**params, "key": None})  # a second NULL: fine
            s.execute(_sql(template, True), {**params, "key": KEY} | ({"login": "tanaka"} if "login" in params else {}))
        with pytest.raises(IntegrityError), db.write() as s:  # the same key twice
            s.execute(_sql(template, True), {**params, "key": KEY} | ({"login": "kato"} if "login" in params else {}))

    _downgrade(db, "0014")
    assert current_revision(db) == "0014"
    insp = inspect(db.engine)
    for table in TABLES:
        assert "request_key" not in {c["name"] for c in insp.get_columns(table)}
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM staff")).scalar() == 3
        assert s.execute(text("SELECT count(*) FROM person")).scalar() == 3
        assert s.execute(text("SELECT staff_id FROM reservation")).scalars().all() == [1, 1, 1]
    upgrade(db, tmp_path / "backups", revision="0015")  # and up again
    assert current_revision(db) == "0015"


@sqlite_only
def test_sqlite_upgrade_and_downgrade(fresh_sqlite, tmp_path):
    _check_up_and_down(fresh_sqlite, tmp_path)


@postgres_only
def test_postgres_upgrade_and_downgrade(scratch_pg, tmp_path):  # noqa: F811
    _check_up_and_down(scratch_pg, tmp_path)
