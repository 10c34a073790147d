"""one plan per firm (一企一策): each key unit's plan document and its measures, versioned

Revision ID: 0093
Revises: 0092
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0093"
down_revision = "0092"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "firm_plans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "enterprise_id", sa.String(18), sa.ForeignKey("enterprises.id"), nullable=False, unique=True
        ),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("document", sa.String(255), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("firm_plans")
