"""key emitters (重点排放单位): one row per enterprise and reporting year — listing, emission
report, verification, compliance and the uploaded documents

Revision ID: 0115
Revises: 0110
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0115"
down_revision = "0110"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_emitter_years",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("enterprise_id", sa.String(18), sa.ForeignKey("enterprises.id"), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(20), nullable=False),
        sa.Column("sector", sa.String(100), nullable=False),
        sa.Column("report_submitted_on", sa.Date(), nullable=True),
        sa.Column("report_document", sa.String(255), nullable=False),
        sa.Column("reported_t", sa.Float(), nullable=True),
        sa.Column("verifier", sa.String(200), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("verification_document", sa.String(255), nullable=False),
        sa.Column("verified_t", sa.Float(), nullable=True),
        sa.Column("allocated_t", sa.Float(), nullable=True),
        sa.Column("surrendered_t", sa.Float(), nullable=True),
        sa.Column("surrendered_on", sa.Date(), nullable=True),
        sa.Column("compliance", sa.String(20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("report_file", sa.String(64), nullable=True),
        sa.Column("report_file_name", sa.String(120), nullable=True),
        sa.Column("report_file_kind", sa.String(10), nullable=True),
        sa.Column("verification_file", sa.String(64), nullable=True),
        sa.Column("verification_file_name", sa.String(120), nullable=True),
        sa.Column("verification_file_kind", sa.String(10), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.UniqueConstraint("enterprise_id", "year"),
    )


def downgrade() -> None:
    op.drop_table("key_emitter_years")
