"""Scaled out on one machine: two payment_service processes and three notification workers behind the gateway.
Concurrent payments leave every balance right and every receipt sent exactly once (PostgreSQL in CI's second
pass, SQLite in the first)."""

import collections
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from tests.support.accounts import NewInvoice, create_subscriber, ops
from tests.support.cards import token
from tests.support.databases import drop_databases
from tests.support.stacks import make_stack


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    stack = make_stack(
        tmp_path_factory,
        "scaled",
        scale={"payment_service": 2, "notification_worker": 3},
        # An attempt in flight holds a place in its card-testing windows (so none can overshoot a limit): fifteen
        # concurrent payments of one card from one address would be refused as card testing, which has tests of its
        # own (test_card_testing_e2e.py); this one is about balances and receipts.
        extra_env={
            "WORKER_INTERVAL_SECONDS": "0.2",
            "CLAIM_IDLE_SECONDS": "5",
            "CARD_DECLINES_PER_ADDRESS": "1000",
            "CARD_DECLINES_PER_CARD": "1000",
        },
    )
    try:
        yield stack.prepare().start()
    finally:
        stack.stop()
        drop_databases(stack.created_databases)


def subscriber(stack, invoice_count):
    invoices = [NewInvoice("50.00", "2026-03-01", "2026-04-01", charged=False)] * invoice_count
    made = create_subscriber(stack, invoices, name="Scale Tester", billing_name="Tester, Scale")
    return made.account, made.invoices, made.api()


def pay(client, invoice, amount, sandbox):
    return client.post(
        "/api/payments",
        {
            "allocations": [{"invoice": invoice, "amount": amount}],
            "payment_method": token(sandbox),
            "receipt_email": "receipts@example.com",
        },
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )


def test_concurrent_payments_on_a_scaled_stack_keep_balances_and_receipts_exact(scaled):
    people = [subscriber(scaled, 3) for _ in range(3)]
    attempts, sandbox = [], scaled.url("sandbox_processor")
    for _account, numbers, client in people:
        attempts += [(client, number, "20.00", sandbox) for number in numbers]  # fits: 50 - 20
        attempts += [(client, numbers[0], "30.00", sandbox)] * 2  # only one of these two can fit
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda attempt: (attempt, pay(*attempt)), attempts))

    paid = collections.defaultdict(Decimal)
    succeeded = []
    for (_client, invoice, amount, _sandbox), response in results:
        assert response.status in (201, 409), response.data
        if response.status == 201:
            assert response.json_body["status"] == "succeeded"
            paid[invoice] += Decimal(amount)
            succeeded.append(response.json_body["id"])
    assert len(succeeded) == 3 * 4  # three 20.00 payments and one 30.00 payment per subscriber

    office = ops(scaled, "invoice_service")
    for account, numbers, _ in people:
        rows = office.get(f"/ops/accounts/{account}/invoices").json_body
        rows = rows["items"] if isinstance(rows, dict) else rows
        balances = {row["number"]: Decimal(row["balance"]) for row in rows}
        for number in numbers:
            assert balances[number] == Decimal("50.00") - paid[number] >= 0

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        mails = [path.read_text(errors="replace") for path in scaled.mail_dir.glob("*.eml")]
        # A receipt sent to another address than the account's own also tells the account's own address so.
        receipts, notices = (
            collections.Counter(
                payment_id
                for text in mails
                for payment_id in succeeded
                if re.search(payment_id, text) and is_receipt == ("To: receipts@example.com" in text)
            )
            for is_receipt in (True, False)
        )
        if len(receipts) == len(notices) == len(succeeded):
            break
        time.sleep(0.2)
    assert set(receipts) == set(notices) == set(succeeded)
    assert set(receipts.values()) == set(notices.values()) == {1}  # one e-mail of each per payment, none twice
