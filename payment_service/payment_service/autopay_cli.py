"""flask --app payment_service autopay ...: the run, and the office's enrol/change/turn off and lists."""

import click
from flask import current_app
from flask.cli import AppGroup

from billpay_common.clock import utcnow
from billpay_common.errors import DomainError

from . import autopay, autopay_ops, autopay_run, autopay_terms, outbox
from .autopay_pacing import Pacer
from .clients import invoice_client
from .extensions import redis_ext
from .processor import current_processor

group = AppGroup("autopay", help="AutoPay: the daily run and the office's commands.")


def run_autopay(today):
    invoices = invoice_client()
    config = current_app.config
    summary = autopay_run.run(
        today,
        invoices=invoices,
        processor=current_processor(),
        pacer=Pacer(config["AUTOPAY_RATE_LIMIT_PER_SECOND"]),
        concurrency=config["AUTOPAY_CONCURRENCY"],
    )
    outbox.relay_now(redis_ext.client, redis_ext.prefix, invoices)
    return summary


@group.command("run")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="Take this day as today.")
def run_command(day):
    """Charge every enrolled account's invoices that have fallen due (safe to run again)."""
    summary = run_autopay(day.date() if day else utcnow().date())
    click.echo(" ".join(f"{name}={count}" for name, count in sorted(summary.items())) or "nothing to do")


def _actor(actor):
    return "ops:" + actor[:60]


@group.command("enrol")
@click.argument("account")
@click.argument("profile_id")
@click.option("--actor", required=True, help="Who in the office is doing this (audited).")
def enrol_command(account, profile_id, actor):
    """Turn AutoPay on (or change its card or bank account) for ACCOUNT, from saved method PROFILE_ID, on the current
    text."""
    try:
        state = autopay.enrol(
            account, profile_id, autopay_terms.CURRENT, client_address=None, staff_actor=_actor(actor)
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(
        f"AutoPay is {state['status']} for {account}, from {state['method']['brand']} {state['method']['last4']}."
    )


@group.command("off")
@click.argument("account")
@click.option("--actor", required=True, help="Who in the office is doing this (audited).")
def off_command(account, actor):
    """Turn AutoPay off for ACCOUNT."""
    try:
        autopay.turn_off(account, client_address=None, staff_actor=_actor(actor))
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"AutoPay is off for {account}.")


@group.command("list")
@click.option("--exceptions", is_flag=True, help="Suspended accounts (after the last failed retry) instead.")
def list_command(exceptions):
    """Accounts with AutoPay on (or suspended)."""
    for state in autopay_ops.listed(autopay.SUSPENDED if exceptions else autopay.ON):
        method = state["method"] or {}
        click.echo(
            f"{state['account']}\t{state['status']}\t{method.get('brand', '')} {method.get('last4', '')}"
            f"\t{state.get('reason') or ''}"
        )


@group.command("upcoming")
@click.option("--days", type=int, default=10, show_default=True)
def upcoming_command(days):
    """Invoices AutoPay will charge within DAYS days (or already due)."""
    for row in autopay_ops.upcoming(utcnow().date(), days, invoice_client()):
        click.echo(f"{row['due_date']}\t{row['account']}\t{row['invoice']}\t{row['amount']}")
