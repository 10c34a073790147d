"""energy: a version counter on energy_projects (optimistic locking of the web edit, decision 0301)

Revision ID: 0085
Revises: 0080
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0085"
down_revision = "0080"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("energy_projects") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("energy_projects") as batch:
        batch.drop_column("version")
