"""ledgers: the enterprise registry (重点用能单位) and monthly energy reports with their lines

Revision ID: 0030
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0026"
branch_labels = None
depends_on = None


def _provenance() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "enterprises",
        sa.Column("id", sa.String(18), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("industry", sa.String(2), nullable=False),
        sa.Column("town", sa.String(80), nullable=False),
        sa.Column("two_high", sa.Boolean(), nullable=False),
        sa.Column("two_high_category", sa.String(40), nullable=True),
        sa.Column("benchmark_product", sa.String(80), nullable=True),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        *_provenance(),
    )
    op.create_table(
        "enterprise_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("enterprise_id", sa.String(18), sa.ForeignKey("enterprises.id"), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("output_value", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *_provenance(),
        sa.UniqueConstraint("enterprise_id", "period"),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name="ck_enterprise_reports_status"),
    )
    op.create_index("ix_enterprise_reports_enterprise_id", "enterprise_reports", ["enterprise_id"])
    op.create_table(
        "enterprise_report_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("enterprise_reports.id"), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("fuel", sa.String(40), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
    )
    op.create_index("ix_enterprise_report_lines_report_id", "enterprise_report_lines", ["report_id"])


def downgrade() -> None:
    op.drop_table("enterprise_report_lines")
    op.drop_table("enterprise_reports")
    op.drop_table("enterprises")
