"""Database layer: engine set-up, models, migrations and full-text search."""

from kyodo_desk.db import grams as _grams  # noqa: E402,F401 - registers kyodo_grams() on SQLite connections
