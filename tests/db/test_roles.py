"""Least privilege on a shared PostgreSQL (resources/sql/roles.sql): the owner role migrates, the desk
role works with rows — desks sign in, write, list and search — and is refused every CREATE, ALTER,
DROP and TRUNCATE; a desk connected as that role checks the schema and never tries to migrate it.
Then a slice of the service tests runs with every connection acting as the desk role."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from kyodo_desk.cli import main
from kyodo_desk.db.engine import Database
from kyodo_desk.db.migrate import OlderSchemaError, current_revision, head_revision, prepare_at_start
from kyodo_desk.services.base import SYSTEM
from kyodo_desk.services.container import Services
from kyodo_desk.services.organizations import OrganizationInput
from tests.conftest import PG_URL
from tests.db.conftest import postgres_only
from tests.db.pg_scratch import scratch_database

ROOT = Path(__file__).resolve().parents[2]
ROLES_SQL = ROOT / "resources" / "sql" / "roles.sql"
pytestmark = [postgres_only, pytest.mark.skipif(shutil.which("psql") is None, reason="needs psql on PATH")]


def _psql(database: str, *args: str) -> subprocess.CompletedProcess:
    libpq = make_url(PG_URL).set(drivername="postgresql", database=database).render_as_string(hide_password=False)
    env = dict(os.environ)
    return subprocess.run(["psql", "-X", "-q", libpq, *args], env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def roles():
    """roles.sql run (twice: it must be re-runnable) for a private database and two private roles."""
    pid = os.getpid()
    names = {
        "dbname": f"test_schema_roles_{pid}",
        "owner": f"test_schema_owner_{pid}",
        "desk": f"test_schema_desk_{pid}",
    }
    variables = [f"-v{k}={v}" for k, v in names.items()]
    for _run in range(2):
        done = _psql("postgres", *variables, "-f", str(ROLES_SQL))
        if done.returncode != 0 and "permission denied" in done.stderr:
            pytest.skip("the test server's user may not create roles")
        assert done.returncode == 0, done.stderr
    base = make_url(PG_URL).set(password=None, database=names["dbname"])
    urls = {role: base.set(username=names[role]).render_as_string(hide_password=False) for role in ("owner", "desk")}
    try:
        probe = create_engine(urls["desk"])
        with probe.connect():
            pass
        probe.dispose()
    except OperationalError:
        pytest.skip("the server does not let the new roles sign in without a password (pg_hba.conf)")
    yield names, urls
    admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{names["dbname"]}" WITH (FORCE)')
        for role in (names["desk"], names["owner"]):
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
    admin.dispose()


@pytest.fixture(scope="module")
def migrated(roles):
    names, urls = roles
    code = main(["--database", urls["owner"], "db", "upgrade", "--no-backup"])
    assert code == 0
    return names, urls


def test_the_desk_role_works_with_rows(migrated):
    _names, urls = migrated
    desk = Database.from_url(urls["desk"])
    try:
        assert prepare_at_start(desk).to_revision == head_revision()
        services = Services(desk)
        admin = services.staff.create(SYSTEM, "admin", "山田 花子", "admin", "ヤマダ ハナコ").as_actor()
        created = services.organizations.create(
            admin, OrganizationInput(kind="citizen_group", name="長町子育ての会", name_kana="ナガマチコソダテノカイ")
        )
        updated = services.organizations.update(
            admin,
            created.id,
            created.version,
            OrganizationInput(kind="npo", name="長町子育ての会", name_kana="ナガマチコソダテノカイ"),
        )
        assert updated.version == created.version + 1
        assert [r.id for r in services.organizations.page(admin)] == [created.id]
        assert [h.ref_id for h in services.search.search(admin, "子育て")] == [created.id]
        assert [h.ref_id for h in services.search.search(admin, "長")] == [created.id]  # kyodo_grams (1–2 chars)
        with desk.read() as s:
            assert s.execute(text("SELECT count(*) FROM audit_log")).scalar_one() > 0
    finally:
        desk.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE organization ADD COLUMN extra integer",
        "DROP TABLE loan_note",
        "CREATE TABLE scratch (id integer)",
        "CREATE INDEX ix_scratch ON organization (notes)",
        "TRUNCATE audit_log",
        "ALTER TABLE alembic_version RENAME TO old_version",
    ],
)
def test_the_desk_role_is_refused_schema_changes(migrated, statement):
    _names, urls = migrated
    engine = create_engine(urls["desk"])
    try:
        with engine.begin() as conn, pytest.raises(ProgrammingError) as refused:
            conn.exec_driver_sql(statement)
        assert refused.value.orig.sqlstate == "42501"  # insufficient_privilege
    finally:
        engine.dispose()


def test_a_desk_role_on_an_older_schema_explains_instead_of_migrating(migrated, capsys):
    _names, urls = migrated
    owner = Database.from_url(urls["owner"])
    desk = Database.from_url(urls["desk"])
    older = f"{int(head_revision()) - 1:04d}"
    with owner.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": older})
    try:
        with pytest.raises(OlderSchemaError):
            prepare_at_start(desk)
        assert main(["--database", urls["desk"], "staff", "list"]) == 1
        err = capsys.readouterr().err
        assert f"データベースのスキーマは {older}" in err and "kyodo-desk db upgrade" in err
        assert "permission denied" not in err and "42501" not in err  # it never tried to migrate
        assert current_revision(owner) == older
    finally:
        with owner.write() as s:
            s.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": head_revision()})
        owner.dispose()
        desk.dispose()


SERVICE_SLICE = [
    "tests/db/test_desk_role_session.py",
    "tests/services/test_organizations.py",
    "tests/services/test_consultations.py",
    "tests/services/test_lending.py",
]


def test_a_slice_of_the_service_tests_passes_as_the_desk_role(roles):
    """Every connection of those tests acts as the desk role (conftest: KYODO_DESK_TEST_DESK_ROLE)."""
    names, _urls = roles
    with scratch_database("slice") as url:
        env = dict(os.environ, KYODO_DESK_TEST_DATABASE=url, KYODO_DESK_TEST_DESK_ROLE=names["desk"])
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", *SERVICE_SLICE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    tail = "\n".join(done.stdout.splitlines()[-15:])
    assert done.returncode == 0, tail
    assert " passed" in tail and "failed" not in tail
    assert "test_sessions_act_as_the_desk_role PASSED" in done.stdout  # the slice really ran as the desk role
