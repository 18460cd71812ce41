"""Stripe's objects read in payment_service's terms, with no I/O."""

from decimal import Decimal

import pytest
import stripe

from payment_service.processor.stripe_objects import cents, described, status_of


def intent(status, amount=2500, refunded=None):
    charge = None if refunded is None else {"id": "ch_1", "object": "charge", "amount_refunded": refunded}
    data = {"id": "pi_1", "object": "payment_intent", "status": status, "amount": amount, "latest_charge": charge}
    return stripe.PaymentIntent.construct_from(data, "sk_test_unit")


def test_amounts_go_to_stripe_in_whole_cents():
    assert cents(Decimal("215.95")) == 21595 and cents(Decimal("0.01")) == 1
    with pytest.raises(ValueError, match="more than two decimals"):
        cents(Decimal("1.005"))


@pytest.mark.parametrize(
    "status, refunded, expected",
    [
        ("succeeded", 0, ("charged", None)),
        ("succeeded", 1000, ("partially_refunded", Decimal("10"))),
        ("succeeded", 2500, ("refunded", Decimal("25"))),
        ("requires_capture", None, ("authorized", None)),
        ("canceled", None, ("voided", None)),
        ("processing", None, ("pending", None)),
    ],
)
def test_a_payment_intent_reads_as_a_charge_status(status, refunded, expected):
    found = status_of(intent(status, refunded=refunded))
    assert (found.status, found.refunded) == expected and found.amount == Decimal("25")


def test_a_stripe_us_bank_account_is_described_by_bank_type_and_last4_without_expiry():
    # The shape Stripe documents for a us_bank_account PaymentMethod (localstripe has none to run against).
    bank = {"bank_name": "STRIPE TEST BANK", "account_type": "savings", "last4": "6789", "fingerprint": "fp1"}
    method = stripe.PaymentMethod.construct_from(
        {"id": "pm_1", "object": "payment_method", "type": "us_bank_account", "us_bank_account": bank}, "sk_test_unit"
    )
    description = described(method)
    assert (description.kind, description.last4, description.exp_month) == ("us_bank_account", "6789", None)
    assert description.brand == "STRIPE TEST BANK savings"


def test_a_bank_name_too_long_to_keep_leaves_the_account_type_alone():
    bank = {
        "bank_name": "THE FIRST NATIONAL BANK AND TRUST COMPANY OF THE TREASURE COAST",
        "account_type": "checking",
        "last4": "6789",
        "fingerprint": "fp1",
    }
    method = stripe.PaymentMethod.construct_from(
        {"id": "pm_1", "object": "payment_method", "type": "us_bank_account", "us_bank_account": bank}, "sk_test_unit"
    )
    assert described(method).brand == "Checking account"


def test_a_stripe_card_is_described_by_brand_last4_and_expiry():
    card = {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2031}
    method = stripe.PaymentMethod.construct_from(
        {"id": "pm_2", "object": "payment_method", "type": "card", "card": card}, "sk_test_unit"
    )
    assert described(method).brand == "Visa" and described(method).kind == "card"
