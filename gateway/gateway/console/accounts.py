"""Find an account: its portal access (grant, revoke, unlock, reset passcode), billing profile, invoices and
payments."""

from urllib.parse import quote

from flask import redirect, render_template, request, url_for

from billpay_common.staff_auth import CLERK, VIEWER

from . import console, staff


def segment(value):
    return quote(str(value), safe="")


@console.get("/accounts")
@staff.role_required(VIEWER)
def accounts():
    account = (request.args.get("account") or "").strip()
    if not account:
        return render_template("console/account_find.html")
    return render_template(
        "console/account.html",
        account=account,
        access=_optional("auth", f"/ops/access/{segment(account)}"),
        billing=_optional("invoice", f"/ops/accounts/{segment(account)}"),
        invoices=_optional("invoice", f"/ops/accounts/{segment(account)}/invoices") or [],
        payments=(_optional("payment", f"/ops/payments?account={segment(account)}&per_page=20") or {}).get("items", []),
    )


def _optional(name, path):
    """An answer, or None when the service has nothing for the account (404)."""
    try:
        return staff.call(name, "GET", path)
    except staff.Refused as error:
        if error.status == 404:
            return None
        raise


def _to_account(account):
    return redirect(url_for("console.accounts", account=account))


@console.post("/accounts/grant")
@staff.role_required(CLERK)
def grant():
    form = request.form
    body = {"account": form.get("account", "").strip(), "email": form.get("email", ""), "name": form.get("name", "")}

    def done(answer):
        told = f"Portal access granted to {answer['account']}; the subscriber was e-mailed that it is on."
        if answer.get("passcode"):  # shown this once, never stored by the console
            return f"{told} Their passcode, shown only now: {answer['passcode']}"
        return told

    staff.act("auth", "POST", "/ops/access", body, done)
    return _to_account(body["account"])


@console.post("/accounts/<account>/revoke")
@staff.role_required(CLERK)
def revoke(account):
    staff.act("auth", "DELETE", f"/ops/access/{segment(account)}", done=f"Portal access of {account} revoked.")
    return _to_account(account)


@console.post("/accounts/<account>/unlock")
@staff.role_required(CLERK)
def unlock(account):
    staff.act("auth", "POST", f"/ops/access/{segment(account)}/unlock", done=f"{account} is unlocked.")
    return _to_account(account)


@console.post("/accounts/<account>/reset-passcode")
@staff.role_required(CLERK)
def reset_passcode(account):
    def done(answer):
        if answer.get("link_sent"):
            return f"Every session of {account} has ended; a set-passcode link was e-mailed to the subscriber."
        return f"Every session of {account} has ended, but the link could not be queued: reset again shortly."

    staff.act("auth", "POST", f"/ops/access/{segment(account)}/reset-passcode", done=done)
    return _to_account(account)
