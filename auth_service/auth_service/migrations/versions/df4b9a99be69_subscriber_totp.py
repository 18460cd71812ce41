"""subscriber two-step sign-in: TOTP secrets, recovery codes, login challenges

Revision ID: df4b9a99be69
Revises: 8bbf3f73d0dd
Create Date: 2026-12-02 06:50:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "df4b9a99be69"
down_revision = "8bbf3f73d0dd"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "subscriber_totp",
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_step", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("account"),
    )
    op.create_table(
        "subscriber_recovery_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    with op.batch_alter_table("subscriber_recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscriber_recovery_codes_account"), ["account"], unique=False)
    op.create_table(
        "login_challenges",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("login_challenges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_challenges_account"), ["account"], unique=False)


def downgrade():
    with op.batch_alter_table("login_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_challenges_account"))
    op.drop_table("login_challenges")
    with op.batch_alter_table("subscriber_recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscriber_recovery_codes_account"))
    op.drop_table("subscriber_recovery_codes")
    op.drop_table("subscriber_totp")
