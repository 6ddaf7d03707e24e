"""Every desk connection to PostgreSQL runs without JIT compilation and parallel workers
(kyodo_desk.db.pg_session): set per connection, kept after a rolled-back transaction and on a
connection the pool hands out again."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kyodo_desk.db.pg_session import DESK_SETTINGS
from tests.db.conftest import postgres_only


def _settings(s) -> dict[str, str]:
    return {name: s.execute(text(f"SHOW {name}")).scalar_one() for name in DESK_SETTINGS}


@postgres_only
def test_desk_connections_run_without_jit_or_parallel_workers(db):
    with db.read() as s:
        assert _settings(s) == {"jit": "off", "max_parallel_workers_per_gather": "0"}
        s.execute(text("SET LOCAL jit = on"))  # a transaction's own change …
    with db.write() as s:  # … ends with it; the same pooled connection keeps the desk settings
        assert _settings(s) == DESK_SETTINGS
    with pytest.raises(DBAPIError), db.write() as s:  # a transaction the server rolls back
        s.execute(text("SELECT 1/0"))
    with db.read() as s:
        assert _settings(s) == DESK_SETTINGS
    db.engine.dispose()  # a new connection gets them too
    with db.read() as s:
        assert _settings(s) == DESK_SETTINGS
