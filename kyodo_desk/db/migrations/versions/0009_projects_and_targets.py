"""projects and targets: partnership projects (パートナーシップ事業) and the city plan's periods and targets

New tables: project_programme / project_division (programmes and their 部門, an editable list),
project with project_partner / project_consultation / project_dispatch, plan_period / plan_item
(periods, their items and targets), plan_survey (respondents and satisfied answers) and plan_value
(typed yearly values).

Seeds 協働のまちづくりチャレンジ事業 with its four 部門 and 金沢市協働推進計画2021 (令和3–7年度) with the
plan's three targets (its table 「目標の設定」) and the 2020 survey the plan's 66.8% comes from
(「市民の地域活動・市民活動に関する意識調査」, 732 respondents, 489 satisfied = 66.8%).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:30:00

"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHALLENGE = "協働のまちづくりチャレンジ事業"
DIVISIONS = ("スタート部門", "一般部門", "団体連携部門", "学生・高校生部門")
OTHER = "その他の協働事業"
PLAN_2021 = "金沢市協働推進計画2021"
PLAN_NOTE = "令和3(2021)年3月策定。期間は令和3(2021)年度から令和7(2025)年度までの5年間。"
# key, name, unit, source, reference (2016), baseline (2020), target (2025), 以上, note
ITEMS_2021 = (
    (
        "satisfaction",
        "市の情報公開・情報共有の取組への満足度",
        "%",
        "survey",
        None,
        66.8,
        75.0,
        False,
        "目標1(基本方針Ⅰ)。「市民の地域活動・市民活動に関する意識調査」で「とても満足している」"
        "又は「ある程度満足している」と答えた人の割合(2020年: 回答者732人)。",
    ),
    (
        "registrations",
        "協働をすすめる市民団体登録団体数",
        "団体",
        "registrations",
        35.0,
        43.0,
        50.0,
        True,
        "目標2(基本方針Ⅱ)。",
    ),
    (
        "projects",
        "多様な担い手とのパートナーシップにより取り組む事業数",
        "件",
        "projects",
        68.0,
        88.0,
        100.0,
        True,
        "目標3(基本方針Ⅲ)。",
    ),
)
SURVEY_2020 = ("市民の地域活動・市民活動に関する意識調査", dt.date(2020, 8, 1), 2020, 732, 489)


def upgrade() -> None:
    op.create_table(
        "plan_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("first_fiscal_year", sa.Integer(), nullable=False),
        sa.Column("last_fiscal_year", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_period")),
        sa.UniqueConstraint("name", name=op.f("uq_plan_period_name")),
    )
    op.create_table(
        "plan_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=40), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_value")),
        sa.UniqueConstraint("item_key", "fiscal_year", name="uq_plan_value_year"),
    )
    op.create_table(
        "project_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_programme")),
        sa.UniqueConstraint("name", name=op.f("uq_project_programme_name")),
    )
    op.create_table(
        "plan_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reference_year", sa.Integer(), nullable=True),
        sa.Column("reference_value", sa.Float(), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("target_year", sa.Integer(), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("target_is_minimum", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period_id"], ["plan_period.id"], name=op.f("fk_plan_item_period_id_plan_period"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_item")),
        sa.UniqueConstraint("period_id", "key", name="uq_plan_item_key"),
    )
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_item_period_id"), ["period_id"], unique=False)

    op.create_table(
        "plan_survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("conducted_on", sa.Date(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["staff.id"], name=op.f("fk_plan_survey_created_by_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_survey")),
    )
    with op.batch_alter_table("plan_survey", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_survey_conducted_on"), ["conducted_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_survey_fiscal_year"), ["fiscal_year"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_survey_item_key"), ["item_key"], unique=False)

    op.create_table(
        "project_division",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["project_programme.id"],
            name=op.f("fk_project_division_programme_id_project_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_division")),
        sa.UniqueConstraint("programme_id", "name", name="uq_project_division_name"),
    )
    with op.batch_alter_table("project_division", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_division_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("division_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("city_departments", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("review_done", sa.Text(), nullable=False),
        sa.Column("review_participants", sa.Integer(), nullable=True),
        sa.Column("review_evaluation", sa.Text(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["staff.id"], name=op.f("fk_project_created_by_staff")),
        sa.ForeignKeyConstraint(
            ["division_id"],
            ["project_division.id"],
            name=op.f("fk_project_division_id_project_division"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["project_programme.id"],
            name=op.f("fk_project_programme_id_project_programme"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("reference", name=op.f("uq_project_reference")),
    )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_fiscal_year"), ["fiscal_year"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_status"), ["status"], unique=False)

    op.create_table(
        "project_consultation",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultation.id"],
            name=op.f("fk_project_consultation_consultation_id_consultation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_consultation_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("project_id", "consultation_id", name=op.f("pk_project_consultation")),
    )
    with op.batch_alter_table("project_consultation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_consultation_consultation_id"), ["consultation_id"], unique=False)

    op.create_table(
        "project_partner",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_project_partner_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_partner_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("project_id", "organization_id", name=op.f("pk_project_partner")),
    )
    with op.batch_alter_table("project_partner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_partner_organization_id"), ["organization_id"], unique=False)

    op.create_table(
        "project_dispatch",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("dispatch_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispatch_id"],
            ["dispatch_application.id"],
            name=op.f("fk_project_dispatch_dispatch_id_dispatch_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_dispatch_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("project_id", "dispatch_id", name=op.f("pk_project_dispatch")),
    )
    with op.batch_alter_table("project_dispatch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_dispatch_dispatch_id"), ["dispatch_id"], unique=False)

    _seed()


def _seed() -> None:
    programme = sa.table(
        "project_programme",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("sort_order", sa.Integer),
        sa.column("active", sa.Boolean),
        sa.column("version", sa.Integer),
    )
    division = sa.table(
        "project_division",
        sa.column("programme_id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("sort_order", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    period = sa.table(
        "plan_period",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("first_fiscal_year", sa.Integer),
        sa.column("last_fiscal_year", sa.Integer),
        sa.column("notes", sa.Text),
        sa.column("version", sa.Integer),
    )
    item = sa.table(
        "plan_item",
        *(
            sa.column(n, t)
            for n, t in (
                ("period_id", sa.Integer),
                ("key", sa.String),
                ("sort_order", sa.Integer),
                ("name", sa.String),
                ("unit", sa.String),
                ("source", sa.String),
                ("reference_year", sa.Integer),
                ("reference_value", sa.Float),
                ("baseline_year", sa.Integer),
                ("baseline_value", sa.Float),
                ("target_year", sa.Integer),
                ("target_value", sa.Float),
                ("target_is_minimum", sa.Boolean),
                ("note", sa.Text),
                ("version", sa.Integer),
            )
        ),
    )
    survey = sa.table(
        "plan_survey",
        *(
            sa.column(n, t)
            for n, t in (
                ("item_key", sa.String),
                ("name", sa.String),
                ("conducted_on", sa.Date),
                ("fiscal_year", sa.Integer),
                ("respondents", sa.Integer),
                ("satisfied", sa.Integer),
                ("version", sa.Integer),
            )
        ),
    )
    op.bulk_insert(
        programme,
        [
            {"id": 1, "name": CHALLENGE, "sort_order": 10, "active": True, "version": 1},
            {"id": 2, "name": OTHER, "sort_order": 20, "active": True, "version": 1},
        ],
    )
    op.bulk_insert(
        division,
        [{"programme_id": 1, "name": n, "sort_order": (i + 1) * 10, "active": True} for i, n in enumerate(DIVISIONS)],
    )
    op.bulk_insert(
        period,
        [
            {
                "id": 1,
                "name": PLAN_2021,
                "first_fiscal_year": 2021,
                "last_fiscal_year": 2025,
                "notes": PLAN_NOTE,
                "version": 1,
            }
        ],
    )
    op.bulk_insert(
        item,
        [
            {
                "period_id": 1,
                "key": key,
                "sort_order": i + 1,
                "name": name,
                "unit": unit,
                "source": source,
                "reference_year": 2016 if ref is not None else None,
                "reference_value": ref,
                "baseline_year": 2020,
                "baseline_value": base,
                "target_year": 2025,
                "target_value": target,
                "target_is_minimum": minimum,
                "note": note,
                "version": 1,
            }
            for i, (key, name, unit, source, ref, base, target, minimum, note) in enumerate(ITEMS_2021)
        ],
    )
    name, day, fy, respondents, satisfied = SURVEY_2020
    op.bulk_insert(
        survey,
        [
            {
                "item_key": "satisfaction",
                "name": name,
                "conducted_on": day,
                "fiscal_year": fy,
                "respondents": respondents,
                "satisfied": satisfied,
                "version": 1,
            }
        ],
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":  # explicit ids above: move the sequences past them
        for table in ("project_programme", "plan_period"):
            op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")


def downgrade() -> None:
    for table in (
        "project_dispatch",
        "project_partner",
        "project_consultation",
        "project",
        "project_division",
        "plan_survey",
        "plan_value",
        "plan_item",
        "project_programme",
        "plan_period",
    ):
        op.drop_table(table)
