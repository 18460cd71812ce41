import logging

import pytest
from invoice_service_process import InvoiceServiceProcess
from payment_helpers import use_sandbox

from devtools.testing import TestTokens, unique_account
from payment_service import create_app
from payment_service.config import Config, engine_options
from tests.support.sandbox import SECRET_KEY as SANDBOX_SECRET_KEY
from tests.support.service_apps import PAYMENT_SERVICE_KEY as SERVICE_KEY
from tests.support.service_apps import database_url, migrated_app, unique_prefix


@pytest.fixture(scope="session")
def invoice_service(tmp_path_factory, redis_url):
    """The real invoice_service as a process: payment_service's suite talks to it over HTTP, as in production."""
    process = InvoiceServiceProcess(tmp_path_factory.mktemp("invoice_service"), redis_url)
    try:
        yield process.start()
    finally:
        process.stop()


@pytest.fixture(scope="session")
def tokens():
    return TestTokens()


@pytest.fixture(scope="session")
def app(redis_url, tmp_path_factory, invoice_service, tokens, sandbox_url):
    class TestConfig(Config):
        TESTING = True
        SQLALCHEMY_DATABASE_URI = database_url("payment_service", tmp_path_factory.mktemp("payment"))
        REDIS_URL = redis_url
        REDIS_KEY_PREFIX = unique_prefix()
        PAYMENT_SERVICE_KEY = SERVICE_KEY
        INVOICE_SERVICE_URL = invoice_service.url
        HTTP_TIMEOUT_SECONDS = 2.0
        RECONCILE_AFTER_SECONDS = 0
        IDEMPOTENCY_WAIT_SECONDS = 20
        # This app's tests decline the same documented numbers from one address all session long; the limits
        # themselves are tested on apps of their own (test_card_testing.py).
        CARD_DECLINES_PER_ADDRESS = CARD_DECLINES_PER_CARD = 1000
        SANDBOX_PROCESSOR_URL = sandbox_url
        SANDBOX_PROCESSOR_KEY = SANDBOX_SECRET_KEY

    TestConfig.SQLALCHEMY_ENGINE_OPTIONS = engine_options(TestConfig.SQLALCHEMY_DATABASE_URI)
    with migrated_app(create_app, TestConfig) as app:
        tokens.install(app)
        logging.getLogger().setLevel(logging.DEBUG)
        yield app


@pytest.fixture(scope="session", autouse=True)
def sandbox_for_helpers(sandbox_url):
    use_sandbox(sandbox_url)


@pytest.fixture
def account():
    return unique_account()


@pytest.fixture
def auth(tokens, account):
    return tokens.headers(account, name="Jones, Michael")


@pytest.fixture
def new_invoice(invoice_service, account):
    """new_invoice("108.00") -> a fresh invoice number of this test's account with that open balance."""

    def make(balance, owner=None, due_date=None):
        number = unique_account()
        invoice_service.add_invoice(owner or account, number, balance, due_date=due_date)
        return number

    return make


@pytest.fixture(scope="session")
def localstripe():
    from localstripe_server import LocalStripe

    server = LocalStripe().start()
    try:
        yield server
    finally:
        server.stop()


def stripe_settings(api_base):
    from localstripe_server import API_KEY, WEBHOOK_SECRET

    from payment_service.config import STRIPE

    return {
        "PAYMENT_PROCESSOR": STRIPE,
        "STRIPE_API_KEY": API_KEY,
        "STRIPE_API_BASE": api_base,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PROCESSOR_TIMEOUT_SECONDS": 3.0,
    }


@pytest.fixture(scope="session")
def stripe_app(redis_url, tmp_path_factory, invoice_service, tokens, localstripe):
    """payment_service with the Stripe processor against localstripe, served over HTTP for its webhooks."""
    from localstripe_server import ServedApp

    class StripeConfig(Config):
        TESTING = True
        SQLALCHEMY_DATABASE_URI = database_url("payment_service", tmp_path_factory.mktemp("payment_stripe"))
        REDIS_URL = redis_url
        REDIS_KEY_PREFIX = unique_prefix()
        PAYMENT_SERVICE_KEY = SERVICE_KEY
        INVOICE_SERVICE_URL = invoice_service.url
        HTTP_TIMEOUT_SECONDS = 2.0
        RECONCILE_AFTER_SECONDS = 0

    for name, value in stripe_settings(localstripe.url).items():
        setattr(StripeConfig, name, value)
    StripeConfig.SQLALCHEMY_ENGINE_OPTIONS = engine_options(StripeConfig.SQLALCHEMY_DATABASE_URI)
    with migrated_app(create_app, StripeConfig) as app, ServedApp(app) as served:
        tokens.install(app)
        localstripe.send_webhooks_to(f"{served.url}/webhooks/stripe")
        yield app


@pytest.fixture
def stripe_client(stripe_app):
    return stripe_app.test_client()
