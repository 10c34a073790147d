"""one plan per firm (一企一策): the uploaded plan document (stored as evidence files are, by sha256)

Revision ID: 0120
Revises: 0115
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from alembic import op

revision = "0120"
down_revision = "0115"
branch_labels = None
depends_on = None

# ALTER TABLE … ADD/DROP COLUMN in place: a batch copy would fight the foreign key to enterprises.
IN_PLACE: Literal["never"] = "never"
COLUMNS = (
    ("document_sha256", sa.String(64)),
    ("document_name", sa.String(120)),
    ("document_size", sa.Integer()),
    ("document_type", sa.String(10)),
)


def upgrade() -> None:
    with op.batch_alter_table("firm_plans", recreate=IN_PLACE) as batch:
        for name, kind in COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("firm_plans", recreate=IN_PLACE) as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
