import pytest

from billpay_common.service_auth import digest
from devtools.testing import TestTokens, unique_account
from invoice_service import create_app
from invoice_service.config import Config
from tests.support.accounts import billing_account, invoice
from tests.support.service_apps import INVOICE_SERVICE_CALLERS, PAYMENT_SERVICE_KEY, service_app

# A second known service, to show that an endpoint naming payment_service refuses every other caller.
NOTIFICATION_SERVICE_KEY = "notification-service-key-for-tests-0123"


@pytest.fixture(scope="session")
def tokens():
    return TestTokens()


@pytest.fixture(scope="session")
def app(redis_url, tmp_path_factory, tokens):
    with service_app(
        create_app,
        Config,
        "invoice_service",
        redis_url,
        tmp_path_factory.mktemp("invoice"),
        INVOICE_SERVICE_CALLERS=f"{INVOICE_SERVICE_CALLERS},notification_service={digest(NOTIFICATION_SERVICE_KEY)}",
    ) as app:
        tokens.install(app)
        yield app


@pytest.fixture
def internal():
    """payment_service's credential: the only caller of the internal endpoints."""
    return {"X-Service-Key": PAYMENT_SERVICE_KEY}


@pytest.fixture
def other_service():
    """notification_service's credential: a service invoice_service knows, but not a caller of /internal."""
    return {"X-Service-Key": NOTIFICATION_SERVICE_KEY}


@pytest.fixture
def account(client, ops):
    """A fresh billing account with no invoices; returns its number."""
    number = unique_account()
    body = billing_account(number, name="Test, Subscriber", email="subscriber@example.com")
    response = client.post("/ops/accounts", json=body, headers=ops)
    assert response.status_code == 201, response.json
    return number


@pytest.fixture
def add_invoice(client, ops):
    """add_invoice(account, amount, date="2024-01-15", due_date=None) -> the new invoice's number."""

    def add(account, amount, date="2024-01-15", due_date=None, charges=None):
        body = invoice(account, amount, "T" + unique_account(), date, due_date, charges or [])
        response = client.post("/ops/invoices", json=body, headers=ops)
        assert response.status_code == 201, response.json
        return body["number"]

    return add


@pytest.fixture
def as_subscriber(tokens):
    return tokens.headers
