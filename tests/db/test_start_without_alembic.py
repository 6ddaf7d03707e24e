"""Every start checks the schema; a database already at the shipped head is recognised without
importing alembic (a fresh process shows it), and one behind it is still upgraded."""

from __future__ import annotations

import subprocess
import sys

from kyodo_desk.db.engine import Database
from kyodo_desk.db.migrate import _shipped_head_without_alembic, head_revision, upgrade

PROBE = """
import sys
from kyodo_desk.db.engine import Database
from kyodo_desk.db.migrate import upgrade
result = upgrade(Database.from_url(sys.argv[1]))
print(result.changed, "alembic" in sys.modules)
"""


def test_shipped_head_read_from_the_files_is_alembics_head():
    assert _shipped_head_without_alembic() == head_revision()


def test_an_up_to_date_database_starts_without_importing_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'kd.db'}"
    assert upgrade(Database.from_url(url)).changed  # a new file: migrated (alembic runs)
    out = subprocess.run([sys.executable, "-c", PROBE, url], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
    older = upgrade(Database.from_url(f"sqlite:///{tmp_path / 'old.db'}"), revision="0005")
    assert older.to_revision == "0005"
    assert upgrade(Database.from_url(f"sqlite:///{tmp_path / 'old.db'}")).to_revision == head_revision()
