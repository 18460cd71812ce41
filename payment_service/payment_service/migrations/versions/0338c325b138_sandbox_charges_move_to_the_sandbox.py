"""the sandbox processor keeps its own ledger now (sandbox_processor): drop payment_service's sandbox_charges

Revision ID: 0338c325b138
Revises: f411b82237b2
Create Date: 2026-12-02 06:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0338c325b138"
down_revision = "f411b82237b2"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("sandbox_charges")


def downgrade():
    op.create_table(
        "sandbox_charges",
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("brand", sa.String(length=30), nullable=False),
        sa.Column("last4", sa.String(length=4), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("reference"),
    )
