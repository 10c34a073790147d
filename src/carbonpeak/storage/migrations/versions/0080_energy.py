"""energy: the energy-project ledger, charging stations and the charging outlines (issue 19)

Revision ID: 0080
Revises: 0070
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0080"
down_revision = "0070"
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
        "energy_projects",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        *_provenance(),
    )
    op.create_table(
        "charging_stations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        *_provenance(),
    )
    op.create_table(
        "charging_areas",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("geojson", sa.Text(), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        *_provenance(),
    )


def downgrade() -> None:
    op.drop_table("charging_areas")
    op.drop_table("charging_stations")
    op.drop_table("energy_projects")
