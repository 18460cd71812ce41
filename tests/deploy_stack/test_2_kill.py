"""A payment-service container killed (`docker kill`, no graceful stop) in the middle of 30 concurrent payments
through the gateway's published port: the payment worker's reconciler settles every payment the dead container
left open, nothing is charged twice (not even when the caller retries with its Idempotency-Key), every
reservation at invoice_service ends confirmed or released, and every balance matches what was charged."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from compose import FIGURES, docker
from people import card_token, invoice_balances, new_subscribers, pay, sandbox_charges

AMOUNT = Decimal("25.00")
KILL_AFTER_ANSWERS = 5


def _in(values):
    return ", ".join(f"'{value}'" for value in values)


def _payments(stack, accounts):
    """{payment id: (status, invoice, amount)} of these accounts, read from payment_service's database."""
    rows = stack.sql(
        "payment_service",
        "SELECT p.id, p.status, a.invoice, a.amount FROM payments p JOIN payment_allocations a ON a.payment_id = p.id"
        f" WHERE p.account IN ({_in(accounts)})",
    )
    return {payment_id: (status, invoice, Decimal(amount)) for payment_id, status, invoice, amount in rows}


def _wait_until_settled(stack, accounts, timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        payments = _payments(stack, accounts)
        open_ones = [p for p, (status, _, _) in payments.items() if status in ("processing", "pending")]
        if not open_ones or time.monotonic() > deadline:
            return payments, open_ones
        time.sleep(1)


def _attempt(client, invoice, key, payment_method):
    try:
        response = pay(client, invoice, str(AMOUNT), payment_method, key=key)
        return response.status, response.json_body
    except Exception as error:  # the caller saw no answer at all: counted, and retried below
        return None, repr(error)


def _run_and_kill(attempts, victim):
    """Every attempt's (status, body); the victim is killed once KILL_AFTER_ANSWERS answers came back."""
    with ThreadPoolExecutor(max_workers=10) as pool:
        futures = [pool.submit(_attempt, *attempt) for attempt in attempts]
        while sum(future.done() for future in futures) < KILL_AFTER_ANSWERS:
            time.sleep(0.005)
        in_flight = sum(not future.done() for future in futures)
        docker("kill", victim)
        return [future.result() for future in futures], in_flight


def test_a_killed_payment_service_leaves_every_payment_settled_and_charged_at_most_once(stack):
    stack.run("up", "-d", "--no-build", "--no-recreate", "--no-deps", "--scale", "payment-service=3", "payment-service")
    containers = stack.containers("payment-service")
    for container in containers:
        stack.wait_healthy(container)
    people = new_subscribers(stack, 10, invoices_each=3, amount="100.00")
    accounts = [account for account, _, _ in people]
    attempts = [
        (client, number, uuid.uuid4().hex, card_token(stack)) for _, numbers, client in people for number in numbers
    ]

    started = time.monotonic()
    answers, in_flight = _run_and_kill(attempts, containers[0])
    run_seconds = time.monotonic() - started
    assert in_flight > 0, "the kill came after every payment had been answered: it tested nothing"
    payments, still_open = _wait_until_settled(stack, accounts)
    settled_seconds = time.monotonic() - started
    assert not still_open, f"the reconciler left these open: {still_open}"
    assert {status for status, _, _ in payments.values()} <= {"succeeded", "failed"}

    # A 201 said what the payment became, and the database agrees; nothing else was recorded twice.
    for (status, body), (_, invoice, _, _) in zip(answers, attempts, strict=True):
        if status == 201 and body["status"] == "succeeded":
            assert payments[body["id"]][:2] == ("succeeded", invoice)

    # The caller retries what got no 201, with the same key and card token (the same form sent again): the payment it
    # started is replayed, never charged again.
    unanswered = [attempt for attempt, (status, _) in zip(attempts, answers, strict=True) if status != 201]
    for client, invoice, key, payment_method in unanswered:
        retry = pay(client, invoice, str(AMOUNT), payment_method, key=key)
        assert retry.status in (201, 402), retry.data
    payments, still_open = _wait_until_settled(stack, accounts)
    assert not still_open

    _assert_charged_once_and_balances_right(stack, people, payments)
    reservations = stack.sql(
        "invoice_service", f"SELECT payment_id, status FROM reservations WHERE account IN ({_in(accounts)})"
    )
    assert {status for _, status in reservations} <= {"confirmed", "released"}, reservations
    confirmed = {payment_id for payment_id, status in reservations if status == "confirmed"}
    assert confirmed == {p for p, (status, _, _) in payments.items() if status == "succeeded"}

    FIGURES["kill one of 3 payment-service containers"] = {
        "payments started": len(attempts),
        "in flight when killed": in_flight,
        "answered 201": sum(status == 201 for status, _ in answers),
        "answered otherwise (503 try again, or no answer)": len(unanswered),
        "retried with the same key": len(unanswered),
        "payments recorded": len(payments),
        "succeeded": sum(status == "succeeded" for status, _, _ in payments.values()),
        "failed, nothing charged": sum(status == "failed" for status, _, _ in payments.values()),
        "seconds for the 30 requests": round(run_seconds, 2),
        "seconds until the reconciler settled every payment": round(settled_seconds, 1),
    }
    docker("start", containers[0])
    stack.wait_healthy(containers[0])


def _assert_charged_once_and_balances_right(stack, people, payments):
    charges = sandbox_charges(stack, payments)
    charged_per_invoice = {}
    for payment_id, (status, invoice, amount) in payments.items():
        charge = charges.get(payment_id)
        if status == "succeeded":
            assert charge == ("charged", amount), (payment_id, charge)
            charged_per_invoice[invoice] = charged_per_invoice.get(invoice, 0) + 1
        else:
            assert charge is None or charge[0] in ("refunded", "voided", "declined"), (payment_id, charge)
    assert set(charged_per_invoice.values()) <= {1}, charged_per_invoice
    for _, numbers, client in people:
        balances = invoice_balances(client)
        for number in numbers:
            assert Decimal(balances[number]) == Decimal("100.00") - AMOUNT * charged_per_invoice.get(number, 0)
