"""Account menu: Billing (Account Summary and Payment Status)."""

from flask import flash, redirect, render_template, request, url_for

from . import portal
from .autopay import autopay_state
from .backend import BackendError, Unreachable, call, login_required
from .formatting import address_lines
from .forms import EmptyForm
from .pages import fetch


@portal.get("/billing")
@login_required
def billing():
    account = fetch("invoice", "/account")
    profile = account["profile"]
    return render_template(
        "billing.html",
        profile=profile,
        address=address_lines(profile.get("address")),
        status=account["payment_status"],
        autopay=autopay_state(),
        pending=pending_payments(),
        action_form=EmptyForm(),
    )


def pending_payments():
    """The account's recent payments not settled yet (a bank debit clearing): their amounts are held on the
    invoices, so Billing says so. An empty list when payment_service cannot say now."""
    try:
        recent = call("payment", "GET", "/payments?page=1&per_page=25")
    except (BackendError, Unreachable):
        return []
    return [payment for payment in recent["items"] if payment["status"] in ("pending", "processing")]


@portal.post("/billing/paperless")
@login_required
def paperless():
    """Paperless billing on or off (the button says which): each new invoice e-mailed with its PDF."""
    if EmptyForm().validate_on_submit():
        wanted = request.form.get("paperless") == "on"
        try:
            call("invoice", "PUT", "/account/paperless", {"paperless": wanted})
        except BackendError as error:
            flash(error.message, "error")
        else:
            flash(
                "Paperless billing is on: each new invoice will be e-mailed to you with its PDF."
                if wanted
                else "Paperless billing is off.",
                "info",
            )
    return redirect(url_for("portal.billing"))
