"""payments, saved methods and AutoPay consents: a brand wide enough for a bank's name

Revision ID: c4f19e07ab32
Revises: b7a3e5d90c21
Create Date: 2026-12-02 20:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c4f19e07ab32"
down_revision = "b7a3e5d90c21"
branch_labels = None
depends_on = None

BRANDS = (("payments", False), ("payment_profiles", False), ("autopay_consents", True))


def upgrade():
    for table, nullable in BRANDS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("brand", existing_type=sa.String(length=30), type_=sa.String(length=64),
                                  existing_nullable=nullable)


def downgrade():
    for table, nullable in BRANDS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("brand", existing_type=sa.String(length=64), type_=sa.String(length=30),
                                  existing_nullable=nullable)
