"""payment reversals: who refunded or voided what, and refund approvals

Revision ID: f411b82237b2
Revises: 30bafe1d8183
Create Date: 2026-12-02 07:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f411b82237b2"
down_revision = "30bafe1d8183"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "payment_reversals",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("payment_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payment_reversals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_reversals_payment_id"), ["payment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_reversals_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("payment_reversals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_reversals_status"))
        batch_op.drop_index(batch_op.f("ix_payment_reversals_payment_id"))
    op.drop_table("payment_reversals")
