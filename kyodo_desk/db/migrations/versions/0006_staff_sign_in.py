"""staff sign-in: temporary-password flag, quick-交代 PIN, failed sign-ins and lock-out

Existing accounts keep password_hash NULL: the person sets a password at their next sign-in.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 07:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN with a constant default (or nullable) needs no table rebuild on SQLite.
    op.add_column("staff", sa.Column("password_temporary", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("staff", sa.Column("pin_hash", sa.String(length=255), nullable=True))
    op.add_column("staff", sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("staff", sa.Column("locked_until", sa.DateTime(), nullable=True))
    # Nothing could set a password before this revision (setting one locked the account out):
    # whatever is there is not a hash this version can check, so the person sets a new one.
    op.execute("UPDATE staff SET password_hash = NULL")


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_sign_ins")
        batch_op.drop_column("pin_hash")
        batch_op.drop_column("password_temporary")
