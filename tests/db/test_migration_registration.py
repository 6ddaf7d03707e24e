"""Migration 0008: the old registration drop-down becomes registration rows with their history,
so nothing an upgraded desk knew is lost (SQLite file, or a scratch PostgreSQL database)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kyodo_desk.db.engine import Database
from kyodo_desk.db.migrate import upgrade
from tests.conftest import PG_URL


@pytest.fixture
def old_db(tmp_path):
    """A database at revision 0007 (SQLite file, or a scratch database beside the PG test database)."""
    if not PG_URL:
        database = Database.from_url(f"sqlite:///{tmp_path / 'old' / 'desk.db'}")
        yield database
        database.dispose()
        return
    base = make_url(PG_URL)
    name = f"{base.database}_reg_{os.getpid()}"
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


def _org(db, name, status, registered_on=None, renewed_on=None) -> int:
    with db.write() as s:
        return s.execute(
            text(
                "INSERT INTO organization (kind, name, name_kana, representative_name, contact_name, phone, email,"
                " postal_code, address, notes, registration_status, registered_on, registration_renewed_on, active,"
                " created_at, updated_at, version) VALUES ('citizen_group', :n, '', '', '', '', '', '', '', '', :st,"
                " :reg, :ren, TRUE, '2015-04-01 09:00:00', '2021-06-01 09:00:00', 1) RETURNING id"
            ),
            {"n": name, "st": status, "reg": registered_on, "ren": renewed_on},
        ).scalar_one()


def test_old_registration_statuses_become_history(old_db, tmp_path):
    upgrade(old_db, tmp_path / "b", revision="0007")
    reg = _org(old_db, "登録の会", "registered", dt.date(2016, 5, 10), dt.date(2020, 5, 1))
    applied = _org(old_db, "申請中の会", "applied")
    expired = _org(old_db, "期限切れの会", "expired", dt.date(2017, 3, 31))
    cancelled = _org(old_db, "取消の会", "withdrawn", dt.date(2019, 4, 1))
    none = _org(old_db, "未登録の会", "none")
    upgrade(old_db, tmp_path / "b")

    with old_db.read() as s:
        regs = {
            r.organization_id: r
            for r in s.execute(
                text("SELECT organization_id, status, number, registered_on, renewed_on, expires_on FROM registration")
            )
        }
        steps = {
            oid: [
                tuple(x)
                for x in s.execute(
                    text(
                        "SELECT step, on_date, status_after, actor FROM registration_step WHERE organization_id = :o ORDER BY id"
                    ),
                    {"o": oid},
                )
            ]
            for oid in (reg, applied, expired, cancelled)
        }
        cache = dict(s.execute(text("SELECT id, registration_status FROM organization")).all())
        counter = s.execute(
            text("SELECT fiscal_year, last_value FROM reference_counter WHERE prefix = 'REG' ORDER BY 1")
        ).all()
    assert none not in regs
    assert regs[reg].status == "registered" and regs[reg].number == "協働-2016-001"
    assert [st[0] for st in steps[reg]] == ["register", "renew"]
    assert str(steps[reg][0][1]) == "2016-05-10" and steps[reg][0][3] == "データ移行(0008)"
    assert str(regs[reg].expires_on) >= str(dt.date.today())  # the upgrade itself lapses nobody
    assert [st[0] for st in steps[applied]] == ["apply"] and regs[applied].status == "applied"
    assert [st[0] for st in steps[expired]] == ["register", "lapse"] and regs[expired].status == "expired"
    assert regs[expired].number == "協働-2016-002"  # 2017-03-31 is in 平成28年度
    assert [st[0] for st in steps[cancelled]] == ["register", "cancel"] and regs[cancelled].status == "cancelled"
    assert cache[cancelled] == "cancelled" and cache[reg] == "registered" and cache[none] == "none"
    assert [tuple(c) for c in counter] == [(2016, 2), (2019, 1)]


def test_downgrade_to_0007_restores_the_old_drop_down(old_db, tmp_path):
    upgrade(old_db, tmp_path / "b", revision="0007")
    cancelled = _org(old_db, "取消の会", "withdrawn", dt.date(2019, 4, 1))
    upgrade(old_db, tmp_path / "b")
    from alembic import command

    from kyodo_desk.db.migrate import alembic_config

    cfg = alembic_config(old_db)
    with old_db.engine.connect() as conn, conn.begin():
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    with old_db.read() as s:
        assert (
            s.execute(text("SELECT registration_status FROM organization WHERE id = :i"), {"i": cancelled}).scalar()
            == "withdrawn"
        )
