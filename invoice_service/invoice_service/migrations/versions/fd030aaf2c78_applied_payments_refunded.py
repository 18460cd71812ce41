"""applied payments: the part refunded so far

Revision ID: fd030aaf2c78
Revises: 3c7b57c3c906
Create Date: 2026-12-02 07:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fd030aaf2c78'
down_revision = '3c7b57c3c906'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applied_payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refunded', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('applied_payments', schema=None) as batch_op:
        batch_op.drop_column('refunded')
