"""online energy monitoring: meters of key units, ingest batches, validated interval use,
quarantined readings

Revision ID: 0092
Revises: 0091
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0092"
down_revision = "0091"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enterprise_meters",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("enterprise_id", sa.String(18), sa.ForeignKey("enterprises.id"), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("mode", sa.String(12), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("enthalpy_gj_per_t", sa.Float(), nullable=True),
        sa.Column("last_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_amount", sa.Float(), nullable=True),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.UniqueConstraint("enterprise_id", "code"),
    )
    op.create_table(
        "meter_batches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("enterprise_id", sa.String(18), sa.ForeignKey("enterprises.id"), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("readings", sa.Integer(), nullable=False),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("resets", sa.Integer(), nullable=False),
        sa.Column("gaps", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
    )
    op.create_table(
        "meter_intervals",
        sa.Column("meter_id", sa.Integer(), sa.ForeignKey("enterprise_meters.id"), primary_key=True),
        sa.Column("time", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("use", sa.Float(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
    )
    op.create_table(
        "meter_quarantine",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("meter_batches.id"), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("meter_code", sa.String(40), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
    )
    op.create_index("ix_meter_quarantine_batch_id", "meter_quarantine", ["batch_id"])


def downgrade() -> None:
    op.drop_index("ix_meter_quarantine_batch_id", "meter_quarantine")
    op.drop_table("meter_quarantine")
    op.drop_table("meter_intervals")
    op.drop_table("meter_batches")
    op.drop_table("enterprise_meters")
