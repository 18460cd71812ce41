"""payments: the part refunded so far (partial refunds)

Revision ID: 30bafe1d8183
Revises: e71500fe6a51
Create Date: 2026-12-02 07:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '30bafe1d8183'
down_revision = 'e71500fe6a51'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('refunded_amount', sa.Numeric(precision=12, scale=2), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('refunded_amount')
