"""Bank-account (ACH Direct Debit) payments through the Stripe adapter, payment_service's API, its database, the
real invoice_service and Stripe's signed webhook events posted to the service's endpoint.

localstripe has no us_bank_account PaymentMethods, SetupIntent mandate_data or confirm parameters, so here the
adapter's SDK client is the stand-in of tests/support/stripe_fake.py (Stripe's object classes in the shapes Stripe
documents; a debit is `processing` until the test has the banks answer). Everything else is real."""

import copy
from decimal import Decimal

import pytest
from autopay_helpers import events
from localstripe_server import API_KEY
from payment_helpers import key
from test_stripe_webhooks import event_about, post_event, status_of

from payment_service import ach_terms
from payment_service.extensions import db
from payment_service.models import Payment, PaymentProfile
from payment_service.processor import PaymentSource, current_processor
from payment_service.processor.stripe_processor import StripeProcessor
from payment_service.reconcile import due_payment_ids
from tests.support.stripe_fake import FakeStripe
from tests.support.waiting import wait_for

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"


@pytest.fixture
def stripe_fake(stripe_app):
    """For the test, the Stripe app's adapter talks to the stand-in instead of localstripe."""
    fake, original = FakeStripe(), stripe_app.extensions["payment_processor"]
    adapter = StripeProcessor(api_key=API_KEY)
    adapter.client = fake
    stripe_app.extensions["payment_processor"] = adapter
    try:
        yield fake
    finally:
        stripe_app.extensions["payment_processor"] = original


@pytest.fixture
def browser(auth):
    """The subscriber's request as the gateway forwards it: their address and their browser's User-Agent."""
    return {**auth, "X-Forwarded-For": "198.51.100.23", "User-Agent": BROWSER}


def pay_by_bank(client, headers, invoice, amount, **source):
    body = {"allocations": [{"invoice": invoice, "amount": amount}], "ach_authorization": ach_terms.CURRENT, **source}
    return client.post("/payments", json=body, headers={**headers, "Idempotency-Key": key()})


def intent_of(stripe_app, stripe_fake, payment_id):
    with stripe_app.app_context():
        return stripe_fake.intents[current_processor().intent_id(payment_id)]


def banks_answer(stripe_app, stripe_fake, payment_id):
    """Days later: the PaymentIntent and its charge as Stripe's events carry them once the debit settled or failed."""
    return stripe_fake.finish(intent_of(stripe_app, stripe_fake, payment_id)["id"])


def save_bank_account(stripe_client, browser, stripe_fake, account_number="000123456789"):
    answer = stripe_client.post(
        "/payment-profiles", json={"payment_method": stripe_fake.bank_account(account_number)}, headers=browser
    )
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_one_time_debit_carries_the_mandate_and_is_pending_with_the_invoice_held(
    stripe_app, stripe_client, stripe_fake, browser, new_invoice, invoice_service
):
    invoice = new_invoice("108.00")
    answer = pay_by_bank(stripe_client, browser, invoice, "108.00", payment_method=stripe_fake.bank_account())
    assert answer.status_code == 201 and answer.json["status"] == "pending", answer.json
    assert answer.json["card"]["last4"] == "6789"
    assert invoice_service.held(invoice) == Decimal("108.00")
    intent = intent_of(stripe_app, stripe_fake, answer.json["id"])
    assert intent["status"] == "processing" and intent["payment_method_types"] == ["us_bank_account"]
    [(_, _, confirm, _)] = stripe_fake.requests_of("payment_intents.confirm")
    assert confirm["mandate_data"]["customer_acceptance"] == {
        "type": "online",
        "online": {"ip_address": "198.51.100.23", "user_agent": BROWSER},
    }
    with stripe_app.app_context():
        assert current_processor().lookup(answer.json["id"]).status == "pending"  # processing at Stripe
        assert answer.json["id"] not in due_payment_ids()  # days of processing: its event settles it
    again = pay_by_bank(stripe_client, browser, invoice, "108.00", payment_method=stripe_fake.bank_account())
    assert again.status_code == 409, again.json  # the held amount cannot be paid twice


def test_a_saved_bank_account_is_debited_off_session_under_its_mandate(
    stripe_app, stripe_client, stripe_fake, browser, auth, new_invoice, account
):
    profile = save_bank_account(stripe_client, browser, stripe_fake)
    assert (profile["kind"], profile["last4"], profile["account_type"]) == ("us_bank_account", "6789", "checking")
    [setup] = stripe_fake.setups.values()
    answer = pay_by_bank(stripe_client, auth, new_invoice("40.00"), "40.00", profile_id=profile["id"])
    assert answer.status_code == 201 and answer.json["status"] == "pending", answer.json
    [(_, _, confirm, _)] = stripe_fake.requests_of("payment_intents.confirm")
    assert confirm == {"mandate": setup["mandate"], "off_session": True}
    with stripe_app.app_context():  # as the AutoPay run charges it, outside any request
        token = db.session.get(PaymentProfile, profile["id"]).token
        result = current_processor().sale(key(), Decimal("12.00"), PaymentSource(token=token))
    assert result.approved and result.settles_later
    assert stripe_fake.requests_of("payment_intents.confirm")[-1][2] == confirm


def test_a_one_time_bank_account_nobody_accepted_a_debit_of_is_never_debited(stripe_app, stripe_fake):
    with stripe_app.app_context():  # no request, no saved mandate
        result = current_processor().sale(key(), Decimal("5.00"), PaymentSource(token=stripe_fake.bank_account()))
    assert (result.approved, result.code) == (False, "mandate_required")
    assert not stripe_fake.requests_of("payment_intents.create")


def test_the_succeeded_event_settles_the_debit_once(
    stripe_app, stripe_client, stripe_fake, browser, account, new_invoice, invoice_service
):
    invoice = new_invoice("75.00")
    payment_id = pay_by_bank(stripe_client, browser, invoice, "75.00", payment_method=stripe_fake.bank_account()).json[
        "id"
    ]
    intent, _ = banks_answer(stripe_app, stripe_fake, payment_id)
    event = event_about(intent, "payment_intent.succeeded")
    first = post_event(stripe_client, event)
    assert first.status_code == 200 and first.json["outcome"] == "succeeded", first.json
    assert post_event(stripe_client, copy.deepcopy(event)).json["outcome"] == "duplicate"
    assert post_event(stripe_client, {**event, "id": f"evt_{key()[:20]}"}).json["outcome"] == "already"
    assert status_of(stripe_client, browser, payment_id) == "succeeded"
    assert invoice_service.balance(invoice) == Decimal("0.00") and invoice_service.held(invoice) == Decimal("0.00")
    assert [receipt["payment_id"] for receipt in events(stripe_app, account, "payment.receipt")] == [payment_id]


@pytest.mark.parametrize(
    "account_number, code, disabled",
    [
        ("000222222227", "R01", False),
        ("000111111113", "R02", True),
        ("000111111116", "R03", True),
        ("000333333335", "R10", True),
    ],
)
def test_a_failed_debit_is_returned_once_with_its_ach_code(
    stripe_app,
    stripe_client,
    stripe_fake,
    browser,
    account,
    new_invoice,
    invoice_service,
    account_number,
    code,
    disabled,
):
    profile = save_bank_account(stripe_client, browser, stripe_fake, account_number)
    invoice = new_invoice("107.95")
    payment_id = pay_by_bank(stripe_client, browser, invoice, "107.95", profile_id=profile["id"]).json["id"]
    intent, charge = banks_answer(stripe_app, stripe_fake, payment_id)
    answer = post_event(stripe_client, event_about(intent, "payment_intent.payment_failed"))
    assert answer.status_code == 200 and answer.json["outcome"] == "returned", answer.json
    # Stripe also sends charge.failed for the same failure, and may deliver either again
    assert post_event(stripe_client, event_about(charge, "charge.failed")).json["outcome"] == "already"
    with stripe_app.app_context():
        payment = db.session.get(Payment, payment_id)
        assert (payment.status.value, payment.failure_code) == ("failed", f"ach_return_{code}")
        assert (db.session.get(PaymentProfile, profile["id"]) is None) is disabled
    assert invoice_service.balance(invoice) == Decimal("107.95") and invoice_service.held(invoice) == Decimal("0.00")
    [notice] = events(stripe_app, account, "payment.returned")
    assert (notice["payment_id"], notice["return_code"]) == (payment_id, code)
    assert notice["bank_account_disabled"] is disabled


def test_charge_failed_alone_returns_the_debit_and_a_redelivery_changes_nothing(
    stripe_app, stripe_client, stripe_fake, browser, account, new_invoice, invoice_service
):
    invoice = new_invoice("20.00")
    method = stripe_fake.bank_account("000111111113")
    payment_id = pay_by_bank(stripe_client, browser, invoice, "20.00", payment_method=method).json["id"]
    _, charge = banks_answer(stripe_app, stripe_fake, payment_id)
    event = event_about(charge, "charge.failed")
    assert post_event(stripe_client, event).json["outcome"] == "returned"
    assert post_event(stripe_client, copy.deepcopy(event)).json["outcome"] == "duplicate"
    assert invoice_service.balance(invoice) == Decimal("20.00")
    assert [notice["return_code"] for notice in events(stripe_app, account, "payment.returned")] == ["R02"]


def test_a_card_charge_failed_event_changes_nothing(stripe_app, stripe_client, localstripe, new_invoice, auth, account):
    from stripe_payments import pay_with_saved_card

    payment = pay_with_saved_card(stripe_app, stripe_client, auth, account, localstripe, new_invoice("9.00"), "9.00")
    with stripe_app.app_context():
        intent_id = current_processor().intent_id(payment["id"])
    charge = {"id": "ch_x", "object": "charge", "payment_intent": intent_id, "failure_code": "card_declined"}
    charge["payment_method_details"] = {"type": "card"}
    assert post_event(stripe_client, event_about(charge, "charge.failed")).json["outcome"] == "ignored"
    assert status_of(stripe_client, auth, payment["id"]) == "succeeded"


def test_a_disputed_debit_reopens_the_invoice_and_stops_debiting_the_account(
    stripe_app, stripe_client, stripe_fake, browser, account, new_invoice, invoice_service, tokens
):
    profile = save_bank_account(stripe_client, browser, stripe_fake)
    invoice = new_invoice("60.00")
    payment_id = pay_by_bank(stripe_client, browser, invoice, "60.00", profile_id=profile["id"]).json["id"]
    intent, charge = banks_answer(stripe_app, stripe_fake, payment_id)
    assert post_event(stripe_client, event_about(intent, "payment_intent.succeeded")).json["outcome"] == "succeeded"
    assert invoice_service.balance(invoice) == Decimal("0.00")
    dispute = {
        "id": "du_fake1",
        "object": "dispute",
        "charge": charge["id"],
        "payment_intent": intent["id"],
        "amount": 6000,
        "reason": "debit_not_authorized",
        "status": "needs_response",
    }
    event = event_about(dispute, "charge.dispute.created")
    assert post_event(stripe_client, event).json["outcome"] == "disputed"
    assert post_event(stripe_client, copy.deepcopy(event)).json["outcome"] == "duplicate"
    assert invoice_service.balance(invoice) == Decimal("60.00")
    with stripe_app.app_context():
        assert db.session.get(PaymentProfile, profile["id"]) is None
    [notice] = events(stripe_app, account, "payment.returned")
    assert (notice["payment_id"], notice["return_code"]) == (payment_id, "R10")
    office = tokens.staff_headers("viewer-vi", "viewer")
    listed = stripe_client.get("/ops/payments?status=disputed", headers=office).json
    assert payment_id in [item["id"] for item in listed["items"]]
    lost = event_about({**dispute, "status": "lost"}, "charge.dispute.closed")
    assert post_event(stripe_client, lost).json["outcome"] == "charged_back"
    assert invoice_service.balance(invoice) == Decimal("60.00")  # given back once, when the dispute opened


def test_a_bank_account_saved_while_paying_is_debited_under_the_mandate_it_just_got(
    stripe_app, stripe_client, stripe_fake, browser, new_invoice
):
    method = stripe_fake.bank_account()
    answer = pay_by_bank(stripe_client, browser, new_invoice("30.00"), "30.00", payment_method=method, save_card=True)
    assert answer.status_code == 201 and answer.json["status"] == "pending", answer.json
    [setup] = stripe_fake.setups.values()
    [(_, _, confirm, _)] = stripe_fake.requests_of("payment_intents.confirm")
    assert confirm == {"mandate": setup["mandate"], "off_session": True}
    [profile] = stripe_client.get("/payment-profiles", headers=browser).json["items"]
    assert (profile["kind"], profile["bank_name"], profile["last4"]) == ("us_bank_account", "STRIPE TEST BANK", "6789")


def test_against_localstripe_a_processing_intent_settles_later_and_is_looked_up_until_it_fails(stripe_app, localstripe):
    """The part localstripe can run: its one delayed-notification method is SEPA Debit, and a debit it fails is
    `processing` for half a second after the confirm (a us_bank_account's is for days) before it fails."""
    fails_later = {"iban": "DE62370400440532013001"}  # localstripe's failing IBAN
    method = localstripe.client().v1.payment_methods.create(params={"type": "sepa_debit", "sepa_debit": fails_later})
    reference = key()
    with stripe_app.app_context():
        processor = current_processor()
        result = processor.sale(reference, Decimal("25.00"), PaymentSource(token=method.id))
        assert result.approved and result.settles_later
        assert processor.lookup(reference).status == "pending"
        wait_for(lambda: processor.lookup(reference).status == "declined", timeout=10, what="the debit to fail")
