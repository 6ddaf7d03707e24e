"""Shared fixtures.

* Qt runs offscreen; every test gets its own KYODO_DESK_HOME so nothing touches the real profile.
* The database is migrated once per session into a template and copied per test (SQLite).
  With ``KYODO_DESK_TEST_DATABASE=postgresql+psycopg://...`` the suite runs on PostgreSQL: the
  schema is migrated once and every table is truncated before each test.
* With ``KYODO_DESK_TEST_DESK_ROLE=<role>`` as well (an existing role; see resources/sql/roles.sql)
  the tests' connections act as that desk role (rows only: no CREATE/ALTER/DROP/TRUNCATE) while the
  fixtures migrate and truncate as the URL's own user — the least-privilege check of issue 16.
"""

from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from kyodo_desk.i18n import setup_i18n

setup_i18n("ja")

PG_URL = os.environ.get("KYODO_DESK_TEST_DATABASE", "").strip()
DESK_ROLE = os.environ.get("KYODO_DESK_TEST_DESK_ROLE", "").strip() if PG_URL else ""


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("KYODO_DESK_HOME", str(home))
    monkeypatch.delenv("KYODO_DESK_DATABASE", raising=False)
    setup_i18n("ja")
    yield home


@pytest.fixture(scope="session")
def _template_sqlite(tmp_path_factory):
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database.from_url(f"sqlite:///{path}")
    upgrade(db)
    db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_schema():
    from kyodo_desk.db.engine import Database
    from kyodo_desk.db.migrate import upgrade

    db = Database.from_url(PG_URL)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    upgrade(db)
    if DESK_ROLE:
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA public TO "{DESK_ROLE}"')
            conn.exec_driver_sql(
                f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{DESK_ROLE}"'
            )
            conn.exec_driver_sql(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{DESK_ROLE}"')
    db.engine.dispose()
    return PG_URL


def as_desk_role(url: str) -> str:
    """*url* whose sessions run as :data:`DESK_ROLE` (libpq ``options=-c role=…``: SET ROLE at connect)."""
    if not DESK_ROLE:
        return url
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.update_query_dict({"options": f"-c role={DESK_ROLE}"}).render_as_string(hide_password=False)


def _truncate_pg(url: str) -> None:
    from sqlalchemy import create_engine

    from kyodo_desk.db.models import Base

    engine = create_engine(url)
    with engine.begin() as conn:
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture
def db_url(request, tmp_path):
    """URL of a migrated, empty database private to this test."""
    if PG_URL:
        url = request.getfixturevalue("_pg_schema")
        _truncate_pg(url)
        return as_desk_role(url)
    template = request.getfixturevalue("_template_sqlite")
    target = tmp_path / "kyodo_desk.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def db(db_url):
    from kyodo_desk.db.engine import Database

    database = Database.from_url(db_url)
    yield database
    database.dispose()


@pytest.fixture
def services(db):
    from kyodo_desk.services.container import Services

    return Services(db)


@pytest.fixture
def admin(services):
    from kyodo_desk.services.base import SYSTEM

    return services.staff.create(SYSTEM, "admin", "山田 花子", "admin", "ヤマダ ハナコ").as_actor()


@pytest.fixture
def staff_actor(services, admin):
    return services.staff.create(admin, "tanaka", "田中 健一", "staff", "タナカ ケンイチ").as_actor()


@pytest.fixture
def ict_actor(services, admin):
    return services.staff.create(admin, "kitamura", "北村 誠", "ict_promoter", "キタムラ マコト").as_actor()
