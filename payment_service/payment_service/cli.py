"""flask --app payment_service <command>: the background worker and the accounting office's commands."""

import click
from flask import Blueprint, current_app

from billpay_common.errors import DomainError

from . import reconcile, refunds
from .autopay_cli import group as autopay_group
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


@commands.cli.command("refund")
@click.argument("payment_id")
@click.option("--void", "void", is_flag=True, help="Void instead of refund (same day, before settlement).")
def refund(payment_id, void):
    """Refund PAYMENT_ID to the card and restore the invoice balances (idempotent)."""
    try:
        payment = refunds.reverse_payment(payment_id, "void" if void else "refund")
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Payment {payment.id} is {payment.status}.")
