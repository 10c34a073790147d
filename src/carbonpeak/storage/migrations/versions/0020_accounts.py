"""accounts: users of the web app (their changes go to the audit_log of 0010)

Revision ID: 0020
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit_id", sa.String(80), nullable=True),
        sa.Column("enterprise_id", sa.String(80), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("api_token_sha256", sa.String(64), nullable=True, unique=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.CheckConstraint("role IN ('office', 'department', 'enterprise', 'viewer')", name="ck_users_role"),
        sa.CheckConstraint("role != 'department' OR unit_id IS NOT NULL", name="ck_users_department_unit"),
        sa.CheckConstraint(
            "role != 'enterprise' OR enterprise_id IS NOT NULL", name="ck_users_enterprise_id"
        ),
    )


def downgrade() -> None:
    op.drop_table("users")
