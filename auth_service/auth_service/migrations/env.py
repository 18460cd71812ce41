"""Alembic environment: the same for every service (billpay_common.migrations_env)."""

from billpay_common.migrations_env import run

run()
