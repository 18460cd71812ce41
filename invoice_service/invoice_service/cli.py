"""flask --app invoice_service <command>: the accounting office at the command line."""

import getpass
import os
import sys
import time

import click
from flask import Blueprint, current_app
from marshmallow import ValidationError

from billpay_common.errors import DomainError
from billpay_common.money import Money

from . import demo, importer, invoicing, paperless

commands = Blueprint("invoice_commands", __name__, cli_group=None)
AMOUNT = Money()


def _run(action):
    try:
        return action()
    except DomainError as error:
        raise click.ClickException(error.message) from error


def _amount(value):
    try:
        return AMOUNT.deserialize(value)
    except ValidationError as error:
        raise click.BadParameter(f"{value!r} is not an amount such as 12.34") from error


def _actor():
    return f"cli:{getpass.getuser()}"


@commands.cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default=None, help="Defaults to the file's extension."
)
@click.option("--batch-size", type=click.IntRange(1, 50000), default=None)
def import_file(path, fmt, batch_size):
    """Import billing accounts and invoices (with charges) from a CSV or JSONL file; see docs/invoice-import.md."""
    fmt = fmt or ("jsonl" if path.lower().endswith((".jsonl", ".json")) else "csv")
    started = time.perf_counter()
    lines_read = [0]

    def report(line, reason):
        click.echo(f"line {line}: {reason}", err=True)

    with (
        open(path, newline="", encoding="utf-8-sig") as handle,
        click.progressbar(length=os.path.getsize(path), label="Importing", file=sys.stderr) as bar,
    ):

        def lines():
            for line in handle:
                lines_read[0] += 1
                bar.update(len(line))
                yield line

        summary = importer.import_lines(
            lines(), fmt, batch_size or current_app.config["INVOICE_IMPORT_BATCH_SIZE"], on_reject=report
        )
    seconds = time.perf_counter() - started
    for kind, counts in summary.counts.items():
        click.echo(
            f"{kind}s: created {counts['created']}, updated {counts['updated']}, "
            f"unchanged {counts['unchanged']}, rejected {counts['rejected']}"
        )
    click.echo(
        f"Summary: created {summary.total('created')}, updated {summary.total('updated')}, "
        f"unchanged {summary.total('unchanged')}, rejected {summary.total('rejected')} "
        f"({lines_read[0]} lines in {seconds:.1f} s, {lines_read[0] / max(seconds, 1e-6):.0f} lines/s)"
    )
    if summary.total("rejected"):
        sys.exit(1)


@commands.cli.command("seed-demo")
def seed_demo():
    """Seed the user guide's test account 99939999 and its invoices (idempotent)."""
    _run(demo.seed)
    click.echo("Demo billing account 99939999 is ready: outstanding balance $215.95.")


ACCOUNT_OPTIONS = [
    "name",
    "line1",
    "line2",
    "city",
    "state",
    "zip",
    "account_type",
    "status",
    "comm_type",
    "online_date",
    "phone",
    "email",
]


def _account_options(command):
    for name in reversed(ACCOUNT_OPTIONS):
        command = click.option(f"--{name.replace('_', '-')}", name, default=None)(command)
    return command


@commands.cli.command("account-create")
@click.argument("system_number")
@_account_options
def account_create(system_number, **fields):
    """Create billing account SYSTEM_NUMBER (--name is required)."""
    given = {name: value for name, value in fields.items() if value is not None}
    account = _run(lambda: invoicing.create_account({"system_number": system_number, **given}))
    click.echo(f"Created billing account {account.system_number} ({account.name}).")


@commands.cli.command("account-update")
@click.argument("system_number")
@_account_options
def account_update(system_number, **fields):
    """Change the given fields of billing account SYSTEM_NUMBER."""
    given = {name: value for name, value in fields.items() if value is not None}
    _run(lambda: invoicing.update_account(system_number, given))
    click.echo(f"Updated billing account {system_number}.")


@commands.cli.command("invoice-create")
@click.argument("number")
@click.option("--account", required=True)
@click.option("--date", "day", required=True, help="YYYY-MM-DD")
@click.option("--due-date", required=True, help="YYYY-MM-DD")
@click.option("--amount", required=True)
@click.option(
    "--charge",
    "charges",
    multiple=True,
    metavar="DESCRIPTION:UNIT_PRICE[:TAX]",
    help="A line item; repeat for more. Charges and tax must add up to --amount.",
)
def invoice_create(number, account, day, due_date, amount, charges):
    """Create invoice NUMBER for an account."""
    items = []
    for charge in charges:
        if ":" not in charge:
            raise click.BadParameter(f"{charge!r}: write a charge as DESCRIPTION:UNIT_PRICE[:TAX]")
        parts = charge.rsplit(":", 2) if charge.count(":") >= 2 else charge.rsplit(":", 1) + ["0"]
        items.append({"description": parts[0], "unit_price": parts[1], "tax": parts[2]})
    invoice = _run(
        lambda: invoicing.create_invoice(
            {
                "number": number,
                "account": account,
                "date": day,
                "due_date": due_date,
                "amount": amount,
                "charges": items,
            }
        )
    )
    click.echo(f"Created invoice {invoice.number}: {invoice.amount}, balance {invoice.balance}.")


@commands.cli.command("invoice-adjust")
@click.argument("number")
@click.argument("amount")
@click.option("--reason", required=True)
def invoice_adjust(number, amount, reason):
    """Add a signed AMOUNT to invoice NUMBER's balance (a credit is negative: use -- -10.00)."""
    invoice = _run(lambda: invoicing.adjust_invoice(number, _amount(amount), reason, _actor()))
    click.echo(f"Invoice {invoice.number}: balance {invoice.balance}, {invoice.status}.")


@commands.cli.command("invoice-void")
@click.argument("number")
@click.option("--reason", required=True)
def invoice_void(number, reason):
    """Void invoice NUMBER (refused while payments are applied to it)."""
    _run(lambda: invoicing.void_invoice(number, reason, _actor()))
    click.echo(f"Invoice {number} is void.")


@commands.cli.command("invoices")
@click.argument("system_number")
def invoices(system_number):
    """List an account's invoices with their balances."""
    rows = _run(lambda: invoicing.account_invoices(system_number))
    click.echo(f"{'Invoice':<12}{'Date':<12}{'Due':<12}{'Amount':>12}{'Balance':>12}  Status")
    for row in rows:
        click.echo(
            f"{row.number:<12}{row.date.isoformat():<12}{row.due_date.isoformat():<12}"
            f"{row.amount:>12}{row.balance:>12}  {row.status}"
        )
    click.echo(f"Outstanding balance: {sum(r.balance for r in rows if r.status == 'open'):.2f}")


@commands.cli.command("paperless-send")
def paperless_send():
    """E-mail every new invoice of a paperless account not sent yet (after Redis was away)."""
    click.echo(f"queued {paperless.send_all_quietly()} invoice e-mails")
