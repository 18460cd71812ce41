"""The payment statuses and the one table of their moves; the Payment model refuses any other move."""

from datetime import datetime

import pytest
from payment_fakes import new_payment

from payment_service.models import Payment
from payment_service.payment_status import ALLOWED_MOVES, IllegalTransition, PaymentStatus, can_move, checked_move

PAID_AT = datetime(2026, 12, 1, 9, 30)
TERMINAL = {
    PaymentStatus.DECLINED,
    PaymentStatus.FAILED,
    PaymentStatus.REFUNDED,
    PaymentStatus.VOIDED,
    PaymentStatus.CHARGED_BACK,
}


def test_the_stored_strings_stay_as_they_were():
    # payments.status holds these strings; changing one needs a data migration
    assert [status.value for status in PaymentStatus] == [
        "processing",
        "pending",
        "succeeded",
        "declined",
        "failed",
        "refunded",
        "voided",
        "disputed",  # added for Stripe's disputes: the strings before it are unchanged
        "charged_back",  # added for a dispute lost
    ]


def test_every_status_has_its_moves_listed_and_terminal_ones_have_none():
    assert set(ALLOWED_MOVES) == set(PaymentStatus)
    assert {status for status, moves in ALLOWED_MOVES.items() if not moves} == TERMINAL


@pytest.mark.parametrize(
    "current, new",
    [
        ("succeeded", "pending"),
        ("succeeded", "failed"),
        ("pending", "processing"),
        ("pending", "declined"),
        ("processing", "refunded"),
        ("declined", "succeeded"),
        ("failed", "succeeded"),
        ("refunded", "succeeded"),
        ("voided", "refunded"),
        ("charged_back", "succeeded"),
        ("pending", "pending"),
    ],
)
def test_a_move_outside_the_table_is_refused(current, new):
    assert not can_move(current, new)
    with pytest.raises(IllegalTransition) as refused:
        checked_move(current, new)
    assert refused.value.status == 409 and current in refused.value.message and new in refused.value.message


@pytest.mark.parametrize("current, new", [(current, new) for current, moves in ALLOWED_MOVES.items() for new in moves])
def test_every_move_in_the_table_is_accepted(current, new):
    assert checked_move(current, new) is new


def test_a_payment_starts_as_processing_only():
    assert new_payment().status is PaymentStatus.PROCESSING
    with pytest.raises(IllegalTransition):
        Payment(id="x", account="1", status="succeeded")


def test_the_model_refuses_an_illegal_move_and_keeps_its_status():
    payment = new_payment()
    payment.succeed(PAID_AT)
    with pytest.raises(IllegalTransition):
        payment.status = PaymentStatus.PENDING
    with pytest.raises(IllegalTransition):
        payment.wait_for_reconciler()
    with pytest.raises(IllegalTransition):
        payment.decline("card_declined", "Your card was declined.")
    assert payment.status is PaymentStatus.SUCCEEDED


def test_a_succeeded_payment_can_be_refunded_once():
    payment = new_payment()
    payment.succeed(PAID_AT)
    payment.reverse(PaymentStatus.REFUNDED)
    with pytest.raises(IllegalTransition):
        payment.reverse(PaymentStatus.VOIDED)
    assert payment.status is PaymentStatus.REFUNDED


def test_waiting_for_the_reconciler_again_is_no_move():
    payment = new_payment()
    payment.wait_for_reconciler()
    payment.wait_for_reconciler()
    assert payment.status is PaymentStatus.PENDING
    payment.never_charged()
    assert (payment.status, payment.failure_code) == (PaymentStatus.FAILED, "not_charged")
