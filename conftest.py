"""Fixtures every suite shares: a real Redis (the machine's when REDIS_URL is set, else a private one), and for a
service suite that defines its `app`, its test client, CLI runner and ops headers."""

import os

import pytest

from devtools.redis_server import PrivateRedis
from tests.support.service_apps import OPS_KEY


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


@pytest.fixture
def ops():
    return {"X-Ops-Key": OPS_KEY, "X-Ops-Actor": "tester"}


@pytest.fixture(scope="session")
def sandbox_url(tmp_path_factory):
    """The sandbox card processor, a processor of its own, answering HTTP on a free port of 127.0.0.1."""
    from tests.support.sandbox import sandbox_processor

    with sandbox_processor(tmp_path_factory.mktemp("sandbox_processor")) as url:
        yield url
