"""search: an index for 1- and 2-character terms (「金」「町会」), which the trigram index cannot serve

SQLite: contentless FTS5 table ``search_grams`` (document ids only) over kyodo_grams(text),
kept in step with search_document by triggers.  PostgreSQL: SQL function kyodo_grams(text) → text[]
and an expression GIN index over it.  See kyodo_desk/db/grams.py.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 07:50:00

"""

from collections.abc import Sequence

from alembic import op

from kyodo_desk.db.grams import register_sqlite_function

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_FUNCTION = r"""
CREATE OR REPLACE FUNCTION kyodo_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}'::text[]) FROM (
    SELECT substr(t, i, 1) AS g FROM generate_series(1, char_length(t)) AS i
    UNION ALL
    SELECT substr(t, i, 2) FROM generate_series(1, char_length(t) - 1) AS i
  ) AS grams WHERE g !~ '\s'
$$
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        register_sqlite_function(bind.connection.driver_connection)  # this connection may predate the hook
        op.execute("CREATE VIRTUAL TABLE search_grams USING fts5(grams, content='', detail='none', tokenize='ascii')")
        op.execute("INSERT INTO search_grams(rowid, grams) SELECT id, kyodo_grams(text) FROM search_document")
        op.execute(
            "CREATE TRIGGER search_document_grams_ai AFTER INSERT ON search_document BEGIN "
            "INSERT INTO search_grams(rowid, grams) VALUES (new.id, kyodo_grams(new.text)); END"
        )
        op.execute(
            "CREATE TRIGGER search_document_grams_ad AFTER DELETE ON search_document BEGIN "
            "INSERT INTO search_grams(search_grams, rowid, grams) VALUES ('delete', old.id, kyodo_grams(old.text)); END"
        )
        op.execute(
            "CREATE TRIGGER search_document_grams_au AFTER UPDATE OF text ON search_document BEGIN "
            "INSERT INTO search_grams(search_grams, rowid, grams) VALUES ('delete', old.id, kyodo_grams(old.text)); "
            "INSERT INTO search_grams(rowid, grams) VALUES (new.id, kyodo_grams(new.text)); END"
        )
    elif bind.dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute("CREATE INDEX ix_search_document_grams ON search_document USING gin (kyodo_grams(text))")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("search_document_grams_ai", "search_document_grams_ad", "search_document_grams_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_grams")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_document_grams")
        op.execute("DROP FUNCTION IF EXISTS kyodo_grams(text)")
