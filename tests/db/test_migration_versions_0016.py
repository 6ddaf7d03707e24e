"""Migration 0016 (a version column on consultation_category, device_model, label_template and
advisor_exception): from 0015 with a row in each (and rows that refer to them: a sub-category, a
device of the model), each table gains ``version`` NOT NULL, the old rows start at 1, a row written
without one gets 1, and a save through the services from a stale copy is refused; the downgrade to
0015 takes the columns away and keeps every row (and the rows that refer to them)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text

from kyodo_desk.db.migrate import current_revision, upgrade
from kyodo_desk.services.advisors import AdvisorService, ExceptionDay
from kyodo_desk.services.base import SYSTEM, StaleEdit
from kyodo_desk.services.consultation_categories import CategoryService
from tests.db.conftest import postgres_only, sqlite_only
from tests.db.test_migration_request_keys_0015 import _downgrade
from tests.db.test_migrations_pg import scratch_pg  # noqa: F401 - the PostgreSQL scratch database

TABLES = ("consultation_category", "device_model", "label_template", "advisor_exception")
ROWS = (
    "INSERT INTO consultation_category (fiscal_year, parent_id, name, sort_order, active)"
    " VALUES (2025, NULL, '団体の運営', 0, TRUE)",
    "INSERT INTO consultation_category (fiscal_year, parent_id, name, sort_order, active)"
    " VALUES (2025, 1, '会計', 0, TRUE)",
    "INSERT INTO device_model (kind, maker, model_name, accessories, loan_days)"
    " VALUES ('tablet', 'Apple', 'iPad', '[]', NULL)",
    "INSERT INTO device (asset_tag, model_id, serial, storage_place, notes, state, created_at, updated_at, version)"
    " VALUES ('KD-0001', 1, '', '', '', 'available', '2025-04-01 09:00:00', '2025-04-01 09:00:00', 1)",
    "INSERT INTO label_template (name, definition) VALUES ('窓口の用紙', '{}')",
    "INSERT INTO advisor (name, name_kana, fields, dispatch_types, phone, email, fee, travel_cost, active, notes,"
    " version) VALUES ('北川 由美', 'キタガワ ユミ', 'accounting', 'advisor', '', '', 8000, 500, TRUE, '', 1)",
    "INSERT INTO advisor_exception (advisor_id, day, available, reason) VALUES (1, '2027-02-06', FALSE, '出張')",
)
COUNTS = {"consultation_category": 2, "device_model": 1, "device": 1, "label_template": 1, "advisor_exception": 1}


def _counts(db) -> dict[str, int]:
    with db.read() as s:
        return {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in COUNTS}


def _check_up_and_down(db, tmp_path) -> None:
    upgrade(db, tmp_path / "backups", revision="0015")
    with db.write() as s:
        for row in ROWS:
            s.execute(text(row))
    upgrade(db, tmp_path / "backups", revision="0016")
    assert current_revision(db) == "0016"
    insp = inspect(db.engine)
    for table in TABLES:
        column = next(c for c in insp.get_columns(table) if c["name"] == "version")
        assert not column["nullable"], table
    with db.read() as s:
        for table in TABLES:
            assert s.execute(text(f"SELECT version FROM {table}")).scalars().all() in ([1], [1, 1]), table
    with db.write() as s:  # a row written without a version (an older import) starts at 1
        s.execute(text("INSERT INTO label_template (name, definition) VALUES ('事務室の用紙', '{}')"))
        assert s.execute(text("SELECT version FROM label_template WHERE name = '事務室の用紙'")).scalar() == 1
        s.execute(text("DELETE FROM label_template WHERE name = '事務室の用紙'"))

    # the old rows are versioned now: a save from a copy older than the stored row is refused
    categories, advisors = CategoryService(db), AdvisorService(db)
    renamed = categories.rename(SYSTEM, 1, "団体の運営(会計・規約)", 1)
    assert renamed.version == 2
    with pytest.raises(StaleEdit):
        categories.rename(SYSTEM, 1, "団体運営", 1)
    with pytest.raises(StaleEdit):  # the desk showed no exception that day: one is there
        advisors.add_exception(SYSTEM, 1, ExceptionDay(dt.date(2027, 2, 6), False, reason="研修"), None)
    advisors.add_exception(SYSTEM, 1, ExceptionDay(dt.date(2027, 2, 6), False, reason="研修"), 1)
    assert [(e.reason, e.version) for e in advisors.get(SYSTEM, 1).exceptions] == [("研修", 2)]

    _downgrade(db, "0015")
    assert current_revision(db) == "0015"
    insp = inspect(db.engine)
    for table in TABLES:
        assert "version" not in {c["name"] for c in insp.get_columns(table)}, table
    assert _counts(db) == COUNTS
    with db.read() as s:
        assert s.execute(text("SELECT name FROM consultation_category WHERE parent_id = 1")).scalar() == "会計"
        assert s.execute(text("SELECT model_id FROM device")).scalar() == 1
    upgrade(db, tmp_path / "backups", revision="0016")  # and up again
    assert current_revision(db) == "0016"
    assert _counts(db) == COUNTS


@sqlite_only
def test_sqlite_upgrade_and_downgrade(fresh_sqlite, tmp_path):
    _check_up_and_down(fresh_sqlite, tmp_path)


@postgres_only
def test_postgres_upgrade_and_downgrade(scratch_pg, tmp_path):  # noqa: F811
    _check_up_and_down(scratch_pg, tmp_path)
