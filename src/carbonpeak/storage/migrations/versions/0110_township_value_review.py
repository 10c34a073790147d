"""townships: review of members' values (draft → submitted → approved | returned), a version counter
(optimistic locking), the reason of a return; values stored before it stay counted (approved,
decision 0312)

Revision ID: 0110
Revises: 0107
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0110"
down_revision = "0107"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("township_values") as batch:
        batch.add_column(sa.Column("state", sa.String(20), nullable=False, server_default="approved"))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("comment", sa.Text(), nullable=True))
        batch.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("returns", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("township_values") as batch:
        for name in ("returns", "submitted_at", "comment", "version", "state"):
            batch.drop_column(name)
