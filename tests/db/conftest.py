from __future__ import annotations

import pytest

from tests.conftest import PG_URL

sqlite_only = pytest.mark.skipif(
    bool(PG_URL), reason="SQLite-specific (pragmas, file locks, FTS5, backups of the file)"
)
postgres_only = pytest.mark.skipif(not PG_URL, reason="needs KYODO_DESK_TEST_DATABASE=postgresql+psycopg://...")


@pytest.fixture
def fresh_sqlite(tmp_path):
    """A Database on a brand-new, empty SQLite file (not migrated)."""
    from kyodo_desk.db.engine import Database

    database = Database.from_url(f"sqlite:///{tmp_path / 'new' / 'desk.db'}")
    yield database
    database.dispose()
