"""billpay_common.migrations: `flask db ...` works on every service as Flask-Migrate's own group does, while a
process that only serves (gunicorn's workers, the payment and notification workers) never imports Alembic."""

import subprocess
import sys

import pytest
from sqlalchemy import inspect

from tests.support.service_apps import unmigrated_app

SERVICES = ["auth_service", "invoice_service", "payment_service", "notification_service"]


@pytest.mark.parametrize("service", SERVICES)
def test_a_served_app_leaves_alembic_unimported(service, tmp_path):
    program = (
        f"import sys; from {service} import create_app; create_app()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'flask_migrate', 'mako')))"
    )
    environ = {"BILLPAY_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    found = subprocess.run([sys.executable, "-c", program], env=environ, capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr[-2000:]
    assert found.stdout.strip() == "[]"


def test_flask_db_upgrade_runs_through_the_stand_in_group(tmp_path, redis_url):
    from invoice_service import create_app
    from invoice_service.config import Config

    app = unmigrated_app(create_app, Config, tmp_path / "invoices.db", redis_url)
    runner = app.test_cli_runner()
    try:
        assert "upgrade" in runner.invoke(args=["db", "--help"]).output
        upgraded = runner.invoke(args=["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        with app.app_context():
            tables = set(inspect(app.extensions["sqlalchemy"].engine).get_table_names())
        assert {"alembic_version", "invoices", "billing_accounts"} <= tables
    finally:
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
