import pytest

from gateway import create_app
from gateway.config import Config
from tests.support.service_apps import offline_gateway_config


@pytest.fixture(scope="session")
def app(redis_url, tmp_path_factory):
    return create_app(offline_gateway_config(Config, redis_url, tmp_path_factory.mktemp("gateway")))


