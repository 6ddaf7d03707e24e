"""棚卸 (stock-take): tables stocktake and stocktake_line, and device.last_seen_on

``stocktake`` is one session (at most one open: partial unique index ``uq_stocktake_open``);
``stocktake_line`` one code of its result (found / missing / on_loan / unknown), one per code and
session.  ``device.last_seen_on`` is the date of the last finished stock-take that saw the device
(NULL: never seen in one).  See kyodo_desk/db/stocktake_models.py.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 14:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stocktake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("finished_staff_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_stocktake_staff_id_staff")),
        sa.ForeignKeyConstraint(["finished_staff_id"], ["staff.id"], name=op.f("fk_stocktake_finished_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stocktake")),
    )
    with op.batch_alter_table("stocktake", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stocktake_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_stocktake_finished_at"), ["finished_at"], unique=False)
        batch_op.create_index(
            "uq_stocktake_open",
            ["state"],
            unique=True,
            sqlite_where=sa.text("state = 'open'"),
            postgresql_where=sa.text("state = 'open'"),
        )

    op.create_table(
        "stocktake_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stocktake_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("result", sa.String(length=12), nullable=False),
        sa.Column("seen", sa.Boolean(), nullable=False),
        sa.Column("device_state", sa.String(length=20), nullable=False),
        sa.Column("scanned_at", sa.DateTime(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("unseen_twice", sa.Boolean(), nullable=False),
        sa.Column("loan_reference", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["stocktake_id"],
            ["stocktake.id"],
            name=op.f("fk_stocktake_line_stocktake_id_stocktake"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name=op.f("fk_stocktake_line_device_id_device")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_stocktake_line_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stocktake_line")),
        sa.UniqueConstraint("stocktake_id", "code", name="uq_stocktake_line_code"),
    )
    with op.batch_alter_table("stocktake_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stocktake_line_stocktake_id"), ["stocktake_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stocktake_line_device_id"), ["device_id"], unique=False)

    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_on", sa.Date(), nullable=True))


def downgrade() -> None:
    """Run with foreign keys off on SQLite (as kyodo_desk.db.migrate does): dropping the column
    copies the device table, which loan_item and reservation_item refer to."""
    op.drop_table("stocktake_line")
    op.drop_table("stocktake")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("last_seen_on")
