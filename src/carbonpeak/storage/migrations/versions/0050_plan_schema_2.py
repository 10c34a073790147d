"""plan schema 2: the stored plan revisions of schema 1 rewritten to schema 2

Each revision's content (the JSON of ``plan_dict``) goes through ``carbonpeak.plan.upgrade`` — the
same upgrade the loader applies to a version-1 file — and gets its new sha256 and schema_version 2.
The revision numbers and their provenance stay. The downgrade writes schema 1 back and drops what
schema 1 cannot say (periods, assignments, strengths other than 力争, prohibitions, project parts).

Revision ID: 0050
Revises: 0048
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

from carbonpeak.plan.upgrade import downgrade_v2_to_v1, upgrade_v1_to_v2
from carbonpeak.storage.plans import content_digest

revision = "0050"
down_revision = "0048"
branch_labels = None
depends_on = None

REVISIONS = sa.table(
    "plan_revisions",
    sa.column("id", sa.Integer()),
    sa.column("schema_version", sa.Integer()),
    sa.column("content", sa.JSON()),
    sa.column("content_sha256", sa.String()),
)


def _rewrite(source: int, target: int, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(REVISIONS.c.id, REVISIONS.c.content).where(REVISIONS.c.schema_version == source)
    ).all()
    for row_id, content in rows:
        new = change(content)
        connection.execute(
            REVISIONS.update()
            .where(REVISIONS.c.id == row_id)
            .values(content=new, schema_version=target, content_sha256=content_digest(new))
        )


def upgrade() -> None:
    _rewrite(1, 2, upgrade_v1_to_v2)


def downgrade() -> None:
    _rewrite(2, 1, downgrade_v2_to_v1)
