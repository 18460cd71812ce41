"""`billpay-office`: the office's jobs from the shell, as a staff member. `billpay-office sign-in` asks for the
username, password and authenticator code and keeps the staff token (15 minutes) in a file only its owner reads;
the other commands call the services' ops APIs with it, so each is checked for its role and audited under the
person's name like any other ops call."""

import json
import os
import stat
import sys
from pathlib import Path

import click
import urllib3

DEFAULT_URLS = {
    "auth": ("AUTH_SERVICE_URL", "http://127.0.0.1:8001"),
    "invoice": ("INVOICE_SERVICE_URL", "http://127.0.0.1:8002"),
    "payment": ("PAYMENT_SERVICE_URL", "http://127.0.0.1:8003"),
}


def _url(service):
    variable, default = DEFAULT_URLS[service]
    return os.environ.get(variable) or default


def token_file():
    return Path(os.environ.get("BILLPAY_OFFICE_TOKEN_FILE") or Path.home() / ".billpay-office-token")


def _call(method, service, path, body=None, token=None, raw=None, timeout=30):
    """`body` is sent as JSON; `raw` as it is (bytes or an iterable of them, with its own Content-* headers)."""
    headers = {"Content-Type": "application/json"}
    if raw is not None:
        data, headers = raw["data"], dict(raw["headers"])
    else:
        data = None if body is None else json.dumps(body).encode()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = urllib3.PoolManager(retries=False, timeout=timeout).request(
            method, _url(service) + path, body=data, headers=headers
        )
    except urllib3.exceptions.HTTPError as error:
        raise click.ClickException(f"{_url(service)} cannot be reached: {error}") from error
    answer = json.loads(response.data) if response.data else {}
    if response.status >= 400:
        message = answer.get("error", {}).get("message", response.reason) if isinstance(answer, dict) else ""
        raise click.ClickException(f"{message} ({response.status})")
    return response.status, answer


def _token():
    path = token_file()
    if not path.exists():
        raise click.ClickException("Sign in first: billpay-office sign-in")
    return path.read_text().strip()


def _ops(method, service, path, body=None, **kwargs):
    return _call(method, service, path, body, _token(), **kwargs)


def _show(answer):
    click.echo(json.dumps(answer, indent=2, sort_keys=True))


@click.group()
def office():
    """The accounting office's jobs, signed in as a staff member (password + TOTP)."""


@office.command("sign-in")
@click.option("--username", prompt=True)
@click.option("--password", prompt=True, hide_input=True)
@click.option("--code", prompt="Authenticator code")
def sign_in(username, password, code):
    """Sign in and keep the staff token for the next commands."""
    _, answer = _call("POST", "auth", "/staff/sign-in", {"username": username, "password": password, "code": code})
    path = token_file()
    path.touch(mode=stat.S_IRUSR | stat.S_IWUSR, exist_ok=True)
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    path.write_text(answer["access_token"])
    minutes = answer["expires_in"] // 60
    click.echo(f"Signed in as {username} ({', '.join(answer['roles'])}) for {minutes} minutes.")


@office.command("sign-out")
def sign_out():
    """Forget the staff token."""
    token_file().unlink(missing_ok=True)
    click.echo("Signed out.")


@office.command("access")
@click.argument("account")
def access(account):
    """ACCOUNT's portal access."""
    _show(_ops("GET", "auth", f"/ops/access/{account}")[1])


@office.command("grant")
@click.argument("account")
@click.option("--email", required=True)
@click.option("--name", required=True)
def grant(account, email, name):
    """Give ACCOUNT portal access (the generated passcode is printed once)."""
    _, answer = _ops("POST", "auth", "/ops/access", {"account": account, "email": email, "name": name})
    click.echo(f"Granted portal access to {answer['account']} ({answer['email']}).")
    if "passcode" in answer:
        click.echo(f"Passcode: {answer['passcode']}")


@office.command("unlock")
@click.argument("account")
def unlock(account):
    _ops("POST", "auth", f"/ops/access/{account}/unlock")
    click.echo(f"Unlocked {account}.")


@office.command("revoke")
@click.argument("account")
def revoke(account):
    _ops("DELETE", "auth", f"/ops/access/{account}")
    click.echo(f"Revoked portal access of {account}.")


@office.command("reset-passcode")
@click.argument("account")
def reset_passcode(account):
    """E-mail ACCOUNT a single-use set-passcode link; every session of it ends."""
    _, answer = _ops("POST", "auth", f"/ops/access/{account}/reset-passcode")
    sent = "e-mailed" if answer["link_sent"] else "NOT queued (reset again shortly)"
    click.echo(f"Set-passcode link for {account} {sent}.")


@office.command("refund")
@click.argument("payment_id")
def refund(payment_id):
    """Refund PAYMENT_ID (a large one waits for a second supervisor)."""
    status, answer = _ops("POST", "payment", f"/ops/payments/{payment_id}/refund")
    if status == 202:
        click.echo(f"Refund {answer['id']} of {answer['amount']} is awaiting a second supervisor's approval.")
    else:
        click.echo(f"Payment {answer['id']} is {answer['status']}.")


@office.command("approvals")
def approvals():
    """Refunds awaiting a second supervisor."""
    _, waiting = _ops("GET", "payment", "/ops/payments/reversals?status=awaiting_approval")
    for item in waiting:
        click.echo(f"{item['id']}  {item['amount']:>10}  payment {item['payment_id']}  asked by {item['requested_by']}")
    if not waiting:
        click.echo("No refund is awaiting approval.")


@office.command("approve")
@click.argument("reversal_id")
def approve(reversal_id):
    """Approve another supervisor's refund: it goes to the processor now."""
    _, answer = _ops("POST", "payment", f"/ops/payments/reversals/{reversal_id}/approve")
    click.echo(f"Refund {answer['id']} of {answer['amount']} is {answer['status']}.")


@office.command("reject")
@click.argument("reversal_id")
def reject(reversal_id):
    _, answer = _ops("POST", "payment", f"/ops/payments/reversals/{reversal_id}/reject")
    click.echo(f"Refund {answer['id']} is {answer['status']}.")


IMPORT_CHUNK = 64 * 1024
IMPORT_TIMEOUT_SECONDS = 600


def _chunks(handle, bar):
    """The file in pieces as urllib3 sends them: invoice_service imports what arrives, so the bar follows both."""
    while chunk := handle.read(IMPORT_CHUNK):
        bar.update(len(chunk))
        yield chunk


@office.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default=None, help="Defaults to the extension.")
def import_file(path, fmt):
    """Import billing accounts and invoices from a CSV or JSONL file (docs/invoice-import.md) through
    invoice_service's ops API, with a progress bar; every rejected row is printed with its line."""
    fmt = fmt or ("jsonl" if path.lower().endswith((".jsonl", ".json")) else "csv")
    size = os.path.getsize(path)
    token = _token()
    with open(path, "rb") as handle, click.progressbar(length=size, label="Importing", file=sys.stderr) as bar:
        raw = {"data": _chunks(handle, bar), "headers": {"Content-Type": "text/plain", "Content-Length": str(size)}}
        _, answer = _call(
            "POST", "invoice", f"/ops/imports?format={fmt}", token=token, raw=raw, timeout=IMPORT_TIMEOUT_SECONDS
        )
    for row in answer["rejected"]:
        click.echo(f"line {row['line']}: {row['reason']}", err=True)
    for kind, counts in answer["counts"].items():
        click.echo(
            f"{kind}s: created {counts['created']}, updated {counts['updated']}, "
            f"unchanged {counts['unchanged']}, rejected {counts['rejected']}"
        )
    totals = answer["totals"]
    click.echo(
        f"Summary: created {totals['created']}, updated {totals['updated']}, "
        f"unchanged {totals['unchanged']}, rejected {totals['rejected']}"
    )
    if totals["rejected"]:
        sys.exit(1)


def main():
    office()
