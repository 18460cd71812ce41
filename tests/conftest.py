"""Cross-service fixtures: the real stack, every service under gunicorn on free ports."""
import os
import uuid

import pytest
from devtools.api_client import ApiClient
from devtools.stack import Stack, WEB_SERVICES, free_port
from devtools.testing import drop_databases, fresh_postgres_databases


def make_stack(tmp_path_factory, name, **kwargs):
    environ = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    databases, created = fresh_postgres_databases("e2e")
    environ.update(databases)
    environ.update(REDIS_KEY_PREFIX=f"e2e-{uuid.uuid4().hex[:8]}:", ARGON2_TIME_COST="1",
                   ARGON2_MEMORY_COST="1024", ARGON2_PARALLELISM="1", LOG_LEVEL="INFO")
    environ.update(kwargs.pop("extra_env", {}))
    var_dir = tmp_path_factory.mktemp(name)
    stack = Stack(var_dir, ports={service: free_port() for service in WEB_SERVICES}, environ=environ,
                  log_dir=var_dir / "logs", web_concurrency=1, mail_port=free_port(), **kwargs)
    stack.created_databases = created
    return stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    services = os.environ.get("E2E_SERVICES", "").split() or None
    stack = make_stack(tmp_path_factory, "stack", services=services)
    try:
        yield stack.prepare().start()
    finally:
        stack.stop()
        drop_databases(stack.created_databases)


@pytest.fixture(scope="session")
def gateway(stack):
    return ApiClient(stack.url("gateway"))


@pytest.fixture(scope="session")
def ops_client(stack):
    def client(service):
        return ApiClient(stack.url(service), {"X-Ops-Key": stack.env["OPS_API_KEY"], "X-Ops-Actor": "e2e"})

    return client


@pytest.fixture(scope="session")
def demo_passcode(stack):
    return stack.env["DEMO_PASSCODE"]
