import pytest

from devtools.testing import OPS_KEY, TestTokens, database_url, migrated_app, unique_account, unique_prefix
from invoice_service import create_app
from invoice_service.config import Config

SERVICE_KEY = "service-key-for-tests"


@pytest.fixture(scope="session")
def tokens():
    return TestTokens()


@pytest.fixture(scope="session")
def app(redis_url, tmp_path_factory, tokens):
    class TestConfig(Config):
        TESTING = True
        SQLALCHEMY_DATABASE_URI = database_url("invoice_service", tmp_path_factory.mktemp("invoice"))
        REDIS_URL = redis_url
        REDIS_KEY_PREFIX = unique_prefix()
        OPS_API_KEY = OPS_KEY
        SERVICE_API_KEY = SERVICE_KEY

    with migrated_app(create_app, TestConfig) as app:
        tokens.install(app)
        yield app


@pytest.fixture
def internal():
    return {"X-Service-Key": SERVICE_KEY}


@pytest.fixture
def account(client, ops):
    """A fresh billing account with no invoices; returns its number."""
    number = unique_account()
    response = client.post("/ops/accounts", json={"system_number": number, "name": "Test, Subscriber",
                                                  "email": "subscriber@example.com", "city": "Syracuse"},
                           headers=ops)
    assert response.status_code == 201, response.json
    return number


@pytest.fixture
def add_invoice(client, ops):
    """add_invoice(account, amount, date="2024-01-15", due_date=None) -> the new invoice's number."""

    def add(account, amount, date="2024-01-15", due_date=None, charges=None):
        number = "T" + unique_account()
        body = {"number": number, "account": account, "date": date, "due_date": due_date or date,
                "amount": amount, "charges": charges or []}
        response = client.post("/ops/invoices", json=body, headers=ops)
        assert response.status_code == 201, response.json
        return number

    return add


@pytest.fixture
def as_subscriber(tokens):
    return tokens.headers
