"""The reconciler finishes what the payment flow left open, by looking the reference up: it never charges again."""

from decimal import Decimal

from payment_fakes import FakeInvoices, FakeProcessor, Flow, unreachable

from payment_service.models import RELEASE_PENDING
from payment_service.payment_status import PaymentStatus


def test_a_charge_whose_answer_was_lost_is_found_and_applied_once():
    flow = Flow(processor=FakeProcessor("lost_reply"))
    assert flow.run().status is PaymentStatus.PENDING
    assert flow.reconcile() == "succeeded"
    assert flow.processor.charged == {flow.payment.id: Decimal("215.95")}
    assert flow.payment.id in flow.invoices.confirmed and flow.invoices.held == {}
    assert [event["type"] for event in flow.uow.events] == ["payment.receipt"]
    assert flow.uow.closed_requests == [flow.payment.id]  # a retry with the key now sees the payment
    assert flow.reconcile() == "skipped"
    assert len(flow.uow.events) == 1


def test_a_timeout_before_any_charge_is_released_and_failed():
    flow = Flow(processor=FakeProcessor("timeout"))
    flow.run()
    assert flow.reconcile() == "failed"
    assert flow.payment.failure_code == "not_charged" and "nothing was charged" in flow.payment.failure_message
    assert flow.invoices.held == {} and flow.processor.charged == {} and flow.uow.events == []


def test_a_charged_payment_waits_while_invoice_service_is_down():
    flow = Flow(processor=FakeProcessor("lost_reply"))
    flow.run()
    flow.invoices.refuse_confirm = unreachable()
    assert flow.reconcile() == "pending"
    flow.invoices.refuse_confirm = None
    assert flow.reconcile() == "succeeded"


def test_an_uncharged_payment_stays_pending_until_its_reservation_can_be_released():
    flow = Flow(processor=FakeProcessor("timeout"))
    flow.run()
    flow.invoices.down_for_release = True
    assert flow.reconcile() == "unknown" and flow.payment.status is PaymentStatus.PENDING
    flow.invoices.down_for_release = False
    assert flow.reconcile() == "failed" and flow.invoices.held == {}


def test_a_reservation_left_behind_while_invoice_service_was_down_is_released_later():
    flow = Flow(invoices=FakeInvoices(lose_reserve_reply=True, down_for_release=True))
    assert flow.refused().code == "try_again_shortly"
    assert flow.payment.failure_code == RELEASE_PENDING and flow.payment.id in flow.invoices.held
    flow.invoices.down_for_release = False
    assert flow.reconcile() == "released"
    assert flow.invoices.held == {} and flow.payment.status is PaymentStatus.FAILED
    assert flow.payment.failure_code == "try_again_shortly" and flow.processor.charged == {}
