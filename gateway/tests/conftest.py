import pytest

from devtools.testing import unique_prefix
from gateway import create_app
from gateway.config import Config


@pytest.fixture(scope="session")
def app(redis_url, tmp_path_factory):
    class TestConfig(Config):
        TESTING = True
        REDIS_URL = redis_url
        REDIS_KEY_PREFIX = unique_prefix()
        BILLPAY_VAR_DIR = tmp_path_factory.mktemp("gateway")
        AUTH_SERVICE_URL = INVOICE_SERVICE_URL = PAYMENT_SERVICE_URL = "http://127.0.0.1:9"  # nothing listens

    return create_app(TestConfig)


