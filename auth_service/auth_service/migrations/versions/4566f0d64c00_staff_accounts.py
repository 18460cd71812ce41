"""staff accounts and their audit

Revision ID: 4566f0d64c00
Revises: df4b9a99be69
Create Date: 2026-12-02 06:50:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "4566f0d64c00"
down_revision = "df4b9a99be69"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_members",
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=False),
        sa.Column("roles", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_totp_step", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "staff_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.String(length=255), nullable=False),
        sa.Column("client_addr", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_audit_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_audit_username"), ["username"], unique=False)


def downgrade():
    with op.batch_alter_table("staff_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_audit_username"))
        batch_op.drop_index(batch_op.f("ix_staff_audit_at"))
    op.drop_table("staff_audit")
    op.drop_table("staff_members")
