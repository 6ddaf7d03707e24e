"""audit log: the named system actor of a batch command, and the records a list, search or export showed

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 07:05:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN with a constant default needs no table rebuild on SQLite (no batch mode).
    op.add_column("audit_log", sa.Column("actor", sa.String(length=80), nullable=False, server_default=""))
    op.add_column("audit_log", sa.Column("record_ids", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("record_ids")
        batch_op.drop_column("actor")
