"""forestry: stems per hm² of a parcel (the form-factor method of stand volume from DBH and height)

Revision ID: 0105
Revises: 0100
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0105"
down_revision = "0100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("forest_parcels") as batch:
        batch.add_column(sa.Column("stems_per_ha", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("forest_parcels") as batch:
        batch.drop_column("stems_per_ha")
