"""AutoPay: set it up or change the card or bank account (read the authorization, tick I agree; for a bank account
also read its debit authorization and tick I authorize; confirm), or turn it off."""

from flask import flash, redirect, render_template, request, url_for

from . import portal
from .backend import BackendError, Unreachable, call, login_required
from .formatting import method_name
from .forms import AutoPayForm, EmptyForm
from .pages import fetch, segment
from .profiles import BANK_ACCOUNT

ACH_UNTICKED = "Tick I authorize to let AutoPay debit this bank account."


def autopay_state():
    """The account's AutoPay, or None when payment_service cannot say now (Billing still shows the rest)."""
    try:
        return call("payment", "GET", "/autopay")
    except (BackendError, Unreachable):
        return None


def _client():
    return {"X-Forwarded-For": request.remote_addr or ""}


def debit_authorizations(methods):
    """{bank account's profile id: its AutoPay debit authorization {version, text}} for the saved bank accounts."""
    return {
        method["id"]: fetch("payment", f"/payment-profiles/{segment(method['id'])}/debit-authorization")
        for method in methods
        if method.get("kind") == BANK_ACCOUNT
    }


def _ach_problem(form, chosen):
    """The I authorize error when the chosen method is a bank account whose debits were not authorized."""
    if chosen is None or chosen.get("kind") != BANK_ACCOUNT:
        return None
    if chosen["id"] not in request.form.getlist("ach_agree") or not form.ach_version.data:
        return ACH_UNTICKED
    return None


@portal.route("/autopay", methods=["GET", "POST"])
@login_required
def autopay():
    cards = fetch("payment", "/payment-profiles")["items"]
    form = AutoPayForm(profile_ids=[card["id"] for card in cards])
    message, status, ach_error = None, 200, None
    valid = form.validate_on_submit()
    picked = next((card for card in cards if card["id"] == form.profile_id.data), None)
    if form.is_submitted():
        ach_error = _ach_problem(form, picked)
    if valid and not ach_error:
        body = {"profile_id": form.profile_id.data, "terms_version": form.terms_version.data, "agree": True}
        if picked and picked.get("kind") == BANK_ACCOUNT:
            body["ach_authorization"] = form.ach_version.data
        try:
            state = call("payment", "PUT", "/autopay", body, headers=_client())
        except BackendError as error:
            message, status = error.message, error.status
        else:
            method = state["method"]
            flash(f"AutoPay is on, from {method_name(picked or method)} ending {method['last4']}.", "info")
            return redirect(url_for("portal.billing"))
    elif form.is_submitted():
        status = 400
    current = fetch("payment", "/autopay")
    terms = fetch("payment", "/autopay/terms")
    chosen = form.profile_id.data or (current["method"] or {}).get("profile_id")
    if not chosen and cards:
        chosen = next((card["id"] for card in cards if card["is_default"]), cards[0]["id"])
    page = render_template(
        "autopay.html",
        form=form,
        cards=cards,
        chosen=chosen,
        terms=terms,
        current=current,
        message=message,
        debits=debit_authorizations(cards),
        ach_error=ach_error,
        ach_ticked=request.form.getlist("ach_agree"),
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
