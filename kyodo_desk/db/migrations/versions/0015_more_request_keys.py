"""Idempotency keys on the other creates two desks make: ``request_key`` on person, reservation
and staff (as 0013 did for consultation, loan, dispatch_application and organization)

The form makes a UUID4 once and sends it with the create; a retry after a COMMIT whose reply was
lost sends the same key and gets the stored row back instead of a second person, a second
reservation or 「ログイン名はすでに使われています」.  Nullable (older rows, imports), unique.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 18:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("person", "reservation", "staff")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("request_key", sa.String(length=36), nullable=True))
            batch_op.create_unique_constraint(batch_op.f(f"uq_{table}_request_key"), ["request_key"])


def downgrade() -> None:
    """Run with foreign keys off on SQLite (as kyodo_desk.db.migrate does): dropping the column
    copies each table, which other tables refer to (staff by nearly every table)."""
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_request_key"), type_="unique")
            batch_op.drop_column("request_key")
