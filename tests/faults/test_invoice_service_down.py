"""invoice_service away during a payment: a clear "try again shortly", no charge, and nothing held for ever."""

import signal

from tests.support.waiting import wait_for


def _failed_payments(faults, account):
    return [payment for payment in faults.payments_of(account) if payment["status"] == "failed"]


def _pays_in_full(subscriber, invoice, amount, timeout):
    """Paying the whole open balance works within `timeout` s (a held amount answers 409 amount_exceeds_balance)."""
    answers = []

    def attempt():
        answers.append(subscriber.pay([(invoice, amount)]))
        return answers[-1] if answers[-1].status == 201 else None

    try:
        return wait_for(attempt, timeout=timeout, interval=1.0, what=f"invoice {invoice} to be payable in full")
    except AssertionError as late:
        raise AssertionError(f"{late}; the last answer was {answers[-1].status} {answers[-1].data.decode()}") from None


def _bring_back_invoice_service(faults):
    faults.invoice_proxy.lose_next_answer(None)
    if "invoice_service" not in faults.stack.processes:
        faults.stack.start_service("invoice_service")
    faults.stack.wait_healthy("invoice_service")


def test_invoice_service_stopped_payment_is_refused_with_try_again_and_nothing_charged(faults):
    subscriber = faults.new_subscriber("90.00")
    invoice = subscriber.invoices[0]
    faults.stack.stop_process("invoice_service")
    try:
        refused = subscriber.pay([(invoice, "90.00")])
        assert refused.status == 503, refused.data
        assert refused.json_body["error"]["code"] == "try_again_shortly"
        assert "try again shortly" in refused.json_body["error"]["message"]
        assert "Traceback" not in refused.data.decode()
    finally:
        _bring_back_invoice_service(faults)
    failed = _failed_payments(faults, subscriber.account)
    assert len(failed) == 1
    assert faults.sandbox_charges(failed) == []
    assert subscriber.balance(invoice) == "90.00"
    paid = _pays_in_full(subscriber, invoice, "90.00", timeout=10)
    assert paid.json_body["status"] == "succeeded"
    assert subscriber.balance(invoice) == "0.00"


def test_invoice_service_dies_after_reserving_the_amount_is_payable_in_full_again(faults):
    """invoice_service commits the reservation, then dies before its answer gets back to payment_service."""
    subscriber = faults.new_subscriber("70.00")
    invoice = subscriber.invoices[0]
    faults.invoice_proxy.lose_next_answer(lambda: faults.stack.stop_process("invoice_service", signal.SIGKILL))
    try:
        refused = subscriber.pay([(invoice, "70.00")])
        assert faults.invoice_proxy.hook_error is None
        assert "invoice_service" not in faults.stack.processes, "the reservation call never reached invoice_service"
        assert refused.status == 503, refused.data
        assert refused.json_body["error"]["code"] == "try_again_shortly"
    finally:
        _bring_back_invoice_service(faults)
    failed = _failed_payments(faults, subscriber.account)
    assert len(failed) == 1
    assert faults.sandbox_charges(failed) == []
    assert subscriber.balance(invoice) == "70.00"
    # The subscriber tries again, as the message said: the whole balance must be payable, not held by the
    # reservation of a payment that was refused (payment workers reconcile every 0.3 s here).
    paid = _pays_in_full(subscriber, invoice, "70.00", timeout=15)
    assert paid.json_body["status"] == "succeeded"
    assert subscriber.balance(invoice) == "0.00"
    charges = faults.sandbox_charges(faults.payments_of(subscriber.account))
    assert [(charge["reference"], charge["status"]) for charge in charges] == [(paid.json_body["id"], "charged")]
