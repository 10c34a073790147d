"""illustrative: a boolean on every table that holds demo rows (示例数据), set by the demo loaders,
instead of looking for 示例数据 in the free-text source

The tables: indicator_values, task_reports, computed_values, evidence_files, enterprise_reports,
published_indicators (activity_batches and enterprises have the column since 0002 and 0030). The
upgrade marks the rows stored before it as the demo loaders wrote them: a source (or, for an
enterprise report, a note) containing 示例数据, or a report of an illustrative enterprise.

Revision ID: 0040
Revises: 0030
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0030"
branch_labels = None
depends_on = None

TABLES = (
    "indicator_values",
    "task_reports",
    "computed_values",
    "evidence_files",
    "enterprise_reports",
    "published_indicators",
)
MARK = "%示例数据%"


# ALTER TABLE … ADD/DROP COLUMN in place (SQLite ≥ 3.35 has both): a batch copy-and-rename would
# drop tables that others reference by foreign key (enterprise_report_lines → enterprise_reports).
IN_PLACE: Literal["never"] = "never"


def upgrade() -> None:
    for name in TABLES:
        with op.batch_alter_table(name, recreate=IN_PLACE) as batch:
            batch.add_column(
                sa.Column("illustrative", sa.Boolean(), nullable=False, server_default=sa.false())
            )
    for name in TABLES:
        table = sa.table(name, sa.column("illustrative", sa.Boolean()), sa.column("source", sa.Text()))
        op.execute(table.update().where(table.c.source.like(MARK)).values(illustrative=True))
    reports = sa.table(
        "enterprise_reports",
        sa.column("illustrative", sa.Boolean()),
        sa.column("note", sa.Text()),
        sa.column("enterprise_id", sa.String()),
    )
    enterprises = sa.table(
        "enterprises", sa.column("id", sa.String()), sa.column("illustrative", sa.Boolean())
    )
    demo_firms = sa.select(enterprises.c.id).where(enterprises.c.illustrative.is_(True))
    op.execute(
        reports.update()
        .where(sa.or_(reports.c.note.like(MARK), reports.c.enterprise_id.in_(demo_firms)))
        .values(illustrative=True)
    )


def downgrade() -> None:
    for name in reversed(TABLES):
        with op.batch_alter_table(name, recreate=IN_PLACE) as batch:
            batch.drop_column("illustrative")
