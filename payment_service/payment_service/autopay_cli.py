"""flask --app payment_service autopay ...: the run, and the office's enrol/change/turn off and lists."""

import json
import logging
import math
import subprocess
import sys
from collections import Counter

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

log = logging.getLogger(__name__)
group = AppGroup("autopay", help="AutoPay: the daily run and the office's commands.")


def run_autopay(today, processes=None, shard=None):
    """The day's run: in this process, then its receipts relayed; or split into `processes` (AUTOPAY_PROCESSES)
    processes of its own, each running one shard and relaying its receipts."""
    processes = processes or current_app.config["AUTOPAY_PROCESSES"]
    if shard is None and processes > 1:
        return _run_in_processes(today, processes)
    summary = _run_shard(today, shard or autopay_run.Shard())
    outbox.relay_now(redis_ext.client, redis_ext.prefix, invoice_client())
    return summary


def _run_shard(today, shard):
    """The shard's accounts, under its share of the rate limit and of the concurrency."""
    config = current_app.config
    return autopay_run.run(
        today,
        invoices=invoice_client(),
        processor=current_processor(),
        pacer=Pacer(config["AUTOPAY_RATE_LIMIT_PER_SECOND"] / shard.count),
        concurrency=math.ceil(config["AUTOPAY_CONCURRENCY"] / shard.count),
        shard=shard,
    )


def _run_in_processes(today, count):
    """`flask autopay run --shard K/N` for every K, side by side, each a process with its own GIL (one stops near 75
    accounts/s); they read the same environment as this one. A shard that fails counts as `shard_failed`: its
    accounts wait for the next run, which is safe to repeat."""
    command = [sys.executable, "-m", "flask", "--app", current_app.import_name, "autopay", "run", "--json"]
    command += ["--date", today.isoformat()]
    shards = [
        subprocess.Popen([*command, "--shard", f"{index}/{count}"], stdout=subprocess.PIPE, text=True)
        for index in range(count)
    ]
    summary = Counter()
    for index, shard in enumerate(shards):
        output, _ = shard.communicate()
        lines = output.strip().splitlines()
        if shard.returncode != 0 or not lines:
            log.error("AutoPay run: shard %d/%d ended with exit code %s", index, count, shard.returncode)
            summary["shard_failed"] += 1
            continue
        summary.update(json.loads(lines[-1]))  # in_flight_max is summed: an upper bound of the run's
    return dict(summary)


@group.command("run")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="Take this day as today.")
@click.option(
    "--processes",
    type=click.IntRange(1, 16),
    help="Split the run into this many processes, each with its share of the accounts (AUTOPAY_PROCESSES).",
)
@click.option("--shard", metavar="K/N", help="Run only shard K of N (0 to N-1), as each of N processes does.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
def run_command(day, processes, shard, as_json):
    """Charge every enrolled account's invoices that have fallen due (safe to run again)."""
    try:
        chosen = autopay_run.Shard.parse(shard) if shard else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--shard") from None
    if chosen and processes:
        raise click.UsageError("Give --processes or --shard, not both.")
    summary = run_autopay(day.date() if day else utcnow().date(), processes, chosen)
    if as_json:
        click.echo(json.dumps(summary, sort_keys=True))
    else:
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
