"""enterprise monthly reports: the product output of the month (product of the benchmark table,
quantity, unit) for the unit consumption against the national benchmark/baseline levels

Revision ID: 0121
Revises: 0120
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from alembic import op

revision = "0121"
down_revision = "0120"
branch_labels = None
depends_on = None

# in place (decision 0520): enterprise_report_lines references enterprise_reports by foreign key
IN_PLACE: Literal["never"] = "never"
COLUMNS = (
    ("product", sa.String(80)),
    ("product_output", sa.Float()),
    ("product_unit", sa.String(40)),
)


def upgrade() -> None:
    with op.batch_alter_table("enterprise_reports", recreate=IN_PLACE) as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enterprise_reports", recreate=IN_PLACE) as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
