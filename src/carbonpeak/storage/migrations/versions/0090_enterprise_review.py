"""enterprise month review: the review state of each monthly report, its history of versions and
steps, and the supervising department of each enterprise (decision 0520)

Revision ID: 0090
Revises: 0085
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0090"
down_revision = "0085"
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
        "enterprise_report_reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "report_id", sa.Integer(), sa.ForeignKey("enterprise_reports.id"), nullable=False, unique=True
        ),
        sa.Column("enterprise_id", sa.String(18), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("report_version", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.String(120), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.String(120), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("returns", sa.Integer(), nullable=False),
        *_provenance(),
        sa.UniqueConstraint("enterprise_id", "period"),
        sa.CheckConstraint(
            "state IN ('draft', 'submitted', 'approved', 'returned')",
            name="ck_enterprise_report_reviews_state",
        ),
    )
    op.create_table(
        "enterprise_report_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("enterprise_reports.id"), nullable=False),
        sa.Column("report_version", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(12), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("who", sa.String(120), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
    )
    op.create_index("ix_enterprise_report_events_report_id", "enterprise_report_events", ["report_id"])
    op.create_table(
        "enterprise_supervisors",
        sa.Column("enterprise_id", sa.String(18), sa.ForeignKey("enterprises.id"), primary_key=True),
        sa.Column("unit_id", sa.String(80), nullable=False),
        *_provenance(),
    )
    # the months stored before the review existed keep the state they had: draft or submitted
    op.execute(
        "INSERT INTO enterprise_report_reviews (report_id, enterprise_id, period, state, report_version,"
        " submitted_by, submitted_at, comment, returns, created_by, source, updated_at, updated_by)"
        " SELECT id, enterprise_id, period, status, version,"
        " CASE WHEN status = 'submitted' THEN updated_by END,"
        " CASE WHEN status = 'submitted' THEN updated_at END,"
        " '', 0, 'migration 0090', 'migration 0090', updated_at, 'migration 0090' FROM enterprise_reports"
    )


def downgrade() -> None:
    op.drop_table("enterprise_supervisors")
    op.drop_index("ix_enterprise_report_events_report_id", "enterprise_report_events")
    op.drop_table("enterprise_report_events")
    op.drop_table("enterprise_report_reviews")
