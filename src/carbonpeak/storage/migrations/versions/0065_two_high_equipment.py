"""two_high_equipment: the equipment a 两高 project installs (燃煤锅炉, 燃煤自备机组…), in the plan's
words, which the plan's prohibitions of equipment read (禁止新建燃煤自备机组和燃煤锅炉); null for the
rows stored before it (no equipment declared)

Revision ID: 0065
Revises: 0060
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from alembic import op

revision = "0065"
down_revision = "0060"
branch_labels = None
depends_on = None

# ALTER TABLE … ADD/DROP COLUMN in place (SQLite ≥ 3.35 has both), as 0040 does.
IN_PLACE: Literal["never"] = "never"


def upgrade() -> None:
    with op.batch_alter_table("two_high_projects", recreate=IN_PLACE) as batch:
        batch.add_column(sa.Column("equipment", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("two_high_projects", recreate=IN_PLACE) as batch:
        batch.drop_column("equipment")
