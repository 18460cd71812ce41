"""autopay enrolments, consents, attempts and notices

Revision ID: 3f9c1d7ab2e4
Revises: 0338c325b138
Create Date: 2026-12-02 06:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3f9c1d7ab2e4"
down_revision = "0338c325b138"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "autopay_enrolments",
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("method_type", sa.String(length=12), nullable=False),
        sa.Column("profile_id", sa.String(length=32), nullable=True),
        sa.Column("terms_version", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account"),
    )
    with op.batch_alter_table("autopay_enrolments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_autopay_enrolments_status"), ["status"], unique=False)

    op.create_table(
        "autopay_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("method_type", sa.String(length=12), nullable=False),
        sa.Column("profile_id", sa.String(length=32), nullable=True),
        sa.Column("brand", sa.String(length=30), nullable=True),
        sa.Column("last4", sa.String(length=4), nullable=True),
        sa.Column("terms_version", sa.String(length=20), nullable=True),
        sa.Column("client_address", sa.String(length=45), nullable=True),
        sa.Column("staff_actor", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("autopay_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_autopay_consents_account"), ["account"], unique=False)

    op.create_table(
        "autopay_attempts",
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("invoice", sa.String(length=20), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.String(length=32), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account", "invoice", "due_date", "attempt"),
        sa.UniqueConstraint("payment_id"),
    )
    with op.batch_alter_table("autopay_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_autopay_attempts_created_at"), ["created_at"], unique=False)

    op.create_table(
        "autopay_notices",
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("invoice", sa.String(length=20), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account", "invoice", "due_date"),
    )


def downgrade():
    op.drop_table("autopay_notices")
    with op.batch_alter_table("autopay_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_autopay_attempts_created_at"))
    op.drop_table("autopay_attempts")
    with op.batch_alter_table("autopay_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_autopay_consents_account"))
    op.drop_table("autopay_consents")
    with op.batch_alter_table("autopay_enrolments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_autopay_enrolments_status"))
    op.drop_table("autopay_enrolments")
