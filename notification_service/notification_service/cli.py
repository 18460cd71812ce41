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
