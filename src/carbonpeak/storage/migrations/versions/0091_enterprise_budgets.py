"""enterprise energy budgets (用能预算): one per enterprise and year, with its source document

Revision ID: 0091
Revises: 0090
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0091"
down_revision = "0090"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enterprise_budgets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("enterprise_id", sa.String(18), sa.ForeignKey("enterprises.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("tce_calorific", sa.Float(), nullable=False),
        sa.Column("tce_coal_substitution", sa.Float(), nullable=False),
        sa.Column("co2_t", sa.Float(), nullable=False),
        sa.Column("document", sa.String(200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.UniqueConstraint("enterprise_id", "year"),
    )


def downgrade() -> None:
    op.drop_table("enterprise_budgets")
