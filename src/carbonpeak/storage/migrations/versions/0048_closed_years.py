"""closed_years: the years whose tracking data the office has closed (the pages' default year)

Revision ID: 0048
Revises: 0045
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0048"
down_revision = "0045"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "closed_years",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.String(80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.UniqueConstraint("plan_id", "year"),
    )
    op.create_index("ix_closed_years_plan_id", "closed_years", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_closed_years_plan_id", table_name="closed_years")
    op.drop_table("closed_years")
