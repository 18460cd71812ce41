"""The real stack for cross-service tests: every service under gunicorn on free ports, databases of its own."""

import os
import uuid

from devtools.ports import free_port
from devtools.stack import CONSOLE, SANDBOX, WEB_SERVICES, Stack

from .databases import fresh_postgres_databases


def make_stack(tmp_path_factory, name, **kwargs):
    """A prepared-to-start Stack under a fresh folder; `stack.created_databases` goes to drop_databases at the end."""
    environ = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    databases, created = fresh_postgres_databases("e2e")
    environ.update(databases)
    environ.update(
        REDIS_KEY_PREFIX=f"e2e-{uuid.uuid4().hex[:8]}:",
        ARGON2_TIME_COST="1",
        ARGON2_MEMORY_COST="1024",
        ARGON2_PARALLELISM="1",
        LOG_LEVEL="INFO",
        # The suites send hundreds of receipts to a few shared addresses; the limits' own tests set them low.
        EMAIL_DAILY_LIMIT_PER_ACCOUNT="100000",
        EMAIL_DAILY_LIMIT_PER_RECIPIENT="100000",
        # Every staff member of the suites signs in from 127.0.0.1; the per-address limit has tests of its own.
        STAFF_SIGN_IN_ADDRESS_LIMIT="100000",
    )
    environ.update(kwargs.pop("extra_env", {}))
    var_dir = tmp_path_factory.mktemp(name)
    stack = Stack(
        var_dir,
        ports={service: free_port() for service in (*WEB_SERVICES, SANDBOX, CONSOLE)},
        environ=environ,
        log_dir=var_dir / "logs",
        web_concurrency=1,
        mail_port=free_port(),
        **kwargs,
    )
    stack.created_databases = created
    return stack
