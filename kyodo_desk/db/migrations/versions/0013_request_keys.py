"""Idempotency keys on creates: ``request_key`` on consultation, loan, dispatch_application and
organization

A form makes a UUID4 when it first saves a new record and sends it with the create.  When the
connection drops during COMMIT the desk cannot know whether the row was stored; the retry sends
the same key and the service returns the stored row instead of inserting a second one.  The
column is nullable (rows made before this revision, batch imports) and unique (NULLs never clash).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 15:10:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("consultation", "loan", "dispatch_application", "organization")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("request_key", sa.String(length=36), nullable=True))
            batch_op.create_unique_constraint(batch_op.f(f"uq_{table}_request_key"), ["request_key"])


def downgrade() -> None:
    """Run with foreign keys off on SQLite (as kyodo_desk.db.migrate does): dropping the column
    copies each table, which other tables refer to."""
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_request_key"), type_="unique")
            batch_op.drop_column("request_key")
