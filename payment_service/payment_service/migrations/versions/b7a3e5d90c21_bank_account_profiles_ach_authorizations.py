"""bank-account profiles and ACH debit authorizations

Revision ID: b7a3e5d90c21
Revises: 3f9c1d7ab2e4
Create Date: 2026-12-02 13:35:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7a3e5d90c21"
down_revision = "3f9c1d7ab2e4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="card"))
    with op.batch_alter_table("payment_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="card"))
        batch_op.add_column(sa.Column("bank_name", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("account_type", sa.String(length=10), nullable=True))
        batch_op.alter_column("exp_month", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("exp_year", existing_type=sa.Integer(), nullable=True)

    op.create_table(
        "ach_authorizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("text_version", sa.String(length=20), nullable=False),
        sa.Column("bank_account", sa.String(length=60), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("payment_id", sa.String(length=32), nullable=True),
        sa.Column("profile_id", sa.String(length=32), nullable=True),
        sa.Column("client_address", sa.String(length=45), nullable=True),
        sa.Column("staff_actor", sa.String(length=80), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=False),
        sa.Column("last_debit_at", sa.DateTime(), nullable=True),
        sa.Column("keep_until", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ach_authorizations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ach_authorizations_account"), ["account"], unique=False)
        batch_op.create_index(batch_op.f("ix_ach_authorizations_keep_until"), ["keep_until"], unique=False)


def downgrade():
    op.drop_table("ach_authorizations")
    with op.batch_alter_table("payment_profiles", schema=None) as batch_op:
        batch_op.alter_column("exp_year", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("exp_month", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("account_type")
        batch_op.drop_column("bank_name")
        batch_op.drop_column("kind")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("kind")
