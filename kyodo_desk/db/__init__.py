"""Database layer: engine set-up, models, migrations and full-text search."""
