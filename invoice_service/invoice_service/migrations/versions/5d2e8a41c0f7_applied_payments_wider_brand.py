"""applied payments: a brand wide enough for a bank's name ("STRIPE TEST BANK checking")

Revision ID: 5d2e8a41c0f7
Revises: b71e4c09d2a5
Create Date: 2026-12-02 20:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2e8a41c0f7'
down_revision = 'b71e4c09d2a5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applied_payments', schema=None) as batch_op:
        batch_op.alter_column('brand', existing_type=sa.String(length=20), type_=sa.String(length=64),
                              existing_nullable=False)


def downgrade():
    with op.batch_alter_table('applied_payments', schema=None) as batch_op:
        batch_op.alter_column('brand', existing_type=sa.String(length=64), type_=sa.String(length=20),
                              existing_nullable=False)
