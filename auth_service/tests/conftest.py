import pytest

from auth_service import create_app
from auth_service.config import Config
from tests.support.service_apps import service_app


@pytest.fixture(scope="session")
def app(redis_url, tmp_path_factory):
    with service_app(
        create_app,
        Config,
        "auth_service",
        redis_url,
        tmp_path_factory.mktemp("auth"),
        ARGON2_TIME_COST=1,
        ARGON2_MEMORY_COST=1024,
        ARGON2_PARALLELISM=1,
    ) as app:
        yield app
