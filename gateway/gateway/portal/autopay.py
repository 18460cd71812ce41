"""AutoPay: set it up or change the card (read the authorization, tick I agree, confirm), or turn it off."""

from flask import flash, redirect, render_template, request, url_for

from . import portal
from .backend import BackendError, Unreachable, call, login_required
from .forms import AutoPayForm, EmptyForm
from .pages import fetch


def autopay_state():
    """The account's AutoPay, or None when payment_service cannot say now (Billing still shows the rest)."""
    try:
        return call("payment", "GET", "/autopay")
    except (BackendError, Unreachable):
        return None


def _client():
    return {"X-Forwarded-For": request.remote_addr or ""}


@portal.route("/autopay", methods=["GET", "POST"])
@login_required
def autopay():
    cards = fetch("payment", "/payment-profiles")["items"]
    form = AutoPayForm(profile_ids=[card["id"] for card in cards])
    message, status = None, 200
    if form.validate_on_submit():
        body = {"profile_id": form.profile_id.data, "terms_version": form.terms_version.data, "agree": True}
        try:
            state = call("payment", "PUT", "/autopay", body, headers=_client())
        except BackendError as error:
            message, status = error.message, error.status
        else:
            method = state["method"]
            flash(f"AutoPay is on, from {method['brand']} ending {method['last4']}.", "info")
            return redirect(url_for("portal.billing"))
    elif form.is_submitted():
        status = 400
    current = fetch("payment", "/autopay")
    terms = fetch("payment", "/autopay/terms")
    chosen = form.profile_id.data or (current["method"] or {}).get("profile_id")
    if not chosen and cards:
        chosen = next((card["id"] for card in cards if card["is_default"]), cards[0]["id"])
    page = render_template(
        "autopay.html", form=form, cards=cards, chosen=chosen, terms=terms, current=current, message=message
    )
    return page, status


@portal.post("/autopay/off")
@login_required
def autopay_off():
    if EmptyForm().validate_on_submit():
        try:
            call("payment", "DELETE", "/autopay", headers=_client())
        except BackendError as error:
            flash(error.message, "error")
        else:
            flash("AutoPay is off. Invoices will not be charged automatically.", "info")
    return redirect(url_for("portal.billing"))
