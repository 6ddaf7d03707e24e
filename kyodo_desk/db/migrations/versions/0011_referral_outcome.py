"""consultations: the outcome of a referral (他機関紹介)

A referral so far recorded where the visitor was sent and why, never what came of it.  Two columns:
``referral_outcome`` (contacted / connected / failed — 連絡済み / つながった / 不調, kyodo_desk.domain.
consultation.ReferralOutcome; NULL while nothing is known) and ``referral_outcome_note`` (a short note).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 14:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("referral_outcome", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("referral_outcome_note", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("consultation", schema=None) as batch_op:
        batch_op.drop_column("referral_outcome_note")
        batch_op.drop_column("referral_outcome")
