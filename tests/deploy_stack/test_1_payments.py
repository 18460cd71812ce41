"""Through the gateway's published port only: the demo subscriber pays and gets a receipt; scaled out, 50
concurrent payments from 10 accounts keep every balance exact and send exactly one receipt each."""

import collections
import email
import email.policy
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from people import card_token, invoice_balances, new_subscribers, pay, signed_in


def test_images_print_their_package_version(stack):
    for service in ("gateway", "auth-service", "invoice-service", "payment-service", "notification-service"):
        output = stack.run("run", "--rm", "--no-deps", "-T", service, "version")
        assert output.strip() == f"billpay-{service} 1.0.0"


def test_the_demo_subscriber_pays_an_invoice_and_the_receipt_arrives(stack):
    client = signed_in(stack.gateway, "99939999", stack.demo_passcode)
    balances = invoice_balances(client, since="2015-01-01")
    number, balance = next((n, Decimal(b)) for n, b in balances.items() if Decimal(b) > 0)

    payment = pay(client, number, "10.00", card_token(stack), receipt_email="michael.jones@example.com")
    assert payment.status == 201, payment.data
    assert payment.json_body["status"] == "succeeded"
    assert Decimal(invoice_balances(client, since="2015-01-01")[number]) == balance - Decimal("10.00")

    payment_id = payment.json_body["id"]
    messages = stack.mail.wait_for(lambda found: any(payment_id in text for text in found))
    receipt = next(text for text in messages if payment_id in text)
    assert "michael.jones@example.com" in receipt


def test_scaled_out_concurrent_payments_keep_balances_and_send_one_receipt_each(stack, timings):
    stack.run(
        "up",
        "-d",
        "--no-build",
        "--no-recreate",
        "--scale",
        "payment-service=3",
        "--scale",
        "notification-worker=2",
        "payment-service",
        "notification-worker",
    )
    for container in stack.containers("payment-service"):
        stack.wait_healthy(container)
    assert len(stack.containers("payment-service")) == 3 and len(stack.containers("notification-worker")) == 2

    people = new_subscribers(stack, 10, invoices_each=5, amount="100.00")
    attempts = [(client, number, "12.34", card_token(stack)) for _, numbers, client in people for number in numbers]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(lambda attempt: pay(*attempt), attempts))
    timings["scale_50_payments_seconds"] = round(time.monotonic() - started, 2)

    assert [response.status for response in responses] == [201] * 50, [r.data for r in responses if r.status != 201]
    assert {response.json_body["status"] for response in responses} == {"succeeded"}
    for _, numbers, client in people:
        balances = invoice_balances(client)
        assert {number: Decimal(balances[number]) for number in numbers} == dict.fromkeys(numbers, Decimal("87.66"))

    payment_ids = {response.json_body["id"] for response in responses}
    started = time.monotonic()
    messages = stack.mail.wait_for(
        lambda found: payment_ids <= {p for text in found for p in payment_ids if p in text}, timeout=90
    )
    timings["scale_receipts_seconds"] = round(time.monotonic() - started, 2)
    # each receipt goes to receipts@example.com, so the account's own address also gets a short notice
    receipts = collections.Counter(
        p
        for text in messages
        if email.message_from_string(text, policy=email.policy.default)["To"] == "receipts@example.com"
        for p in payment_ids
        if p in text
    )
    assert set(receipts) == payment_ids
    assert set(receipts.values()) == {1}  # one e-mail per payment, none twice
