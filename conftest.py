"""Fixtures every suite shares: a real Redis (the machine's when REDIS_URL is set, else a private one)."""
import os

import pytest

from devtools.redis_server import PrivateRedis


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    server = PrivateRedis(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()
