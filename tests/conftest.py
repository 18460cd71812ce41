"""Cross-service fixtures: the real stack, every service under gunicorn on free ports."""

import os

import pytest

from devtools.api_client import ApiClient
from tests.support.accounts import ops
from tests.support.databases import drop_databases
from tests.support.stacks import make_stack


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
        return ops(stack, service)

    return client


@pytest.fixture(scope="session")
def demo_passcode(stack):
    return stack.env["DEMO_PASSCODE"]
