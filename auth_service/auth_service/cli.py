"""flask --app auth_service <command>: the accounting office at the command line."""

import getpass

import click
from flask import Blueprint, current_app

from billpay_common.errors import DomainError
from billpay_common.staff_auth import ROLES

from . import access, keys, mfa, secret_box, staff

commands = Blueprint("auth_commands", __name__, cli_group=None)


def _actor():
    return f"cli:{getpass.getuser()}"


def _run(action):
    try:
        return action()
    except DomainError as error:
        raise click.ClickException(error.message) from error


@commands.cli.command("grant-access")
@click.argument("account")
@click.option("--email", required=True, help="Where the access notice goes.")
@click.option("--name", default="", help="The contact's name, shown as 'Welcome <name>'.")
@click.option("--passcode", default=None, help="The contact passcode; generated and printed when left out.")
def grant_access(account, email, name, passcode):
    """Give ACCOUNT portal access."""
    user, passcode, generated = _run(lambda: access.grant_access(account, email, name or account, _actor(), passcode))
    click.echo(f"Granted portal access to {user.account} ({user.email}).")
    if generated:
        click.echo(f"Passcode: {passcode}")


@commands.cli.command("revoke-access")
@click.argument("account")
def revoke_access(account):
    """End ACCOUNT's portal access."""
    _run(lambda: access.revoke_access(account, _actor()))
    click.echo(f"Revoked portal access of {account}.")


@commands.cli.command("reset-passcode")
@click.argument("account")
@click.option("--passcode", default=None, help="The new passcode; generated and printed when left out.")
def reset_passcode(account, passcode):
    """Set a new passcode for ACCOUNT (also unlocks it and ends every session it has)."""
    user, passcode, generated = _run(lambda: access.set_passcode(account, _actor(), passcode))
    click.echo(f"New passcode set for {user.account}.")
    if generated:
        click.echo(f"Passcode: {passcode}")


@commands.cli.command("unlock")
@click.argument("account")
def unlock(account):
    """Lift ACCOUNT's lockout after too many failed logins."""
    _run(lambda: access.unlock(account, _actor()))
    click.echo(f"Unlocked {account}.")


@commands.cli.command("reset-totp")
@click.argument("account")
@click.option("--identity-check", required=True, help="How you checked who is calling (kept in the audit).")
def reset_totp(account, identity_check):
    """Turn off ACCOUNT's two-step sign-in (a lost authenticator app), once you have checked who is calling."""
    _run(lambda: mfa.office_reset(account, _actor(), identity_check))
    click.echo(f"Two-step sign-in is off for {account}; the next login asks for the passcode only.")


@commands.cli.command("rotate-signing-key")
def rotate_signing_key():
    """Start signing tokens with a new key; the old one still verifies until retired."""
    click.echo(f"New signing key {keys.rotate_key()}.")


@commands.cli.command("rotate-totp-key")
def rotate_totp_key():
    """Encrypt every TOTP secret again with the first of TOTP_ENCRYPTION_KEYS (then the old key may go)."""
    click.echo(f"{secret_box.rotate_all()} TOTP secret(s) encrypted with the first key.")


@commands.cli.command("retire-signing-keys")
def retire_signing_keys():
    """Stop publishing every replaced key whose tokens have all expired (run after rotate-signing-key)."""
    retired = _run(lambda: keys.retire_expired_keys(current_app.config["ACCESS_TOKEN_TTL_SECONDS"]))
    click.echo("\n".join(f"Retired signing key {kid}." for kid in retired) or "No signing key to retire yet.")


@commands.cli.command("retire-signing-key")
@click.argument("kid")
def retire_signing_key(kid):
    """Stop publishing signing key KID (never the current key, nor one whose tokens may still be alive)."""
    _run(lambda: keys.retire_key(kid, current_app.config["ACCESS_TOKEN_TTL_SECONDS"]))
    click.echo(f"Retired signing key {kid}.")


@commands.cli.command("seed-demo")
@click.option("--passcode", envvar="DEMO_PASSCODE", required=True)
def seed_demo(passcode):
    """Give the guide's test account 99939999 access with PASSCODE (idempotent)."""
    from .extensions import db
    from .models import PortalUser

    user = db.session.get(PortalUser, "99939999")
    if user is None or not user.active:
        _run(lambda: access.grant_access("99939999", "michael.jones@example.com", "Michael Jones", _actor(), passcode))
    else:
        _run(lambda: access.set_passcode("99939999", _actor(), passcode))
    keys.ensure_key()
    click.echo("Demo account 99939999 is ready.")


@commands.cli.group("staff")
def staff_commands():
    """Staff accounts of the office."""


def _print_login(member, password):
    click.echo(f"Staff member {member.username} ({', '.join(member.role_list)}).")
    click.echo(f"Password: {password}")
    click.echo(f"TOTP secret: {member.totp_secret}")
    click.echo(f"TOTP URI: {staff.enrolment(member)['otpauth_uri']}")
    click.echo("Shown once: enter the secret (or the URI) in an authenticator app now.")


@staff_commands.command("bootstrap-admin")
@click.argument("username")
def bootstrap_admin(username):
    """Create the first admin USERNAME and print its password and TOTP secret once (refused once an admin exists)."""
    member, password = _run(lambda: staff.bootstrap_admin(username, _actor()))
    _print_login(member, password)


@staff_commands.command("seed-demo")
@click.option("--username", default="demo-admin", show_default=True)
@click.option("--password", envvar="DEMO_STAFF_PASSWORD", required=True)
@click.option("--totp-secret", envvar="DEMO_STAFF_TOTP_SECRET", required=True)
def seed_demo_staff(username, password, totp_secret):
    """A demo staff member with every role, for `make run` and test stacks (idempotent; never in production)."""
    from .extensions import db
    from .models import StaffMember

    existing = db.session.get(StaffMember, username)
    if existing is not None:
        db.session.delete(existing)
        db.session.commit()
    _run(lambda: staff.create_staff(username, [*ROLES], _actor(), password=password, totp_secret=totp_secret))
    click.echo(f"Demo staff member {username} is ready.")
