"""A ``version`` column on the last four tables two desks edit without one: consultation_category
(a rename), device_model (機種 and its accessory list), label_template (a sheet of one's own) and
advisor_exception (an advisor's single-date exception)

Without it a stale save from a second desk silently replaced what the first desk had just saved.
The models make it SQLAlchemy's version_id_col, as on every other record a desk edits; the services
take the version the desk showed and refuse a save over a newer one (StaleEdit).  Rows already
there start at 1.

advisor_exception also gains ``removed``: removing a day's exception keeps its row (reason and times
cleared: no personal value stays) with a higher version, so a desk still showing the removed one
cannot pass the check once the day is set again — a new row would start at version 1 again, and
SQLite hands a deleted row's id out again.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 19:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("consultation_category", "device_model", "label_template", "advisor_exception")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
            if table == "advisor_exception":
                batch_op.add_column(sa.Column("removed", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    """Run with foreign keys off on SQLite (as kyodo_desk.db.migrate does): dropping the column
    copies each table, which other tables refer to (device by device_model, the consultations'
    category links by consultation_category)."""
    op.execute("DELETE FROM advisor_exception WHERE removed")  # as before 0016: a removed day had no row
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "advisor_exception":
                batch_op.drop_column("removed")
            batch_op.drop_column("version")
