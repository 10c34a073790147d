"""tracking: indicator values, task reports, computed values, evidence files, audit log

Revision ID: 0010
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0002"
branch_labels = None
depends_on = None


def _tracked() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _provenance() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "indicator_values",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.String(80), nullable=False, index=True),
        sa.Column("indicator_id", sa.String(120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=False, index=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(40), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returns", sa.Integer(), nullable=False),
        *_tracked(),
        sa.UniqueConstraint("plan_id", "indicator_id", "year", "period", "unit_id"),
    )
    op.create_table(
        "task_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.String(80), nullable=False, index=True),
        sa.Column("task_id", sa.String(120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("milestones_met", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returns", sa.Integer(), nullable=False),
        *_tracked(),
        sa.UniqueConstraint("plan_id", "task_id", "year", "period", "unit_id"),
    )
    op.create_table(
        "computed_values",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.String(80), nullable=False, index=True),
        sa.Column("metric", sa.String(120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(40), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("factor_set", sa.String(120), nullable=False),
        *_provenance(),
        sa.UniqueConstraint("plan_id", "metric", "year"),
    )
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_kind", sa.String(24), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False, index=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(80), nullable=False),
        sa.Column("display_name", sa.String(255), nullable=False),
        *_provenance(),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("action", sa.String(24), nullable=False),
        sa.Column("table_name", sa.String(60), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False, index=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
    )


def downgrade() -> None:
    for table in ("audit_log", "evidence_files", "computed_values", "task_reports", "indicator_values"):
        op.drop_table(table)
