"""TOTP secrets encrypted at rest: the columns hold Fernet tokens (secret_box.py), the stored secrets encrypted

Revision ID: 7c41e2d9a0b3
Revises: 4566f0d64c00
Create Date: 2026-12-02 13:10:00

"""

from alembic import op
import sqlalchemy as sa

from auth_service import secret_box


# revision identifiers, used by Alembic.
revision = "7c41e2d9a0b3"
down_revision = "4566f0d64c00"
branch_labels = None
depends_on = None

COLUMNS = (("staff_members", "username", "totp_secret"), ("subscriber_totp", "account", "secret"))


def _rewrite(change):
    connection = op.get_bind()
    for table, key, column in COLUMNS:
        rows = connection.execute(sa.text(f"SELECT {key}, {column} FROM {table}")).all()
        for row_key, value in rows:
            connection.execute(
                sa.text(f"UPDATE {table} SET {column} = :value WHERE {key} = :key"),
                {"value": change(value), "key": row_key},
            )


def upgrade():
    for table, _, column in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.String(length=secret_box.ENCRYPTED_LENGTH), existing_nullable=False)
    _rewrite(secret_box.encrypt)


def downgrade():
    _rewrite(secret_box.decrypt)
    for table, _, column in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.String(length=64), existing_nullable=False)
