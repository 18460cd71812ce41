"""card testing audit

Revision ID: e71500fe6a51
Revises: 8b005db0fb11
Create Date: 2026-12-02 06:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e71500fe6a51'
down_revision = '8b005db0fb11'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('card_testing_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('account', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=128), nullable=False),
    sa.Column('detail', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('card_testing_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_testing_audit_account'), ['account'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_testing_audit_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_testing_audit_subject'), ['subject'], unique=False)


def downgrade():
    with op.batch_alter_table('card_testing_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_testing_audit_subject'))
        batch_op.drop_index(batch_op.f('ix_card_testing_audit_at'))
        batch_op.drop_index(batch_op.f('ix_card_testing_audit_account'))

    op.drop_table('card_testing_audit')
