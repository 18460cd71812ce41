"""Stripe's objects read in payment_service's terms, with no I/O."""

from decimal import Decimal

import pytest
import stripe

from payment_service.processor.stripe_objects import cents, status_of


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
