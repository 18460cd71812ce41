"""flask --app payment_service <command>: the background worker and the accounting office's commands."""

import getpass

import click
from flask import Blueprint, current_app

from billpay_common.errors import DomainError

from . import ach_returns, declines, reconcile, refunds
from .autopay_cli import group as autopay_group
from .card_testing import KINDS
from .models import Payment
from .processor import current_processor
from .worker import Worker

commands = Blueprint("payment_commands", __name__, cli_group=None)
commands.cli.add_command(autopay_group)


@commands.cli.command("worker")
@click.option("--once", is_flag=True, help="One pass, then exit (for tests and cron).")
@click.option("--interval", type=float, default=None, help="Seconds between passes (WORKER_INTERVAL_SECONDS).")
def worker(once, interval):
    """Relay the outbox, reconcile pending payments, run AutoPay and queue expiry reminders daily; stops on SIGTERM."""
    runner = Worker(interval if interval is not None else current_app.config["WORKER_INTERVAL_SECONDS"])
    if once:
        click.echo(f"worker pass: {runner.run_once()}")
    else:
        runner.run_forever()


@commands.cli.command("reconcile")
def reconcile_command():
    """Settle pending payments now, by looking each one up at the processor."""
    for payment_id, outcome in reconcile.reconcile_pending().items():
        click.echo(f"{payment_id}: {outcome}")


@commands.cli.command("processor-events")
def processor_events_command():
    """Apply the events the processor lists (the sandbox's ACH settlements and returns), each once."""
    click.echo(f"processor events: {ach_returns.apply_listed_events(current_processor())}")


@commands.cli.command("refund")
@click.argument("payment_id")
@click.option("--void", "void", is_flag=True, help="Void instead of refund (same day, before settlement).")
def refund(payment_id, void):
    """Refund PAYMENT_ID to the card and restore the invoice balances (idempotent); a refund above
    REFUND_APPROVAL_THRESHOLD waits for a supervisor's approval, as the office's do."""
    try:
        done = refunds.request_reversal(payment_id, "void" if void else "refund", f"cli:{getpass.getuser()}")
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if isinstance(done, Payment):
        click.echo(f"Payment {done.id} is {done.status}.")
    else:
        click.echo(f"Refund {done.id} of {done.amount} is awaiting a supervisor's approval.")


@commands.cli.command("lift-card-testing-block")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("subject")
def lift_card_testing_block(kind, subject):
    """Let an ACCOUNT, client ADDRESS or CARD (fingerprint, as the audit shows it) pay again after too many
    declines (audited as the operator at this terminal)."""
    lifted = declines.lift(kind, subject, f"cli:{getpass.getuser()}")
    click.echo(f"{kind} {subject}: {'block lifted' if lifted['lifted'] else 'was not blocked'}.")
