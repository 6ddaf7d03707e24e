"""search: tell PostgreSQL's planner that kyodo_grams(text) is expensive, so 1–2 character terms
use the GIN index over it instead of computing it row by row

kyodo_grams is an SQL function that builds a text[] of every character and neighbouring pair
(generate_series, array_agg): ~0.1 ms a row.  With the default COST 100 the planner, when a kind
has few rows or its statistics are fresh after a small load, filtered the (kind, ref_id) index's
rows with ``kyodo_grams(text) @> …`` — computing the function for every row of the kind: 「会計」
on the small demo took 110–150 ms a search (the load test's search p95 706 ms on one desk).  At
COST 10000 it reads the expression index (10 ms).  Nothing else changes: the index and the
function's result are the same.  SQLite computes the grams only when a row is written.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 18:30:00

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRAMS_COST = 10000  # PostgreSQL cost units (cpu_operator_cost each): the function is that much dearer than "="


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER FUNCTION kyodo_grams(text) COST {GRAMS_COST}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER FUNCTION kyodo_grams(text) COST 100")
