"""Shared fixtures.

* Qt runs offscreen; every test gets its own KYODO_DESK_HOME so nothing touches the real profile.
* The database is migrated once per session into a template and copied per test (SQLite).
  With ``KYODO_DESK_TEST_DATABASE=postgresql+psycopg://...`` the suite runs on PostgreSQL: the
  schema is migrated once and every table is truncated before each test.
* On PostgreSQL the tests' connections act as a desk role (rows only: no CREATE/ALTER/DROP/TRUNCATE)
  while the fixtures migrate and truncate as the URL's own user (the owner) — the least-privilege
  check of issue 16.  By default that role is ``kyodo_desk_test_desk`` (NOLOGIN, created if missing
  when the URL's user may create roles; the URL's user is made a member so it can SET ROLE to it) and
  it gets exactly the desk grants of resources/sql/roles.sql (its schema part is run as shipped).
  ``KYODO_DESK_TEST_DESK_ROLE=<role>`` picks another existing role; ``=none`` / ``=off`` runs as the
  URL's user.  A server that refuses CREATE ROLE runs as the URL's user and says so (report header and
  a warning).  Tests that need the owner's rights (scratch databases, ANALYZE, migrations) use
  :data:`PG_URL` explicitly.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from kyodo_desk.i18n import setup_i18n

setup_i18n("ja")

PG_URL = os.environ.get("KYODO_DESK_TEST_DATABASE", "").strip()
DEFAULT_DESK_ROLE = "kyodo_desk_test_desk"
ROLES_SQL = Path(__file__).resolve().parents[1] / "resources" / "sql" / "roles.sql"
_OFF = {"none", "off", "no", "0", "false"}


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _url_user_may_create_roles() -> bool:
    from sqlalchemy import create_engine

    engine = create_engine(PG_URL)
    try:
        with engine.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
            ).scalar_one()
    finally:
        engine.dispose()
    return bool(row)


def _create_default_desk_role(name: str) -> None:
    """NOLOGIN role *name* (idempotent: several test databases on one server share it) that the URL's
    user may SET ROLE to.  Its privileges come from :func:`_grant_desk_privileges` per database."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import DBAPIError

    quoted = _quote_ident(name)
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for _attempt in range(3):  # another run on the same server may create or grant it meanwhile
                try:
                    exists = conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).first()
                    if not exists:
                        conn.exec_driver_sql(f"CREATE ROLE {quoted} NOLOGIN")
                    member = conn.exec_driver_sql(
                        "SELECT pg_has_role(current_user, %s, 'MEMBER')", (name,)
                    ).scalar_one()
                    if not member:
                        conn.exec_driver_sql(f"GRANT {quoted} TO CURRENT_USER")
                    break
                except DBAPIError as error:
                    sqlstate = getattr(error.orig, "sqlstate", None)
                    if sqlstate not in ("42710", "23505", "XX000"):  # duplicate / concurrent update
                        raise
    finally:
        engine.dispose()


def _resolve_desk_role() -> tuple[str, str, bool]:
    """(role the tests act as or "", one line saying so for the report header, True when the server
    refused the default role)."""
    if not PG_URL:
        return "", "", False
    chosen = os.environ.get("KYODO_DESK_TEST_DESK_ROLE", "").strip()
    if chosen.lower() in _OFF:
        return "", "desk role: off (KYODO_DESK_TEST_DESK_ROLE): the tests act as the URL's user", False
    if chosen:
        return chosen, f"desk role: the tests act as {chosen} (KYODO_DESK_TEST_DESK_ROLE)", False
    from sqlalchemy.exc import DBAPIError

    try:
        allowed = _url_user_may_create_roles()
        if allowed:
            _create_default_desk_role(DEFAULT_DESK_ROLE)
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != "42501":  # anything but "permission denied" is a fault
            raise
        allowed = False
    if not allowed:
        return (
            "",
            (
                f"desk role: the server does not let the URL's user create {DEFAULT_DESK_ROLE} (needs superuser or"
                " CREATEROLE): the tests act as that user, not as a desk role"
                " (KYODO_DESK_TEST_DESK_ROLE=<existing role> picks one)"
            ),
            True,
        )
    return (
        DEFAULT_DESK_ROLE,
        f"desk role: the tests act as {DEFAULT_DESK_ROLE} (grants of resources/sql/roles.sql)",
        False,
    )


DESK_ROLE, DESK_ROLE_NOTE, _DESK_ROLE_REFUSED = _resolve_desk_role()


def pytest_report_header(config):
    return [DESK_ROLE_NOTE] if DESK_ROLE_NOTE else []


def pytest_configure(config):
    if _DESK_ROLE_REFUSED:
        config.issue_config_time_warning(pytest.PytestWarning(DESK_ROLE_NOTE), stacklevel=2)


def _roles_sql_schema_part(owner: str, desk: str) -> list[str]:
    """The statements of roles.sql after ``\\connect`` (schema, default and present privileges), with the
    psql variables filled in — the same grants a centre's desk role gets."""
    text = ROLES_SQL.read_text(encoding="utf-8")
    _head, sep, tail = text.partition('\\connect :"dbname"')
    assert sep, "resources/sql/roles.sql lost its \\connect line"
    body = "\n".join(line for line in tail.splitlines() if not line.lstrip().startswith("--"))
    body = body.replace(':"owner"', _quote_ident(owner)).replace(':"desk"', _quote_ident(desk))
    assert not re.search(r":[\"'{]?\w", body), "roles.sql uses a psql variable the tests do not fill in"
    return [statement.strip() for statement in body.split(";") if statement.strip()]


def _grant_desk_privileges(conn, desk: str) -> None:
    owner = conn.exec_driver_sql("SELECT current_user").scalar_one()
    database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
    conn.exec_driver_sql(f"GRANT CONNECT, TEMPORARY ON DATABASE {_quote_ident(database)} TO {_quote_ident(desk)}")
    for statement in _roles_sql_schema_part(owner, desk):
        conn.exec_driver_sql(statement)


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
        if DESK_ROLE:  # as a centre does it: roles.sql first, then `db upgrade` as the owner
            _grant_desk_privileges(conn, DESK_ROLE)
    upgrade(db)
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
def desks(db_url):
    """Factory of other desks on the test's database: each call is one more PC (its own engine,
    connections and services), closed after the test."""
    from kyodo_desk.db.engine import Database
    from kyodo_desk.services.container import Services

    opened: list[Database] = []

    def open_desk() -> Services:
        database = Database.from_url(db_url)
        opened.append(database)
        return Services(database)

    yield open_desk
    for database in opened:
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
