"""Account menu: Billing (Account Summary and Payment Status)."""

from flask import render_template

from . import portal
from .autopay import autopay_state
from .backend import login_required
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
        action_form=EmptyForm(),
    )
