"""flask --app notification_service <command>: the worker, and the office's resend at the command line."""

import click
from flask import Blueprint, current_app

from billpay_common.errors import DomainError

from . import services

commands = Blueprint("notification_commands", __name__, cli_group=None)


def _run(action):
    try:
        return action()
    except DomainError as error:
        raise click.ClickException(error.message) from error


@commands.cli.command("worker")
@click.option("--once", is_flag=True, help="Handle at most one job, then exit.")
@click.option("--burst", is_flag=True, help="Exit once no job is waiting.")
def worker(once, burst):
    """Send the queued e-mails until SIGTERM (the job in hand is finished first)."""
    from . import make_worker

    make_worker(current_app).run(once=once, burst=burst)


@commands.cli.command("resend")
@click.argument("event_id")
def resend(event_id):
    """Queue the e-mail of EVENT_ID again."""
    _run(lambda: services.resend(event_id, current_app.extensions["email_stream"]))
    click.echo(f"Queued {event_id} again.")


@commands.cli.command("retry-dead")
def retry_dead():
    """Queue every dead letter again."""
    requeued = _run(lambda: services.requeue_dead(current_app.extensions["email_stream"]))
    click.echo(f"Queued {len(requeued)} dead e-mail(s) again.")


@commands.cli.command("prune-deliveries")
@click.option(
    "--older-than-days", type=click.IntRange(min=0), default=None, help="Default: DELIVERY_LOG_RETENTION_DAYS."
)
def prune_deliveries(older_than_days):
    """Drop sent e-mails from the delivery log (the workers do it once a day too)."""
    days = current_app.config["DELIVERY_LOG_RETENTION_DAYS"] if older_than_days is None else older_than_days
    removed = services.prune_sent(days)
    click.echo(f"Removed {removed} sent e-mail(s) queued more than {days} day(s) ago.")
