"""activity content: the validated rows of each activity batch, macro batches and their values

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activity_batches") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="activity"))
        batch.add_column(sa.Column("rows_stored", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("comments", sa.JSON(), nullable=True))
    op.create_table(
        "activity_rows",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "batch_id",
            sa.Integer(),
            sa.ForeignKey("activity_batches.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sector", sa.Text(), nullable=False),
        sa.Column("sector_key", sa.String(80), nullable=False),
        sa.Column("fuel", sa.String(40), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.UniqueConstraint("batch_id", "position"),
    )
    op.create_table(
        "macro_rows",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "batch_id",
            sa.Integer(),
            sa.ForeignKey("activity_batches.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("variable", sa.String(40), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.UniqueConstraint("batch_id", "year", "variable"),
    )


def downgrade() -> None:
    # the schema before 0026 knows no macro batches: drop them with their values
    op.execute("DELETE FROM activity_batches WHERE kind = 'macro'")
    op.drop_table("macro_rows")
    op.drop_table("activity_rows")
    with op.batch_alter_table("activity_batches") as batch:
        batch.drop_column("comments")
        batch.drop_column("rows_stored")
        batch.drop_column("kind")
