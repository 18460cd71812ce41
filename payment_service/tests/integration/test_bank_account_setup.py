"""Connecting a bank account through a SetupIntent (Stripe.js collectBankAccountForSetup + confirmUsBankAccountSetup):
POST /payment-profiles/bank-account-setup answers a client_secret, the browser collects and confirms the account at
the processor, and POST /payment-profiles {"setup_intent"} saves it once it is this account's, succeeded and a bank
account's, with its mandate and the NACHA authorization accepted. On the real sandbox processor (over HTTP) and on
the Stripe adapter with tests/support/stripe_fake.py as its SDK client (localstripe has no us_bank_account)."""

import copy
from decimal import Decimal

import pytest
from localstripe_server import API_KEY
from payment_helpers import key
from test_ach_payments import MONDAY, payment, settle
from test_stripe_webhooks import event_about, post_event

from devtools.testing import unique_account
from payment_service import ach_terms
from payment_service.extensions import db
from payment_service.models import AchAuthorization, PaymentProfile
from payment_service.processor import PaymentSource, current_processor
from payment_service.processor.stripe_processor import MANDATE_KEY, StripeProcessor
from payment_service.webhooks import SETUP_SUCCEEDED
from tests.support.sandbox import call, collect_bank_account, move_clock
from tests.support.stripe_fake import FakeStripe

BROWSER = {"X-Forwarded-For": "198.51.100.23", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"}


def start(client, auth):
    started = client.post("/payment-profiles/bank-account-setup", headers=auth)
    assert started.status_code == 201, started.json
    return started.json


def save(client, auth, setup_intent, **extra):
    body = {"setup_intent": setup_intent, "ach_authorization": ach_terms.CURRENT, **extra}
    return client.post("/payment-profiles", json=body, headers={**auth, **BROWSER})


def authorizations(app, account):
    with app.app_context():
        return [
            (record.method, record.text_version, record.bank_account, record.client_address, record.profile_id)
            for record in db.session.query(AchAuthorization).filter_by(account=account)
        ]


# on the sandbox processor


def test_starting_answers_a_client_secret_and_the_debit_authorization_to_accept(client, auth, sandbox_url):
    started = start(client, auth)
    assert started["id"].startswith("seti_sbx_") and started["client_secret"].startswith(started["id"] + "_secret_")
    authorization = started["debit_authorization"]
    assert (authorization["version"], authorization["method"]) == (ach_terms.CURRENT, "saved")
    assert "I authorize" in authorization["text"] and "revoke" in authorization["text"]


def test_a_confirmed_setup_is_saved_with_its_bank_account_and_authorization(app, client, auth, account, sandbox_url):
    started = start(client, auth)
    collect_bank_account(sandbox_url, started["client_secret"], "000123456789", account_type="savings")
    saved = save(client, auth, started["id"], make_default=True)
    assert saved.status_code == 201, saved.json
    profile = saved.json
    assert (profile["kind"], profile["bank_name"], profile["account_type"], profile["last4"]) == (
        "us_bank_account",
        "STRIPE TEST BANK",
        "savings",
        "6789",
    )
    assert "000123456789" not in saved.get_data(as_text=True)
    assert [item["id"] for item in client.get("/payment-profiles", headers=auth).json["items"]] == [profile["id"]]
    [(method, version, bank_account, address, profile_id)] = authorizations(app, account)
    assert (method, version, address, profile_id) == ("saved", ach_terms.CURRENT, "198.51.100.23", profile["id"])
    assert bank_account.endswith("avings account ending in 6789")  # the label's length is BRAND_LENGTH's
    again = save(client, auth, started["id"])
    assert again.status_code == 409 and again.json["error"]["code"] == "already_saved"


def test_an_account_awaiting_microdeposits_is_saved_by_the_event_of_its_verification(
    app, client, auth, account, sandbox_url
):
    from payment_service.ach_returns import apply_listed_events

    started = start(client, auth)
    setup = collect_bank_account(sandbox_url, started["client_secret"], "000444444440")
    assert setup["status"] == "requires_action"
    awaiting = save(client, auth, started["id"])
    assert awaiting.status_code == 202 and awaiting.json["status"] == "awaiting_verification", awaiting.json
    page = awaiting.json["verify_url"]
    assert page == setup["next_action"]["verify_with_microdeposits"]["hosted_verification_url"]
    assert client.get("/payment-profiles", headers=auth).json["items"] == []
    verify = {"client_secret": started["client_secret"], "amounts": [32, 45]}
    status, verified = call(sandbox_url, "POST", f"/v1/setup_intents/{started['id']}/verify_microdeposits", verify)
    assert status == 200 and verified["status"] == "succeeded", verified
    with app.app_context():
        assert apply_listed_events(current_processor()).get("saved") == 1
        assert apply_listed_events(current_processor()).get("saved") is None  # applied once
    [profile] = client.get("/payment-profiles", headers=auth).json["items"]
    assert (profile["kind"], profile["last4"]) == ("us_bank_account", "4440")
    [(method, version, _, address, profile_id)] = authorizations(app, account)
    assert (method, version, address, profile_id) == ("saved", ach_terms.CURRENT, "198.51.100.23", profile["id"])


def test_a_saved_setups_bank_account_pays_a_bank_debit(client, auth, sandbox_url, new_invoice):
    started = start(client, auth)
    collect_bank_account(sandbox_url, started["client_secret"])
    profile = save(client, auth, started["id"]).json
    invoice = new_invoice("40.00")
    body = {
        "allocations": [{"invoice": invoice, "amount": "40.00"}],
        "profile_id": profile["id"],
        "ach_authorization": ach_terms.CURRENT,
    }
    paid = client.post("/payments", json=body, headers={**auth, **BROWSER, "Idempotency-Key": key()})
    assert paid.status_code == 201 and paid.json["status"] == "pending", paid.json


def test_a_setup_not_yet_confirmed_or_never_collected_is_refused(client, auth, sandbox_url):
    never = start(client, auth)
    refused = save(client, auth, never["id"])
    assert refused.status_code == 422 and refused.json["error"]["code"] == "setup_intent_not_succeeded"
    assert "requires_payment_method" in refused.json["error"]["message"]
    unconfirmed = start(client, auth)
    collect_bank_account(sandbox_url, unconfirmed["client_secret"], confirm=False)
    refused = save(client, auth, unconfirmed["id"])
    assert refused.status_code == 422 and "setup_intent" in refused.json["error"]["fields"]
    assert client.get("/payment-profiles", headers=auth).json["items"] == []


def test_another_accounts_setup_is_refused(client, auth, tokens, sandbox_url):
    other = tokens.headers(unique_account(), name="Other, Olga")
    theirs = start(client, other)
    collect_bank_account(sandbox_url, theirs["client_secret"])
    refused = save(client, auth, theirs["id"])
    assert refused.status_code == 422 and refused.json["error"]["code"] == "setup_intent_not_yours"
    assert client.get("/payment-profiles", headers=auth).json["items"] == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "setup_intent"),
        ({"payment_method": "pm_sbx_x", "setup_intent": "seti_sbx_x"}, "payment_method"),
        ({"setup_intent": "seti sbx"}, "setup_intent"),
    ],
)
def test_exactly_one_of_payment_method_or_setup_intent(client, auth, body, field):
    refused = client.post("/payment-profiles", json=body, headers=auth)
    assert refused.status_code == 422 and field in refused.json["error"]["fields"]


def test_an_unknown_setup_or_no_authorization_accepted_is_a_422(client, auth, sandbox_url):
    unknown = save(client, auth, "seti_sbx_unknown")
    assert unknown.status_code == 422 and unknown.json["error"]["code"] == "setup_intent_not_found"
    started = start(client, auth)
    collect_bank_account(sandbox_url, started["client_secret"])
    unaccepted = client.post("/payment-profiles", json={"setup_intent": started["id"]}, headers=auth)
    assert unaccepted.status_code == 422 and unaccepted.json["error"]["code"] == "ach_authorization_required"
    stale = save(client, auth, started["id"], ach_authorization="ach-1999")
    assert stale.status_code == 422 and stale.json["error"]["code"] == "ach_authorization_required"


def test_starting_needs_the_subscribers_token(client):
    assert client.post("/payment-profiles/bank-account-setup").status_code == 401


def test_a_connected_test_account_that_is_returned_r02_is_reversed_and_removed(
    app, client, auth, sandbox_url, new_invoice, invoice_service
):
    started = start(client, auth)
    collect_bank_account(sandbox_url, started["client_secret"], "000111111113")
    profile = save(client, auth, started["id"]).json
    assert profile["last4"] == "1113"
    move_clock(sandbox_url, MONDAY)
    invoice = new_invoice("30.00")
    body = {
        "allocations": [{"invoice": invoice, "amount": "30.00"}],
        "profile_id": profile["id"],
        "ach_authorization": ach_terms.CURRENT,
    }
    paid = client.post("/payments", json=body, headers={**auth, **BROWSER, "Idempotency-Key": key()})
    assert paid.status_code == 201 and paid.json["status"] == "pending", paid.json
    settle(app)
    assert payment(app, paid.json["id"]) == ("failed", "ach_return_R02")
    assert invoice_service.balance(invoice) == Decimal("30.00")
    assert client.get("/payment-profiles", headers=auth).json["items"] == []  # R02: account closed


# on the Stripe adapter


@pytest.fixture
def stripe_fake(stripe_app):
    fake, original = FakeStripe(), stripe_app.extensions["payment_processor"]
    adapter = StripeProcessor(api_key=API_KEY)
    adapter.client = fake
    stripe_app.extensions["payment_processor"] = adapter
    try:
        yield fake
    finally:
        stripe_app.extensions["payment_processor"] = original


def test_stripe_setup_intent_is_for_the_accounts_customer_with_automatic_verification(stripe_client, stripe_fake, auth):
    started = start(stripe_client, auth)
    [(_, _, customer, _)] = stripe_fake.requests_of("customers.create")
    [(_, _, params, _)] = stripe_fake.requests_of("setup_intents.create")
    assert params["customer"] == stripe_fake.setups[started["id"]]["customer"]
    assert params["payment_method_types"] == ["us_bank_account"] and params["usage"] == "off_session"
    options = params["payment_method_options"]["us_bank_account"]
    assert options == {"verification_method": "automatic", "financial_connections": {"permissions": ["payment_method"]}}
    assert started["client_secret"] == stripe_fake.setups[started["id"]]["client_secret"]
    assert customer["metadata"]["billpay_account"] == params["metadata"]["billpay_account"]


def test_stripe_confirmed_setup_is_saved_with_its_mandate_in_the_payment_method(stripe_client, stripe_fake, auth):
    started = start(stripe_client, auth)
    setup = stripe_fake.collect_and_confirm(started["id"], "000123456789")
    saved = save(stripe_client, auth, started["id"])
    assert saved.status_code == 201, saved.json
    assert (saved.json["bank_name"], saved.json["account_type"], saved.json["last4"]) == (
        "STRIPE TEST BANK",
        "checking",
        "6789",
    )
    assert stripe_fake.methods[setup["payment_method"]]["metadata"] == {MANDATE_KEY: setup["mandate"]}
    [(_, _, retrieved, _)] = stripe_fake.requests_of("setup_intents.retrieve")
    assert set(retrieved["expand"]) == {"customer", "payment_method"}
    # the next connection reuses the account's Customer
    start(stripe_client, auth)
    assert len(stripe_fake.requests_of("customers.create")) == 1


def test_stripe_setup_awaiting_microdeposits_is_saved_once_stripe_says_it_is_verified(
    stripe_app, stripe_client, stripe_fake, auth, account
):
    started = start(stripe_client, auth)
    setup = stripe_fake.collect_and_confirm(started["id"], verified=False)
    awaiting = save(stripe_client, auth, started["id"], make_default=True)
    assert awaiting.status_code == 202, awaiting.json
    assert awaiting.json["status"] == "awaiting_verification" and awaiting.json["setup_intent"] == started["id"]
    assert awaiting.json["verify_url"] == setup["next_action"]["verify_with_microdeposits"]["hosted_verification_url"]
    assert stripe_client.get("/payment-profiles", headers=auth).json["items"] == []  # not usable until verified
    assert setup["metadata"]["billpay_ach_authorization"] == ach_terms.CURRENT

    stripe_fake.verify(started["id"])  # the subscriber verified the deposits on Stripe's page
    event = event_about({"id": started["id"], "object": "setup_intent", "status": "succeeded"}, SETUP_SUCCEEDED)
    applied = post_event(stripe_client, event)
    assert applied.status_code == 200 and applied.json["outcome"] == "saved"
    assert post_event(stripe_client, copy.deepcopy(event)).json["outcome"] == "duplicate"
    assert post_event(stripe_client, event_about(event["data"]["object"], SETUP_SUCCEEDED)).json["outcome"] == (
        "already"
    )
    [profile] = stripe_client.get("/payment-profiles", headers=auth).json["items"]
    assert (profile["kind"], profile["last4"], profile["is_default"]) == ("us_bank_account", "6789", True)
    assert stripe_fake.methods[setup["payment_method"]]["metadata"] == {MANDATE_KEY: setup["mandate"]}
    [(method, version, _, address, profile_id)] = authorizations(stripe_app, account)
    assert (method, version, address, profile_id) == (
        "saved",
        ach_terms.CURRENT,
        BROWSER["X-Forwarded-For"],
        profile["id"],
    )


def test_a_verified_setup_not_connected_through_bill_pay_is_ignored(stripe_client, stripe_fake, auth):
    started = start(stripe_client, auth)
    stripe_fake.collect_and_confirm(started["id"])  # verified at once, never sent to POST /payment-profiles
    event = event_about({"id": started["id"], "object": "setup_intent", "status": "succeeded"}, SETUP_SUCCEEDED)
    assert post_event(stripe_client, event).json["outcome"] == "ignored"
    assert stripe_client.get("/payment-profiles", headers=auth).json["items"] == []


def test_stripe_setup_of_another_customer_or_a_card_is_refused(stripe_client, stripe_fake, auth, tokens):
    other = tokens.headers(unique_account(), name="Other, Olga")
    theirs = start(stripe_client, other)
    stripe_fake.collect_and_confirm(theirs["id"])
    refused = save(stripe_client, auth, theirs["id"])
    assert refused.status_code == 422 and refused.json["error"]["code"] == "setup_intent_not_yours"

    mine = start(stripe_client, auth)
    setup = stripe_fake.collect_and_confirm(mine["id"])
    card = stripe_fake.methods[setup["payment_method"]]
    card["type"], card["card"] = "card", {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2031}
    del card["us_bank_account"]
    refused = save(stripe_client, auth, mine["id"])
    assert refused.status_code == 422 and refused.json["error"]["code"] == "not_a_bank_account"
    unknown = save(stripe_client, auth, "seti_unknown")
    assert unknown.status_code == 422 and unknown.json["error"]["code"] == "setup_intent_not_found"


def test_stripe_later_off_session_debits_carry_the_setups_mandate(stripe_app, stripe_client, stripe_fake, auth):
    started = start(stripe_client, auth)
    setup = stripe_fake.collect_and_confirm(started["id"])
    profile = save(stripe_client, auth, started["id"]).json
    with stripe_app.app_context():  # as the AutoPay run charges it, outside any request
        token = db.session.get(PaymentProfile, profile["id"]).token
        result = current_processor().sale(key(), Decimal("12.00"), PaymentSource(token=token))
    assert token == f"{setup['customer']}:{setup['payment_method']}"
    assert result.approved and result.settles_later
    [(_, _, confirm, _)] = stripe_fake.requests_of("payment_intents.confirm")
    assert confirm == {"mandate": setup["mandate"], "off_session": True}
