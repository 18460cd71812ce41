"""The payment flow's state machine, with fakes for invoice_service, the processor and the database."""

from decimal import Decimal

import pytest
from payment_fakes import FakeInvoices, FakeProcessor, Flow, new_payment, unreachable

from billpay_common.errors import Conflict, DomainError, NotFound
from payment_service.models import RELEASE_PENDING
from payment_service.payment_status import PaymentStatus


def test_an_approved_charge_is_applied_to_the_invoices_with_one_receipt():
    flow = Flow()
    payment = flow.run()
    assert payment.status is PaymentStatus.SUCCEEDED and payment.paid_at is not None
    assert flow.processor.charged == {payment.id: Decimal("215.95")}
    assert flow.invoices.confirmed == {payment.id: [("528130", Decimal("108.00")), ("528131", Decimal("107.95"))]}
    assert flow.uow.committed == [(PaymentStatus.SUCCEEDED, None)]
    [receipt] = flow.uow.events
    assert receipt["type"] == "payment.receipt" and receipt["to"] == "m@example.com"
    assert receipt["data"]["total"] == "215.95" and receipt["data"]["card"] == {"brand": "Visa", "last4": "4242"}
    assert flow.request.answered == (201, None)


def test_a_decline_is_402_releases_the_reservation_and_charges_nothing():
    flow = Flow(processor=FakeProcessor("card_declined"))
    refused = flow.refused()
    assert (refused.status, refused.code) == (402, "card_declined")
    assert flow.payment.status is PaymentStatus.DECLINED and flow.payment.failure_code == "card_declined"
    assert flow.invoices.held == {} and flow.invoices.confirmed == {} and flow.processor.charged == {}
    assert flow.request.answered == (402, "card_declined")  # a retry with the key is declined again, not charged
    assert flow.uow.committed == [(PaymentStatus.DECLINED, "card_declined")] and flow.uow.events == []


@pytest.mark.parametrize("reason", ["card_declined", "insufficient_funds", "incorrect_cvc"])
def test_every_decline_tells_the_subscriber_the_same_and_keeps_the_processors_reason_for_the_office(reason):
    flow = Flow(processor=FakeProcessor(reason))
    refused = flow.refused()
    assert (refused.status, refused.code) == (402, "card_declined")
    assert refused.message == "Your card was declined. Use another card or call your bank."
    assert flow.request.answered == (402, "card_declined")
    assert flow.payment.failure_code == reason


@pytest.mark.parametrize("outcome", ["timeout", "broken"])
def test_no_answer_from_the_processor_leaves_the_payment_pending_with_the_amount_held(outcome):
    flow = Flow(processor=FakeProcessor(outcome))
    payment = flow.run()
    assert payment.status is PaymentStatus.PENDING and payment.failure_code is None
    assert payment.id in flow.invoices.held and flow.invoices.confirmed == {}  # the reconciler settles it
    assert flow.request.answered == (201, None)
    assert flow.uow.committed == [(PaymentStatus.PENDING, None)] and flow.uow.events == []


def test_invoice_service_down_charges_nothing_and_frees_the_key_for_a_retry():
    flow = Flow(invoices=FakeInvoices(refuse_reserve=unreachable(), down_for_release=True))
    refused = flow.refused()
    assert (refused.status, refused.code) == (503, "try_again_shortly")
    assert flow.processor.charged == {}
    assert flow.request.forgotten and flow.request.answered is None
    # it may hold a reservation nobody could release yet: the worker releases it later
    assert flow.uow.committed == [(PaymentStatus.FAILED, RELEASE_PENDING)]


def test_a_lost_reply_to_the_reservation_is_released_at_once_and_nothing_is_charged():
    flow = Flow(invoices=FakeInvoices(lose_reserve_reply=True))
    refused = flow.refused()
    assert (refused.status, refused.code) == (503, "try_again_shortly")
    assert flow.invoices.held == {} and flow.processor.charged == {}
    assert flow.request.forgotten
    assert flow.uow.committed == [(PaymentStatus.FAILED, "try_again_shortly")]


@pytest.mark.parametrize(
    "refusal",
    [
        Conflict("Invoice 528130 has 20.00 left to pay.", code="amount_exceeds_balance"),
        Conflict("Invoice 528130 is already paid.", code="invoice_paid"),
        NotFound("Invoice 528130 was not found.", code="invoice_not_found"),
    ],
)
def test_a_reservation_invoice_service_refuses_is_answered_as_refused_and_nothing_is_charged(refusal):
    flow = Flow(invoices=FakeInvoices(refuse_reserve=refusal))
    assert flow.refused() is refusal
    assert flow.processor.charged == {} and flow.invoices.held == {}
    assert flow.payment.status is PaymentStatus.FAILED and flow.payment.failure_message == refusal.message
    assert flow.request.answered == (refusal.status, refusal.code)


def test_a_charge_the_invoices_no_longer_take_is_refunded_and_409():
    paid_meanwhile = Conflict("Invoice 528130 is already paid.", code="invoice_paid")
    flow = Flow(invoices=FakeInvoices(refuse_confirm=paid_meanwhile))
    refused = flow.refused(Conflict)
    assert refused.code == "payment_not_applied" and "refunded" in refused.message
    assert flow.processor.refunded == {flow.payment.id: Decimal("215.95")} and flow.processor.charged == {}
    assert flow.uow.committed == [(PaymentStatus.FAILED, "payment_not_applied")] and flow.uow.events == []


def test_a_refund_that_gets_no_answer_leaves_the_unapplied_charge_pending():
    flow = Flow(
        invoices=FakeInvoices(refuse_confirm=Conflict("paid", code="invoice_paid")),
        processor=FakeProcessor(refund_fails=True),
    )
    assert flow.run().status is PaymentStatus.PENDING
    assert flow.processor.charged == {flow.payment.id: Decimal("215.95")}  # the reconciler refunds it later


def test_a_lost_reply_to_the_confirmation_leaves_the_charged_payment_pending():
    flow = Flow(invoices=FakeInvoices(refuse_confirm=unreachable()))
    payment = flow.run()
    assert payment.status is PaymentStatus.PENDING and payment.processor_reference == payment.id
    assert flow.processor.charged == {payment.id: Decimal("215.95")} and payment.id in flow.invoices.held
    assert flow.request.answered == (201, None) and flow.uow.events == []


def test_a_card_entered_now_is_saved_as_a_token_when_asked():
    flow = Flow()
    flow.run(save_card=True)
    assert flow.uow.profiles == [
        {"account": "1234567890", "brand": "Visa", "last4": "4242", "token": "saved_pm_test_visa_4242"}
    ]


def test_a_card_to_save_is_attached_before_it_is_charged_and_charged_as_saved():
    flow = Flow()
    flow.run(save_card=True)
    assert flow.processor.tokens_charged == ["saved_pm_test_visa_4242"]


def test_a_card_to_save_whose_charge_gets_no_answer_is_kept_with_the_pending_payment():
    flow = Flow(processor=FakeProcessor("timeout"))
    assert flow.run(save_card=True).status is PaymentStatus.PENDING
    assert [profile["token"] for profile in flow.uow.profiles] == ["saved_pm_test_visa_4242"]


def test_a_declined_card_is_not_saved():
    flow = Flow(processor=FakeProcessor("card_declined"))
    with pytest.raises(DomainError):
        flow.run(save_card=True)
    assert flow.uow.profiles == []
    assert flow.processor.forgotten == ["saved_pm_test_visa_4242"]


def test_a_partial_refund_reopens_the_last_invoices_paid_first():
    from payment_service.refunds import refunded_by_invoice

    payment = new_payment("30.00", "20.00")
    first, second = (item.invoice for item in payment.allocations)
    assert refunded_by_invoice(payment.allocations, Decimal("15.00")) == {second: Decimal("15.00"), first: 0}
    assert refunded_by_invoice(payment.allocations, Decimal("25.00")) == {second: Decimal("20.00"), first: 5}
    assert refunded_by_invoice(payment.allocations, Decimal("50.00")) == {second: 20, first: 30}
