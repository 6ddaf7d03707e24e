"""Migrations on PostgreSQL: from nothing, and from the first revision with data in it.

Runs in a scratch database next to the test database (created and dropped here), so the shared
test schema is left alone."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kyodo_desk.db.engine import Database
from kyodo_desk.db.migrate import current_revision, head_revision, upgrade
from tests.conftest import PG_URL
from tests.db.conftest import postgres_only


@pytest.fixture
def scratch_pg():
    base = make_url(PG_URL)
    name = f"{base.database}_migrate_{os.getpid()}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    database = Database.from_url(base.set(database=name).render_as_string(hide_password=False))
    yield database
    database.dispose()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@postgres_only
def test_postgres_upgrade_from_nothing_and_from_0001_with_data(scratch_pg, tmp_path):
    result = upgrade(scratch_pg, tmp_path, revision="0001")
    assert result.from_revision is None and current_revision(scratch_pg) == "0001"
    with scratch_pg.write() as s:
        s.execute(
            text(
                "INSERT INTO organization (kind, name, name_kana, representative_name, contact_name, phone, email, postal_code,"
                " address, notes, registration_status, active, created_at, updated_at, version) VALUES ('npo', '金沢まちづくりの会',"
                " 'カナザワマチヅクリノカイ', '', '', '', '', '', '', '', 'none', TRUE, now(), now(), 1)"
            )
        )
    result = upgrade(scratch_pg, tmp_path)
    assert result.from_revision == "0001" and result.to_revision == head_revision()
    assert result.backup is None  # the server's own backups apply; no file to copy
    assert not any(tmp_path.iterdir())
    with scratch_pg.read() as s:
        assert s.execute(text("SELECT name FROM organization")).scalars().all() == ["金沢まちづくりの会"]
        assert (
            s.execute(text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_search_document_text_trgm'")).scalar()
            == 1
        )
    assert not upgrade(scratch_pg, tmp_path).changed
