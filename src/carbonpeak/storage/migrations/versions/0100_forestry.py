"""forestry: surveys (one per area and survey year) and their parcels (小班)

Revision ID: 0100
Revises: 0093
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0100"
down_revision = "0093"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forest_surveys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("area_name", sa.String(120), nullable=False),
        sa.Column("scope", sa.String(12), nullable=False),
        sa.Column("survey_year", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("parcel_count", sa.Integer(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.UniqueConstraint("area_name", "survey_year"),
        sa.CheckConstraint("scope IN ('district', 'zone')", name="ck_forest_surveys_scope"),
    )
    op.create_table(
        "forest_parcels",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("survey_id", sa.Integer(), sa.ForeignKey("forest_surveys.id"), nullable=False),
        sa.Column("parcel_id", sa.String(60), nullable=False),
        sa.Column("town", sa.String(120), nullable=False),
        sa.Column("area_ha", sa.Float(), nullable=False),
        sa.Column("land_class", sa.String(20), nullable=False),
        sa.Column("species", sa.String(40), nullable=True),
        sa.Column("origin", sa.String(12), nullable=True),
        sa.Column("age_class", sa.String(20), nullable=True),
        sa.Column("volume_m3_per_ha", sa.Float(), nullable=True),
        sa.Column("dbh_cm", sa.Float(), nullable=True),
        sa.Column("height_m", sa.Float(), nullable=True),
        sa.Column("increment_m3_per_ha", sa.Float(), nullable=True),
        sa.Column("loss_m3", sa.Float(), nullable=True),
        sa.Column("survey_kind", sa.String(20), nullable=False),
        sa.Column("project", sa.String(80), nullable=True),
        sa.Column("geometry", sa.JSON(), nullable=True),
        sa.UniqueConstraint("survey_id", "parcel_id"),
    )
    op.create_index("ix_forest_parcels_survey_id", "forest_parcels", ["survey_id"])


def downgrade() -> None:
    op.drop_index("ix_forest_parcels_survey_id", "forest_parcels")
    op.drop_table("forest_parcels")
    op.drop_table("forest_surveys")
