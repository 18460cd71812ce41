"""Fixtures every suite shares: a real Redis (the machine's when REDIS_URL is set, else a private one), and for a
service suite that defines its `app`, its test client, CLI runner and staff (ops) headers."""

import os

import pytest

from billpay_common.staff_auth import ROLES
from devtools.redis_server import PrivateRedis
from devtools.testing import TestTokens


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    server = PrivateRedis(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def tokens():
    return TestTokens()


@pytest.fixture
def staff_headers(app, tokens):
    """staff_headers(username, *roles) -> the Authorization header of a staff token; a suite whose app does not
    trust `tokens` (auth_service signs its own) overrides this fixture."""
    tokens.install(app)
    return tokens.staff_headers


@pytest.fixture
def ops(staff_headers):
    """A staff member "tester" with every role."""
    return staff_headers("tester", *ROLES)


@pytest.fixture(scope="session")
def sandbox_url(tmp_path_factory):
    """The sandbox card processor, a processor of its own, answering HTTP on a free port of 127.0.0.1."""
    from tests.support.sandbox import sandbox_processor

    with sandbox_processor(tmp_path_factory.mktemp("sandbox_processor")) as url:
        yield url
