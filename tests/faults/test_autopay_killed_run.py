"""The AutoPay run as a real process (`flask autopay run`, several charges in flight) against a sandbox processor
that answers each charge late, SIGKILLed mid-run: run again and let the reconciler finish, and every invoice is
paid once and no account is charged twice (the sandbox's own ledger is the card statement)."""

import sqlite3
import subprocess
import sys

import pytest

from devtools.api_client import ApiClient
from devtools.stack import ROOT, SANDBOX
from payment_service.autopay_terms import CURRENT
from tests.support import cards
from tests.support.accounts import create_subscriber, ops
from tests.support.databases import drop_databases
from tests.support.stacks import make_stack
from tests.support.waiting import wait_for

ACCOUNTS = 24
SERVICES = ["auth_service", "invoice_service", "payment_service"]
RUN_SETTINGS = {"AUTOPAY_CONCURRENCY": "4", "AUTOPAY_RATE_LIMIT_PER_SECOND": "20"}


@pytest.fixture(scope="module")
def slow_stack(tmp_path_factory):
    """No payment worker (it would start a run of its own); the sandbox answers each charge in 300 ms; a payment
    left processing is looked up after 3 s (well after the sandbox has answered what the dead run sent it)."""
    extra = {"SANDBOX_LATENCY_MS": "300", "STALE_PROCESSING_SECONDS": "3", "RECONCILE_AFTER_SECONDS": "0"}
    stack = make_stack(tmp_path_factory, "autopay_kill", services=SERVICES, extra_env=extra)
    try:
        stack.prepare()
        for service in (SANDBOX, *SERVICES):
            stack.start_service(service)
            stack.wait_healthy(service)
        yield stack
    finally:
        stack.stop()
        drop_databases(stack.created_databases)


def _enrolled_subscriber(stack):
    """(subscriber, the token of their saved card): one overdue invoice of 20.00, AutoPay on from a new Visa."""
    subscriber = create_subscriber(stack, ("20.00",))
    payments = ApiClient(stack.url("payment_service"), subscriber.bearer())
    token = cards.token(stack.url(SANDBOX))
    saved = payments.post("/payment-profiles", {"payment_method": token})
    assert saved.status == 201, saved.data
    body = {"profile_id": saved.json_body["id"], "terms_version": CURRENT, "agree": True}
    enrolled = payments.request("PUT", "/autopay", body)
    assert enrolled.status == 200, enrolled.data
    return subscriber, token


def _start_run(stack, log_path):
    command = [sys.executable, "-m", "flask", "--app", "payment_service", "autopay", "run"]
    with log_path.open("ab") as log:
        return subprocess.Popen(
            command,
            env={**stack.service_env("payment_service"), **RUN_SETTINGS},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _charges_by_card(stack):
    """{card token: charges} from the sandbox's ledger."""
    with sqlite3.connect(stack.var_dir / "sandbox_processor.db") as ledger:
        rows = ledger.execute("SELECT payment_method, COUNT(*) FROM charges WHERE status = 'charged' GROUP BY 1")
        return dict(rows.fetchall())


def _balances(stack, subscribers):
    office = ops(stack, "invoice_service")
    balances = []
    for subscriber in subscribers:
        listing = office.get(f"/ops/accounts/{subscriber.account}/invoices")
        assert listing.status == 200, listing.data
        balances += [row["balance"] for row in listing.json_body]
    return balances


def test_a_run_killed_mid_way_then_run_again_and_reconciled_pays_every_invoice_once(slow_stack, tmp_path):
    enrolled = [_enrolled_subscriber(slow_stack) for _ in range(ACCOUNTS)]
    subscribers, tokens = [s for s, _ in enrolled], [t for _, t in enrolled]
    log_path = tmp_path / "autopay_run.log"

    killed = _start_run(slow_stack, log_path)
    wait_for(lambda: sum(_charges_by_card(slow_stack).values()) >= 6, timeout=120, what="the first charges")
    killed.kill()
    killed.wait()
    assert sum(_charges_by_card(slow_stack).values()) < ACCOUNTS, "the run ended before it could be killed"

    again = _start_run(slow_stack, log_path)
    assert again.wait(timeout=180) == 0, log_path.read_text()

    def reconciled_and_all_paid():  # the worker's pass: the reconciler, then AutoPay for what it never charged
        slow_stack.flask("payment_service", "worker", "--once")
        return all(balance == "0.00" for balance in _balances(slow_stack, subscribers))

    wait_for(reconciled_and_all_paid, timeout=120, what="every invoice paid", interval=0.5)
    charges = _charges_by_card(slow_stack)
    assert [charges.get(token, 0) for token in tokens] == [1] * ACCOUNTS
    assert sum(charges.values()) == ACCOUNTS
