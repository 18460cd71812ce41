"""Make A Payment, steps 1 and 2: Enter Payment Amounts, then Select Payment Method.

The checkout (invoices, amounts, Idempotency-Key) lives in the server-side session, never in hidden fields.
"""

import secrets

from flask import flash, redirect, render_template, request, session, url_for

from . import checkout, portal
from .backend import login_required
from .pages import fetch


def open_invoices():
    """The account's open invoices (at most the 50 a payment can take), with balances from invoice_service."""
    result = fetch("invoice", "/invoices", status="open", page=1, per_page=checkout.MAX_INVOICES)
    return result["items"], result["total"]


def current_checkout():
    return session.get("checkout")


def save_checkout(allocations):
    """Keep the chosen amounts; a new Idempotency-Key whenever the payment asked for changes."""
    previous = current_checkout() or {}
    key = previous.get("key") if previous.get("allocations") == allocations else None
    session["checkout"] = {"allocations": allocations, "key": key or secrets.token_urlsafe(24)}


def new_key():
    """After a definite refusal (nothing charged) the next attempt is a new payment with a new key."""
    if current_checkout():
        session["checkout"] = {**current_checkout(), "key": secrets.token_urlsafe(24)}


def summary():
    """(total, [(invoice, amount)]) of the checkout in the session, or None."""
    state = current_checkout()
    return checkout.from_allocations(state["allocations"]) if state else None


@portal.route("/pay", methods=["GET", "POST"])
@login_required
def pay():
    invoices, total_open = open_invoices()
    if request.method == "POST":
        limits = fetch("payment", "/payments/limits")
        selection = checkout.select(invoices, set(request.form.getlist("invoice")), request.form, limits)
        if request.form.get("action") == "continue" and not selection.errors:
            save_checkout(selection.allocations)
            return redirect(url_for("portal.pay_method"))
        status = 400 if selection.errors else 200
    else:
        state = current_checkout()
        if state:
            chosen = {item["invoice"]: item["amount"] for item in state["allocations"]}
            amounts = {f"amount-{item['number']}": chosen.get(item["number"], item["balance"]) for item in invoices}
            selection = checkout.select(invoices, set(chosen), amounts)
        else:
            selection = checkout.select(
                invoices,
                {item["number"] for item in invoices},
                {f"amount-{item['number']}": item["balance"] for item in invoices},
            )
        selection.errors.pop("invoices", None)  # nothing was asked yet
        status = 200
    return render_template(
        "pay_amounts.html", selection=selection, total_open=total_open, shown=len(selection.rows)
    ), status


@portal.get("/pay/method")
@login_required
def pay_method():
    if not current_checkout():
        flash("Choose the invoices to pay first.", "info")
        return redirect(url_for("portal.pay"))
    total, pairs = summary()
    profiles = fetch("payment", "/payment-profiles")["items"]
    return render_template("pay_method.html", total=total, pairs=pairs, profiles=profiles)
