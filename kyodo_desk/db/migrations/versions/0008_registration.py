"""registration: the 「協働をすすめる市民団体」 registration as a workflow with its history

New tables ``registration`` (one per organization: status, number, dates, registered details,
publication consent) and ``registration_step`` (who recorded which step on which date).

Existing organizations keep what they had: a status of registered / applied / expired / withdrawn
becomes a registration row with equivalent steps (登録 on registered_on, 更新 on
registration_renewed_on, 失効 a renewal period after, 登録取消 for the old 「登録取消」 status, which
was stored as ``withdrawn``), recorded by 「データ移行(0008)」.  Registered groups get a number
(協働-{year}-{seq:03d}, by fiscal year of registration) and a renewal due no earlier than the end of
the fiscal year of the upgrade, so an upgrade never lapses a registration nobody could renew yet.
The organization's cached status columns stay (services/registration.py keeps them in step).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00

"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MIGRATION_ACTOR = "データ移行(0008)"
COUNTER_PREFIX = "REG"


def _fy(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _plus_year(day: dt.date) -> dt.date:
    """The last day a registration of *day* holds with the default 12-month period."""
    try:
        return day.replace(year=day.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _create_tables() -> None:
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("renewed_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("activity", sa.Text(), nullable=False),
        sa.Column("activity_area", sa.String(length=300), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("publish_fields", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_registration_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint("organization_id", name=op.f("uq_registration_organization_id")),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_number"), ["number"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_expires_on"), ["expires_on"], unique=False)

    op.create_table(
        "registration_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("status_after", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("documents", sa.String(length=500), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_registration_step_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_registration_step_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_registration_step_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_step")),
    )
    with op.batch_alter_table("registration_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_step_registration_id"), ["registration_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_step_organization_id"), ["organization_id"], unique=False)
        batch_op.create_index("ix_registration_step_on_date", ["on_date"], unique=False)


organization = sa.table(
    "organization",
    sa.column("id", sa.Integer),
    sa.column("registration_status", sa.String),
    sa.column("registered_on", sa.Date),
    sa.column("registration_renewed_on", sa.Date),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
)
registration = sa.table(
    "registration",
    sa.column("id", sa.Integer),
    sa.column("organization_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("number", sa.String),
    sa.column("applied_on", sa.Date),
    sa.column("registered_on", sa.Date),
    sa.column("renewed_on", sa.Date),
    sa.column("expires_on", sa.Date),
    sa.column("ended_on", sa.Date),
    sa.column("activity", sa.Text),
    sa.column("activity_area", sa.String),
    sa.column("website", sa.String),
    sa.column("publish_fields", sa.String),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
    sa.column("version", sa.Integer),
)
step = sa.table(
    "registration_step",
    sa.column("registration_id", sa.Integer),
    sa.column("organization_id", sa.Integer),
    sa.column("step", sa.String),
    sa.column("on_date", sa.Date),
    sa.column("status_after", sa.String),
    sa.column("number", sa.String),
    sa.column("valid_until", sa.Date),
    sa.column("reason", sa.Text),
    sa.column("documents", sa.String),
    sa.column("staff_id", sa.Integer),
    sa.column("actor", sa.String),
    sa.column("recorded_at", sa.DateTime),
)
counter = sa.table(
    "reference_counter",
    sa.column("prefix", sa.String),
    sa.column("fiscal_year", sa.Integer),
    sa.column("last_value", sa.Integer),
)


def _migrate_rows() -> None:
    bind = op.get_bind()
    today = dt.date.today()
    stamp = dt.datetime.now().replace(microsecond=0)
    floor_due = dt.date(_fy(today) + 1, 3, 31)  # never lapse at upgrade: due no earlier than this FY's end
    rows = bind.execute(
        sa.select(
            organization.c.id,
            organization.c.registration_status,
            organization.c.registered_on,
            organization.c.registration_renewed_on,
            organization.c.created_at,
            organization.c.updated_at,
        )
        .where(organization.c.registration_status.in_(("registered", "applied", "expired", "withdrawn")))
        .order_by(organization.c.registered_on, organization.c.id)
    ).all()
    seq: dict[int, int] = {}
    note = "旧「登録状況」から移行"
    for org_id, status, registered_on, renewed_on, created_at, updated_at in rows:
        created = created_at.date() if created_at else today
        updated = updated_at.date() if updated_at else today
        steps: list[dict] = []
        values: dict = {"status": status, "number": None, "applied_on": None, "registered_on": None}
        if status == "applied" or registered_on is None:
            day = registered_on or created
            steps.append({"step": "apply", "on_date": day, "status_after": "applied"})
            values.update(status="applied", applied_on=day)
        else:
            fy = _fy(registered_on)
            seq[fy] = seq.get(fy, 0) + 1
            number = f"協働-{fy}-{seq[fy]:03d}"
            base = renewed_on if renewed_on and renewed_on >= registered_on else None
            until = _plus_year(base or registered_on)
            if status == "registered":
                until = max(until, floor_due)
            steps.append(
                {
                    "step": "register",
                    "on_date": registered_on,
                    "status_after": "registered",
                    "number": number,
                    "valid_until": until if base is None else _plus_year(registered_on),
                }
            )
            if base is not None:
                steps.append(
                    {
                        "step": "renew",
                        "on_date": base,
                        "status_after": "registered",
                        "number": number,
                        "valid_until": until,
                    }
                )
            values.update(
                status="registered", number=number, registered_on=registered_on, renewed_on=base, expires_on=until
            )
            if status == "expired":
                lapse_on = min(until + dt.timedelta(days=1), max(today, registered_on))
                steps.append({"step": "lapse", "on_date": lapse_on, "status_after": "expired"})
                values.update(status="expired", ended_on=lapse_on)
            elif status == "withdrawn":  # the old drop-down's 「登録取消」
                end = max(updated, base or registered_on)
                steps.append({"step": "cancel", "on_date": end, "status_after": "cancelled"})
                values.update(status="cancelled", ended_on=end)
        reg_id = bind.execute(
            sa.insert(registration)
            .values(
                organization_id=org_id,
                activity="",
                activity_area="",
                website="",
                publish_fields="",
                created_at=stamp,
                updated_at=stamp,
                version=1,
                **values,
            )
            .returning(registration.c.id)
        ).scalar_one()
        for s in steps:
            bind.execute(
                sa.insert(step).values(
                    registration_id=reg_id,
                    organization_id=org_id,
                    reason=note,
                    documents="",
                    staff_id=None,
                    actor=MIGRATION_ACTOR,
                    recorded_at=stamp,
                    **{"number": None, "valid_until": None, **s},
                )
            )
        if values["status"] != status:
            bind.execute(
                sa.update(organization).where(organization.c.id == org_id).values(registration_status=values["status"])
            )
    for fy, last in seq.items():
        bind.execute(sa.insert(counter).values(prefix=COUNTER_PREFIX, fiscal_year=fy, last_value=last))


def upgrade() -> None:
    _create_tables()
    _migrate_rows()


def downgrade() -> None:
    bind = op.get_bind()
    # The old drop-down knew none/applied/registered/expired/withdrawn(「登録取消」).
    bind.execute(
        sa.update(organization)
        .where(organization.c.registration_status.in_(("cancelled", "withdrawn")))
        .values(registration_status="withdrawn")
    )
    bind.execute(
        sa.update(organization)
        .where(organization.c.registration_status == "reviewed")
        .values(registration_status="applied")
    )
    bind.execute(
        sa.update(organization)
        .where(organization.c.registration_status == "rejected")
        .values(registration_status="none")
    )
    bind.execute(sa.delete(counter).where(counter.c.prefix == COUNTER_PREFIX))
    with op.batch_alter_table("registration_step", schema=None) as batch_op:
        batch_op.drop_index("ix_registration_step_on_date")
        batch_op.drop_index(batch_op.f("ix_registration_step_organization_id"))
        batch_op.drop_index(batch_op.f("ix_registration_step_registration_id"))
    op.drop_table("registration_step")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_expires_on"))
        batch_op.drop_index(batch_op.f("ix_registration_number"))
        batch_op.drop_index(batch_op.f("ix_registration_status"))
    op.drop_table("registration")
