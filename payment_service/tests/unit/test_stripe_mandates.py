"""The Stripe adapter's bank accounts (ACH Direct Debit) on a stand-in of the SDK's client (tests/support/
stripe_fake.py): localstripe has no us_bank_account PaymentMethods, no SetupIntent mandate_data and takes no
confirm parameters, so what Stripe is sent is read from the stand-in's request log. No I/O."""

import flask
import pytest

from payment_service.processor import PaymentSource, ProcessorError
from payment_service.processor.stripe_processor import MANDATE_KEY, StripeProcessor
from tests.support.stripe_fake import FakeStripe

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"
SUBSCRIBER = {"X-Forwarded-For": "203.0.113.9", "User-Agent": BROWSER}


@pytest.fixture
def stripe_fake():
    return FakeStripe()


@pytest.fixture
def processor(stripe_fake):
    adapter = StripeProcessor(api_key="sk_test_unit")
    adapter.client = stripe_fake
    return adapter


@pytest.fixture
def subscriber_request():
    """The subscriber's request through the gateway, which forwards the browser's address and User-Agent."""
    with flask.Flask(__name__).test_request_context("/payment-profiles", method="POST", headers=SUBSCRIBER):
        yield


def test_a_bank_account_is_saved_by_a_setup_intent_carrying_the_subscribers_online_acceptance(
    processor, stripe_fake, subscriber_request
):
    method_id = stripe_fake.bank_account("000123456789", bank_name="STRIPE TEST BANK", account_type="savings")
    saved = processor.save_card("99939999", method_id)
    [(_, _, setup, _)] = stripe_fake.requests_of("setup_intents.create")
    assert setup["payment_method_types"] == ["us_bank_account"] and setup["usage"] == "off_session"
    assert setup["confirm"] is True and setup["customer"] == saved.token.partition(":")[0]
    assert setup["mandate_data"] == {
        "customer_acceptance": {"type": "online", "online": {"ip_address": "203.0.113.9", "user_agent": BROWSER}}
    }
    assert (saved.kind, saved.bank_name, saved.account_type, saved.last4) == (
        "us_bank_account",
        "STRIPE TEST BANK",
        "savings",
        "6789",
    )
    assert (saved.exp_month, saved.exp_year) == (None, None) and saved.token == f"{setup['customer']}:{method_id}"
    assert "123456789" not in repr(saved)
    mandate = stripe_fake.setups[next(iter(stripe_fake.setups))]["mandate"]
    assert stripe_fake.payment_method(method_id).metadata[MANDATE_KEY] == mandate


def test_a_bank_account_joins_the_accounts_existing_customer(processor, stripe_fake, subscriber_request):
    saved = processor.save_card("99939999", stripe_fake.bank_account(), customer_id="cus_existing")
    assert saved.token.startswith("cus_existing:") and not stripe_fake.requests_of("customers.create")


def test_a_bank_account_is_not_saved_without_someone_accepting_the_mandate(processor, stripe_fake):
    with pytest.raises(ProcessorError, match="debit authorization"):
        processor.save_card("99939999", stripe_fake.bank_account())  # no request: nobody accepted it
    assert not stripe_fake.requests_of("setup_intents.create")


def test_a_bank_account_still_to_be_verified_by_microdeposits_is_not_saved(processor, stripe_fake, subscriber_request):
    method_id = stripe_fake.bank_account(verified=False)
    with pytest.raises(ProcessorError, match="not verified"):
        processor.save_card("99939999", method_id)
    [setup] = stripe_fake.setups.values()
    assert setup["status"] == "canceled"  # it can never be confirmed later behind our back
    assert MANDATE_KEY not in stripe_fake.payment_method(method_id).metadata.to_dict()


def test_a_bank_account_is_described_by_bank_type_and_last4(processor, stripe_fake):
    method_id = stripe_fake.bank_account("000111111116", bank_name="BANK", account_type="checking")
    description = processor.describe(method_id)
    assert (description.kind, description.brand, description.last4) == ("us_bank_account", "BANK checking", "1116")
    assert description.exp_month is None and description.fingerprint == "fp000111111116"


def test_a_card_the_caller_knows_is_charged_without_reading_its_payment_method_again(processor, stripe_fake):
    card = processor._payment_method(PaymentSource(token="cus_1:pm_card_visa", kind="card"))
    assert (card.id, card.type) == ("pm_card_visa", "card")
    assert stripe_fake.requests == []  # Stripe's read limit is not spent once per payment
    bank = processor._payment_method(PaymentSource(token=stripe_fake.bank_account()))  # kind unknown: read it
    assert bank.type == "us_bank_account" and stripe_fake.requests_of("payment_methods.retrieve")
