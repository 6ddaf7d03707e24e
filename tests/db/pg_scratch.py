"""Private PostgreSQL databases (``<test db>_schema_<what>_<pid>``) created and dropped by a test,
so the shared test schema and other runs' databases are never touched."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL


def _admin():
    return create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")


def scratch_name(what: str) -> str:
    return f"test_schema_{what}_{os.getpid()}"


@contextlib.contextmanager
def scratch_database(what: str) -> Iterator[str]:
    """URL of a new, empty database (dropped afterwards, even when desks are still connected)."""
    name = scratch_name(what)
    admin = _admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
