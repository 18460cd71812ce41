"""The AutoPay run: due invoices charged once through the payment path, whatever runs twice or dies mid-way.
Days are chosen by the test (the run's `today`), never waited for."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal

import pytest
from autopay_helpers import attempts_of, charges_of, enrol, events, run_on, saved_card

from payment_service import autopay_run
from payment_service.processor import current_processor
from payment_service.reconcile import reconcile_pending

TODAY = date.today()


@pytest.fixture
def enrolled(client, auth):
    enrol(client, auth, saved_card(client, auth))


def test_an_invoice_is_charged_on_its_due_date_not_before(
    app, client, auth, account, enrolled, new_invoice, invoice_service
):
    due = TODAY + timedelta(days=5)
    invoice = new_invoice("42.50", due_date=due)
    run_on(app, due - timedelta(days=1))
    assert invoice_service.balance(invoice) == Decimal("42.50") and charges_of(app, account) == 0
    summary = run_on(app, due)
    assert summary["succeeded"] == 1
    assert invoice_service.balance(invoice) == Decimal("0.00")
    [payment] = client.get("/payments", headers=auth).json["items"]
    assert payment["status"] == "succeeded" and payment["amount"] == "42.50"
    assert payment["card"] == {"brand": "Visa", "last4": "4242"}
    [receipt] = events(app, account, "payment.receipt")
    assert receipt["allocations"] == [{"invoice": invoice, "amount": "42.50"}]


def test_a_run_again_the_same_day_or_later_charges_nothing_more(app, account, enrolled, new_invoice):
    new_invoice("10.00", due_date=TODAY)
    run_on(app, TODAY)
    run_on(app, TODAY)
    run_on(app, TODAY + timedelta(days=1))
    assert charges_of(app, account) == 1


def test_an_invoice_imported_overdue_is_charged_on_the_next_run(app, account, enrolled, new_invoice, invoice_service):
    invoice = new_invoice("99.95", due_date=TODAY - timedelta(days=40))
    run_on(app, TODAY)
    assert invoice_service.balance(invoice) == Decimal("0.00") and charges_of(app, account) == 1


def test_every_due_invoice_of_the_account_is_charged_separately(app, account, enrolled, new_invoice, invoice_service):
    first, second = new_invoice("108.00"), new_invoice("107.95")
    run_on(app, TODAY)
    assert invoice_service.balance(first) == invoice_service.balance(second) == Decimal("0.00")
    assert sorted(invoice for invoice, _, _ in attempts_of(app, account)) == sorted([first, second])


def test_nothing_is_charged_once_autopay_is_turned_off(app, client, auth, account, enrolled, new_invoice):
    new_invoice("25.00")
    client.delete("/autopay", headers=auth)
    run_on(app, TODAY)
    assert charges_of(app, account) == 0


def test_an_invoice_paid_in_the_portal_first_is_not_charged(app, client, auth, account, enrolled, new_invoice):
    from payment_helpers import body, pay

    invoice = new_invoice("30.00")
    assert pay(client, auth, body([(invoice, "30.00")])).status_code == 201
    run_on(app, TODAY)
    assert charges_of(app, account) == 1 and attempts_of(app, account) == []


class DiesAfterTheSale:
    """The real sandbox processor, but the process 'dies' right after the charge: before settling anything."""

    def __init__(self, processor):
        self.processor = processor

    def sale(self, reference, amount, source):
        self.processor.sale(reference, amount, source)
        raise SystemExit("killed between charge and settle")

    def __getattr__(self, name):
        return getattr(self.processor, name)


def test_a_crash_between_charge_and_settle_is_settled_by_the_reconciler_never_charged_twice(
    app, account, enrolled, new_invoice, invoice_service, monkeypatch
):
    invoice = new_invoice("61.00")
    with app.app_context(), pytest.raises(SystemExit):
        run_on(app, TODAY, processor=DiesAfterTheSale(current_processor()))
    assert attempts_of(app, account) == [(invoice, 1, "processing")]
    run_on(app, TODAY)  # the restarted worker's run: the attempt is taken, so no second charge
    assert charges_of(app, account) == 1
    monkeypatch.setitem(app.config, "STALE_PROCESSING_SECONDS", 0)
    with app.app_context():
        reconcile_pending()
    assert attempts_of(app, account) == [(invoice, 1, "succeeded")]
    assert invoice_service.balance(invoice) == Decimal("0.00") and charges_of(app, account) == 1
    assert len(events(app, account, "payment.receipt")) == 1


def test_a_run_of_many_threads_charges_every_due_invoice_exactly_once(
    app, client, tokens, new_invoice, invoice_service, monkeypatch
):
    from devtools.testing import unique_account

    monkeypatch.setattr(autopay_run, "BATCH", 5)  # the accounts' invoices are read in several batches
    accounts = [unique_account() for _ in range(12)]
    invoices = []
    for account in accounts:
        auth = tokens.headers(account, name="Many, Threads")
        invoices += [new_invoice("11.00", owner=account), new_invoice("12.00", owner=account)]
        enrol(client, auth, saved_card(client, auth))
    summary = run_on(app, TODAY, concurrency=8)
    assert summary["succeeded"] >= len(invoices) and summary["in_flight_max"] >= 1
    assert [charges_of(app, account) for account in accounts] == [2] * len(accounts)  # one per invoice
    assert all(invoice_service.balance(invoice) == Decimal("0.00") for invoice in invoices)
    assert run_on(app, TODAY, concurrency=8).get("succeeded", 0) == 0
    assert sum(charges_of(app, account) for account in accounts) == len(invoices)


def test_while_invoice_service_is_away_nothing_is_charged_and_the_next_run_charges(
    app, account, enrolled, new_invoice, invoice_service, monkeypatch
):
    invoice = new_invoice("18.00", due_date=TODAY)
    with monkeypatch.context() as away:
        away.setitem(app.config, "INVOICE_SERVICE_URL", "http://127.0.0.1:9")  # nothing listens there
        summary = run_on(app, TODAY, concurrency=4)
    assert summary["error"] >= 1 and "succeeded" not in summary
    assert charges_of(app, account) == 0 and attempts_of(app, account) == []
    assert run_on(app, TODAY)["succeeded"] >= 1
    assert attempts_of(app, account) == [(invoice, 1, "succeeded")] and charges_of(app, account) == 1


def _run_in_a_process(app, day, log_path, *options):
    env = {
        **os.environ,
        "PAYMENT_SERVICE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "REDIS_KEY_PREFIX": app.config["REDIS_KEY_PREFIX"],
        "INVOICE_SERVICE_URL": app.config["INVOICE_SERVICE_URL"],
        "PAYMENT_SERVICE_KEY": app.config["PAYMENT_SERVICE_KEY"],
        "SANDBOX_PROCESSOR_URL": app.config["SANDBOX_PROCESSOR_URL"],
        "SANDBOX_PROCESSOR_KEY": app.config["SANDBOX_PROCESSOR_KEY"],
        "BILLPAY_VAR_DIR": str(log_path.parent),
        "AUTOPAY_RATE_LIMIT_PER_SECOND": "1000",
        "AUTOPAY_CONCURRENCY": "8",
    }
    command = [sys.executable, "-m", "flask", "--app", "payment_service", "autopay", "run", "--date", day.isoformat()]
    command += options
    with log_path.open("w") as log:
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def test_two_workers_racing_each_with_many_threads_charge_each_invoice_once(
    app, client, tokens, new_invoice, invoice_service, tmp_path
):
    accounts, invoices = _racers(client, tokens, new_invoice, 10)
    racers = [_run_in_a_process(app, TODAY, tmp_path / f"run{number}.log") for number in range(2)]
    for number, racer in enumerate(racers):
        assert racer.wait(timeout=120) == 0, (tmp_path / f"run{number}.log").read_text()
    assert sum(charges_of(app, account) for account in accounts) == len(invoices)
    assert all(invoice_service.balance(invoice) == Decimal("0.00") for invoice in invoices)
    assert sum(len(events(app, account, "payment.receipt")) for account in accounts) == len(invoices)


def _racers(client, tokens, new_invoice, count):
    """`count` new accounts, each with two invoices due and AutoPay on; their invoices."""
    from devtools.testing import unique_account

    accounts = [unique_account() for _ in range(count)]
    invoices = []
    for account in accounts:
        auth = tokens.headers(account, name="Racer")
        invoices += [new_invoice("15.00", owner=account), new_invoice("16.00", owner=account)]
        enrol(client, auth, saved_card(client, auth))
    return accounts, invoices


def test_a_run_split_into_three_processes_charges_each_invoice_once(
    app, client, tokens, new_invoice, invoice_service, tmp_path
):
    accounts, invoices = _racers(client, tokens, new_invoice, 12)
    log_path = tmp_path / "run.log"
    run = _run_in_a_process(app, TODAY, log_path, "--processes", "3")
    assert run.wait(timeout=120) == 0, log_path.read_text()
    assert f"succeeded={len(invoices)}" in log_path.read_text().split()
    assert sum(charges_of(app, account) for account in accounts) == len(invoices)
    assert all(invoice_service.balance(invoice) == Decimal("0.00") for invoice in invoices)
    assert sum(len(events(app, account, "payment.receipt")) for account in accounts) == len(invoices)


def test_one_shard_charges_only_its_own_accounts(app, client, tokens, new_invoice, invoice_service, tmp_path):
    accounts, invoices = _racers(client, tokens, new_invoice, 6)
    log_path = tmp_path / "run.log"
    run = _run_in_a_process(app, TODAY, log_path, "--shard", "1/2", "--json")
    assert run.wait(timeout=120) == 0, log_path.read_text()
    mine = [account for account in accounts if autopay_run.Shard(1, 2).holds(account)]
    assert [charges_of(app, account) for account in accounts] == [2 if account in mine else 0 for account in accounts]
    assert json.loads(log_path.read_text().strip().splitlines()[-1])["succeeded"] == 2 * len(mine)


@pytest.mark.parametrize(
    "options, says",
    [(["--shard", "2/2"], "K/N"), (["--shard", "0/2", "--processes", "2"], "not both"), (["--processes", "0"], "0")],
)
def test_the_cli_refuses_a_shard_or_a_split_it_cannot_run(runner, options, says):
    result = runner.invoke(args=["autopay", "run", *options])
    assert result.exit_code == 2 and says in result.output, result.output


def test_the_cli_runs_on_the_given_date(app, account, enrolled, new_invoice, runner, invoice_service):
    invoice = new_invoice("12.34", due_date=TODAY + timedelta(days=3))
    early = runner.invoke(args=["autopay", "run", "--date", TODAY.isoformat()])
    assert early.exit_code == 0, early.output
    assert invoice_service.balance(invoice) == Decimal("12.34")
    due = runner.invoke(args=["autopay", "run", "--date", (TODAY + timedelta(days=3)).isoformat()])
    assert due.exit_code == 0 and "succeeded=1" in due.output, due.output
    assert invoice_service.balance(invoice) == Decimal("0.00")


def test_the_cli_refuses_a_date_that_is_not_one(runner):
    result = runner.invoke(args=["autopay", "run", "--date", "tomorrow"])
    assert result.exit_code == 2 and "tomorrow" in result.output


def test_the_payment_workers_pass_runs_autopay_for_today(app, account, enrolled, new_invoice, runner, invoice_service):
    invoice = new_invoice("17.00", due_date=TODAY)
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and "'autopay'" in result.output, result.output
    assert invoice_service.balance(invoice) == Decimal("0.00") and charges_of(app, account) == 1
