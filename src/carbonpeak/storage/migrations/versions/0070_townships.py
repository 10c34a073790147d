"""townships: decompositions of district targets (协同分解), member targets, member and district values

Revision ID: 0070
Revises: 0065
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0070"
down_revision = "0065"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "township_decompositions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.String(80), nullable=False),
        sa.Column("quantity", sa.String(60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("base_year", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("district_target", sa.Float(), nullable=False),
        sa.Column("district_base", sa.Float(), nullable=True),
        sa.Column("document", sa.Text(), nullable=True),
        *_stamps(),
        sa.UniqueConstraint("plan_id", "quantity", "year"),
    )
    op.create_index("ix_township_decompositions_plan_id", "township_decompositions", ["plan_id"])
    op.create_table(
        "township_member_targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "decomposition_id", sa.Integer(), sa.ForeignKey("township_decompositions.id"), nullable=False
        ),
        sa.Column("member_id", sa.String(80), nullable=False),
        sa.Column("base", sa.Float(), nullable=True),
        sa.Column("weight", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=False),
        sa.UniqueConstraint("decomposition_id", "member_id"),
    )
    op.create_index(
        "ix_township_member_targets_decomposition_id", "township_member_targets", ["decomposition_id"]
    )
    op.create_table(
        "township_values",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.String(80), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=False),
        sa.Column("quantity", sa.String(60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("plan_id", "unit_id", "quantity", "year"),
    )
    op.create_index("ix_township_values_plan_id", "township_values", ["plan_id"])


def downgrade() -> None:
    op.drop_table("township_values")
    op.drop_index("ix_township_member_targets_decomposition_id", "township_member_targets")
    op.drop_table("township_member_targets")
    op.drop_table("township_decompositions")
