"""paperless billing: the account's choice and one delivery per new invoice

Revision ID: b71e4c09d2a5
Revises: fd030aaf2c78
Create Date: 2026-12-02 07:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b71e4c09d2a5'
down_revision = 'fd030aaf2c78'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('billing_accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paperless', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('paperless_set_by', sa.String(length=80), nullable=True))

    op.create_table('paperless_deliveries',
    sa.Column('invoice', sa.String(length=20), nullable=False),
    sa.Column('account', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['invoice'], ['invoices.number'], ),
    sa.PrimaryKeyConstraint('invoice')
    )
    with op.batch_alter_table('paperless_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paperless_deliveries_queued_at'), ['queued_at'], unique=False)


def downgrade():
    with op.batch_alter_table('paperless_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paperless_deliveries_queued_at'))
    op.drop_table('paperless_deliveries')
    with op.batch_alter_table('billing_accounts', schema=None) as batch_op:
        batch_op.drop_column('paperless_set_by')
        batch_op.drop_column('paperless')
