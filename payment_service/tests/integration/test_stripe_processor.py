"""The Stripe adapter against localstripe: charges, declines, saved cards, refunds, a lost answer, look-ups."""

from decimal import Decimal

import pytest

from payment_service.models import PaymentProfile, new_id
from payment_service.processor import CardRefused, PaymentSource, current_processor

VISA, DECLINES_ON_CHARGE, DECLINES_ON_ATTACH = "4242424242424242", "4000000000000341", "4000000000000002"


def sale(app, amount, source):
    reference = new_id()
    with app.app_context():
        return reference, current_processor().sale(reference, Decimal(amount), source)


def test_a_payment_method_is_charged_once_and_found_by_reference(stripe_app, localstripe):
    reference, result = sale(stripe_app, "42.50", PaymentSource(token=localstripe.payment_method(VISA)))
    assert result.approved and result.reference == reference
    with stripe_app.app_context():
        processor = current_processor()
        found = processor.lookup(reference)
        intent = localstripe.client().v1.payment_intents.retrieve(processor.intent_id(reference))
    assert (found.status, found.amount) == ("charged", Decimal("42.50"))
    assert intent.amount == 4250 and intent.metadata["billpay_payment_id"] == reference


def test_a_card_declined_on_charge_is_a_decline_and_nothing_charged(stripe_app, localstripe):
    reference, result = sale(stripe_app, "10.00", PaymentSource(token=localstripe.payment_method(DECLINES_ON_CHARGE)))
    assert not result.approved and result.code == "card_declined" and "declined" in result.message
    with stripe_app.app_context():
        assert current_processor().lookup(reference).status == "declined"


def test_an_unknown_reference_is_not_found(stripe_app):
    with stripe_app.app_context():
        assert current_processor().lookup(new_id()).status == "not_found"


def test_a_payment_method_is_described_by_its_card_only(stripe_app, localstripe):
    with stripe_app.app_context():
        card = current_processor().describe(localstripe.payment_method(VISA, exp_month=7))
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == ("Visa", "4242", 7, 2031)


def test_a_saved_card_keeps_only_stripe_ids_and_what_a_person_recognises(stripe_app, localstripe):
    with stripe_app.app_context():
        saved = current_processor().save_card("99939999", localstripe.payment_method(VISA, exp_month=7))
    customer, _, method = saved.token.partition(":")
    assert customer.startswith("cus_") and method.startswith("pm_")
    assert (saved.brand, saved.last4, saved.exp_month, saved.exp_year) == ("Visa", "4242", 7, 2031)
    reference, result = sale(stripe_app, "5.00", PaymentSource(token=saved.token))
    assert result.approved
    with stripe_app.app_context():
        intent_id = current_processor().intent_id(reference)
    assert localstripe.client().v1.payment_intents.retrieve(intent_id).customer == customer


def test_a_card_the_bank_refuses_to_save_is_not_saved(stripe_app, localstripe):
    with stripe_app.app_context(), pytest.raises(CardRefused):
        current_processor().save_card("99939999", localstripe.payment_method(DECLINES_ON_ATTACH))


def test_partial_then_full_refunds_and_asking_again_refunds_nothing_more(stripe_app, localstripe):
    reference, _ = sale(stripe_app, "30.00", PaymentSource(token=localstripe.payment_method(VISA)))
    with stripe_app.app_context():
        processor = current_processor()
        partial = processor.refund(reference, Decimal("10.00"))
        assert (partial.status, partial.refunded) == ("partially_refunded", Decimal("10.00"))
        assert processor.refund(reference, Decimal("20.00")).status == "refunded"
        assert processor.refund(reference, Decimal("30.00")).status == "refunded"
        intent_id = processor.intent_id(reference)
    refunds = localstripe.client().v1.refunds.list(params={"payment_intent": intent_id})
    assert sorted(refund.amount for refund in refunds.data) == [1000, 2000]


def test_an_authorization_is_captured_or_voided(stripe_app, localstripe):
    with stripe_app.app_context():
        processor = current_processor()
        held, voided = new_id(), new_id()
        for reference in (held, voided):
            source = PaymentSource(token=localstripe.payment_method(VISA))
            assert processor.authorize(reference, Decimal("8.00"), source).approved
            assert processor.lookup(reference).status == "authorized"
        processor.capture(held)
        assert processor.lookup(held).status == "charged"
        assert processor.void(voided).status == "voided"
        assert processor.lookup(voided).status == "voided"


def test_the_office_refund_of_a_stripe_payment_refunds_at_stripe_and_restores_the_balance(
    stripe_app, stripe_client, localstripe, new_invoice, invoice_service, auth, account, tokens
):
    from stripe_payments import pay_with_saved_card

    ops = tokens.staff_headers("supervisor-su", "supervisor")
    invoice = new_invoice("25.00")
    payment = pay_with_saved_card(stripe_app, stripe_client, auth, account, localstripe, invoice, "25.00")
    assert payment["status"] == "succeeded" and invoice_service.balance(invoice) == Decimal("0.00")
    refunded = stripe_client.post(f"/ops/payments/{payment['id']}/refund", headers=ops)
    assert refunded.status_code == 200 and refunded.json["status"] == "refunded"
    assert invoice_service.balance(invoice) == Decimal("25.00")
    with stripe_app.app_context():
        assert current_processor().lookup(payment["id"]).status == "refunded"


def test_paying_with_a_saved_stripe_card_through_the_api(
    stripe_app, stripe_client, localstripe, new_invoice, auth, account
):
    from stripe_payments import pay_with_saved_card

    invoice = new_invoice("12.34")
    payment = pay_with_saved_card(stripe_app, stripe_client, auth, account, localstripe, invoice, "12.34")
    assert payment["status"] == "succeeded" and payment["card"]["last4"] == "4242"


def test_deleting_a_saved_stripe_card_detaches_it_at_stripe(stripe_app, stripe_client, localstripe, auth, account):
    from stripe_payments import saved_profile

    profile_id = saved_profile(stripe_app, account, localstripe)
    listed = stripe_client.get("/payment-profiles", headers=auth).json["items"]
    assert [(item["id"], item["last4"]) for item in listed] == [(profile_id, "4242")]
    with stripe_app.app_context():
        from payment_service.extensions import db
        from payment_service.models import PaymentProfile

        method = db.session.get(PaymentProfile, profile_id).token.partition(":")[2]
    assert localstripe.client().v1.payment_methods.retrieve(method).customer is not None
    assert stripe_client.delete(f"/payment-profiles/{profile_id}", headers=auth).status_code == 204
    assert localstripe.client().v1.payment_methods.retrieve(method).customer is None
    assert stripe_client.get("/payment-profiles", headers=auth).json["items"] == []


def test_a_card_that_needs_its_holder_to_authenticate_is_declined_and_its_intent_cancelled(stripe_app, localstripe):
    needs_3ds = "4000002500003155"  # localstripe asks for authentication on this card
    reference, result = sale(stripe_app, "11.00", PaymentSource(token=localstripe.payment_method(needs_3ds)))
    assert not result.approved and result.code == "card_declined"
    with stripe_app.app_context():
        processor = current_processor()
        assert processor.lookup(reference).status == "voided"
        intent = localstripe.client().v1.payment_intents.retrieve(processor.intent_id(reference))
    assert intent.status == "canceled"


def test_paying_with_a_one_time_payment_method_through_the_api_and_saving_it(
    stripe_client, localstripe, new_invoice, auth
):
    from payment_helpers import key

    invoice = new_invoice("6.00")
    body = {
        "allocations": [{"invoice": invoice, "amount": "6.00"}],
        "payment_method": localstripe.payment_method(VISA, exp_month=9),
        "save_card": True,
    }
    paid = stripe_client.post("/payments", json=body, headers={**auth, "Idempotency-Key": key()})
    assert paid.status_code == 201, paid.json
    assert paid.json["status"] == "succeeded" and paid.json["card"] == {"brand": "Visa", "last4": "4242"}
    saved = stripe_client.get("/payment-profiles", headers=auth).json["items"]
    assert [(item["brand"], item["last4"], item["exp_month"]) for item in saved] == [("Visa", "4242", 9)]


def test_add_a_card_attaches_the_payment_method_to_the_accounts_customer(stripe_client, localstripe, auth, account):
    first = stripe_client.post(
        "/payment-profiles", json={"payment_method": localstripe.payment_method(VISA)}, headers=auth
    )
    second = stripe_client.post(
        "/payment-profiles", json={"payment_method": localstripe.payment_method("5555555555554444")}, headers=auth
    )
    assert first.status_code == second.status_code == 201, (first.json, second.json)
    refused = stripe_client.post(
        "/payment-profiles", json={"payment_method": localstripe.payment_method(DECLINES_ON_ATTACH)}, headers=auth
    )
    assert refused.status_code == 422 and "declined" in refused.json["error"]["message"]
    listed = stripe_client.get("/payment-profiles", headers=auth).json["items"]
    assert sorted(item["last4"] for item in listed) == ["4242", "4444"]
    with stripe_client.application.app_context():
        tokens = [profile.token for profile in PaymentProfile.query.filter_by(account=account).all()]
    assert len({token.partition(":")[0] for token in tokens}) == 1  # one Customer for the account's cards
