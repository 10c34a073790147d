"""enterprise monthly reports: several product lines a month (product, output, unit and the energy
attributed to the product, tce) in ``enterprise_report_products``, instead of the one product on
``enterprise_reports`` (0121); the stored products move over as line 0 with no energy attributed
(the month's total, as before). Decision 0531.

Revision ID: 0126
Revises: 0121 (to be 0125 once the townships members list lands; the chain only, nothing shared)
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from alembic import op

revision = "0126"
down_revision = "0121"
branch_labels = None
depends_on = None

# in place (decision 0520): enterprise_report_lines references enterprise_reports by foreign key
IN_PLACE: Literal["never"] = "never"
OLD_COLUMNS = (
    ("product", sa.String(80)),
    ("product_output", sa.Float()),
    ("product_unit", sa.String(40)),
)


def upgrade() -> None:
    op.create_table(
        "enterprise_report_products",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("enterprise_reports.id"), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(80), nullable=False),
        sa.Column("output", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("energy_tce", sa.Float(), nullable=True),
    )
    op.create_index("ix_enterprise_report_products_report_id", "enterprise_report_products", ["report_id"])
    op.execute(
        "INSERT INTO enterprise_report_products (report_id, line_no, product, output, unit, energy_tce) "
        "SELECT id, 0, product, product_output, COALESCE(product_unit, ''), NULL FROM enterprise_reports "
        "WHERE product IS NOT NULL AND product_output IS NOT NULL"
    )
    with op.batch_alter_table("enterprise_reports", recreate=IN_PLACE) as batch:
        for name, _ in reversed(OLD_COLUMNS):
            batch.drop_column(name)


def downgrade() -> None:
    """Back to one product a month: the first line of each month (the others are lost)."""
    with op.batch_alter_table("enterprise_reports", recreate=IN_PLACE) as batch:
        for name, kind in OLD_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    op.execute(
        "UPDATE enterprise_reports SET "
        "product = (SELECT p.product FROM enterprise_report_products p "
        "WHERE p.report_id = enterprise_reports.id AND p.line_no = 0), "
        "product_output = (SELECT p.output FROM enterprise_report_products p "
        "WHERE p.report_id = enterprise_reports.id AND p.line_no = 0), "
        "product_unit = (SELECT p.unit FROM enterprise_report_products p "
        "WHERE p.report_id = enterprise_reports.id AND p.line_no = 0)"
    )
    op.drop_index("ix_enterprise_report_products_report_id", table_name="enterprise_report_products")
    op.drop_table("enterprise_report_products")
