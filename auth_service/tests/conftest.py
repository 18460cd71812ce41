import pytest

from auth_service import create_app
from auth_service.config import Config
from devtools.testing import OPS_KEY, database_url, migrated_app, unique_prefix



@pytest.fixture(scope="session")
def app(redis_url, tmp_path_factory):
    class TestConfig(Config):
        TESTING = True
        SQLALCHEMY_DATABASE_URI = database_url("auth_service", tmp_path_factory.mktemp("auth"))
        REDIS_URL = redis_url
        REDIS_KEY_PREFIX = unique_prefix()
        OPS_API_KEY = OPS_KEY
        ARGON2_TIME_COST, ARGON2_MEMORY_COST, ARGON2_PARALLELISM = 1, 1024, 1

    with migrated_app(create_app, TestConfig) as app:
        yield app


