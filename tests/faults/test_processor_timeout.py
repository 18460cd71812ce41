"""The card processor does not answer: the payment is pending, then the reconciler settles it by its reference,
never by charging again."""

from decimal import Decimal

from tests.support.cards import VISA_TIMES_OUT_CHARGED, VISA_TIMES_OUT_NOT_CHARGED
from tests.support.waiting import wait_for


def _settled(subscriber, payment_id):
    status = subscriber.payment(payment_id)["status"]
    return status if status not in ("pending", "processing") else None


def test_timeout_after_charging_is_pending_then_succeeds_with_one_charge(faults):
    subscriber = faults.new_subscriber("60.00", "30.00")
    first, second = subscriber.invoices
    pending = subscriber.pay([(first, "60.00"), (second, "10.00")], number=VISA_TIMES_OUT_CHARGED)
    assert pending.status == 201, pending.data
    assert pending.json_body["status"] == "pending"
    payment_id = pending.json_body["id"]

    assert wait_for(lambda: _settled(subscriber, payment_id), what="the reconciler") == "succeeded"
    charges = faults.sandbox_charges(faults.payments_of(subscriber.account))
    assert [(charge["reference"], charge["status"], Decimal(charge["amount"])) for charge in charges] == [
        (payment_id, "charged", Decimal("70.00"))
    ]
    assert subscriber.balance(first) == "0.00"
    assert subscriber.balance(second) == "20.00"
    wait_for(lambda: faults.receipts(subscriber.email, payment_id), what="the receipt")
    assert len(faults.receipts(subscriber.email, payment_id)) == 1


def test_timeout_without_charge_is_pending_then_failed_and_the_balance_is_free_again(faults):
    subscriber = faults.new_subscriber("45.00")
    invoice = subscriber.invoices[0]
    pending = subscriber.pay([(invoice, "45.00")], number=VISA_TIMES_OUT_NOT_CHARGED)
    assert pending.status == 201, pending.data
    assert pending.json_body["status"] == "pending"
    payment_id = pending.json_body["id"]

    assert wait_for(lambda: _settled(subscriber, payment_id), what="the reconciler") == "failed"
    assert subscriber.payment(payment_id)["failure_code"] == "not_charged"
    assert faults.sandbox_charges(faults.payments_of(subscriber.account)) == []
    assert subscriber.balance(invoice) == "45.00"
    paid = subscriber.pay([(invoice, "45.00")])
    assert paid.status == 201, paid.data
    assert subscriber.balance(invoice) == "0.00"
