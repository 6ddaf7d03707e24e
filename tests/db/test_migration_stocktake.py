"""Migration 0012 (棚卸): from 0011 with devices in it, the tables and device.last_seen_on appear,
only one stock-take can be open, and the downgrade to 0011 takes them away and keeps the devices."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from kyodo_desk.db.migrate import _raw_sqlite, alembic_config, current_revision, upgrade
from tests.db.conftest import postgres_only, sqlite_only
from tests.db.test_migrations_pg import scratch_pg  # noqa: F401 - the PostgreSQL scratch database


def _device_at_0011(db, tmp_path) -> None:
    upgrade(db, tmp_path / "backups", revision="0011")
    with db.write() as s:
        s.execute(
            text(
                "INSERT INTO device_model (kind, maker, model_name, accessories) VALUES ('tablet', 'Apple', 'iPad', '[]')"
            )
        )
        s.execute(
            text(
                "INSERT INTO device (asset_tag, model_id, serial, storage_place, notes, state, created_at, updated_at, version)"
                " VALUES ('KD-0001', 1, 'SN1', '倉庫', '', 'available', '2025-04-01 09:00:00', '2025-04-01 09:00:00', 3)"
            )
        )


def _check_up_and_down(db, tmp_path) -> None:
    _device_at_0011(db, tmp_path)
    upgrade(db, tmp_path / "backups", revision="0012")
    assert current_revision(db) == "0012"
    insp = inspect(db.engine)
    assert {"stocktake", "stocktake_line"} <= set(insp.get_table_names())
    assert "last_seen_on" in {c["name"] for c in insp.get_columns("device")}
    with db.read() as s:
        assert s.execute(text("SELECT asset_tag, version, last_seen_on FROM device")).one() == ("KD-0001", 3, None)
    insert = text("INSERT INTO stocktake (state, started_at, note, version) VALUES (:s, '2026-03-27 09:00:00', '', 1)")
    with db.write() as s:
        s.execute(insert, {"s": "open"})
        s.execute(insert, {"s": "finished"})
        s.execute(insert, {"s": "finished"})
        s.execute(  # a device with a loan: its row must survive the downgrade's copy of the table
            text(
                "INSERT INTO organization (kind, name, name_kana, representative_name, contact_name, phone, email,"
                " postal_code, address, notes, registration_status, active, created_at, updated_at, version)"
                " VALUES ('neighborhood', '広坂町会', '', '', '', '', '', '', '', '', 'none', TRUE,"
                " '2025-04-01 09:00:00', '2025-04-01 09:00:00', 1)"
            )
        )
        s.execute(
            text(
                "INSERT INTO loan (reference, organization_id, responsible_name, contact_phone, purpose, out_at, due_on,"
                " status, created_at, version) VALUES ('L2025-00001', 1, '山田', '090', '', '2025-04-01 09:00:00',"
                " '2025-04-08', 'closed', '2025-04-01 09:00:00', 1)"
            )
        )
        s.execute(
            text(
                "INSERT INTO loan_item (loan_id, device_id, accessories_out, accessories_back, wiped, note)"
                " VALUES (1, 1, '[]', '{}', FALSE, '')"
            )
        )
        s.execute(
            text(
                "INSERT INTO stocktake_line (stocktake_id, device_id, code, result, seen, device_state, unseen_twice,"
                " loan_reference) VALUES (1, 1, 'KD-0001', 'found', TRUE, 'available', FALSE, '')"
            )
        )
    with pytest.raises(IntegrityError), db.write() as s:
        s.execute(insert, {"s": "open"})  # a second open stock-take
    with pytest.raises(IntegrityError), db.write() as s:  # the same code twice in one session
        s.execute(
            text(
                "INSERT INTO stocktake_line (stocktake_id, code, result, seen, device_state, unseen_twice, loan_reference)"
                " VALUES (1, 'KD-0001', 'found', TRUE, '', FALSE, '')"
            )
        )

    from alembic import command

    cfg = alembic_config(db)
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":  # as migrate.upgrade does: batch copies of tables
            _raw_sqlite(conn).execute("PRAGMA foreign_keys = OFF")
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0011")
        if db.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            _raw_sqlite(conn).execute("PRAGMA foreign_keys = ON")
    assert current_revision(db) == "0011"
    insp = inspect(db.engine)
    assert not {"stocktake", "stocktake_line"} & set(insp.get_table_names())
    assert "last_seen_on" not in {c["name"] for c in insp.get_columns("device")}
    with db.read() as s:
        assert s.execute(text("SELECT asset_tag, version FROM device")).one() == ("KD-0001", 3)
        assert s.execute(text("SELECT device_id FROM loan_item")).scalars().all() == [1]
    upgrade(db, tmp_path / "backups", revision="0012")  # and up again
    assert current_revision(db) == "0012"


@sqlite_only
def test_sqlite_upgrade_and_downgrade(fresh_sqlite, tmp_path):
    _check_up_and_down(fresh_sqlite, tmp_path)
    with fresh_sqlite.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []


@postgres_only
def test_postgres_upgrade_and_downgrade(scratch_pg, tmp_path):  # noqa: F811
    _check_up_and_down(scratch_pg, tmp_path)
