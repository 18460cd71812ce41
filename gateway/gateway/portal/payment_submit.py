"""Make A Payment, steps 3 and 4: Pay With Credit Card (or a saved card or bank account), Submit Payment,
Confirmation.

Submit Payment sends the checkout's Idempotency-Key, so a second submit returns the first payment instead
of charging again. The card is entered in the processor's own fields; the portal gets and passes on only the
processor's one-time token (payment_method).
"""

from flask import flash, redirect, render_template, session, url_for

from . import portal
from .backend import BackendError, Unreachable, call, login_required
from .forms import CardPaymentForm, SavedBankAccountPaymentForm, SavedCardPaymentForm
from .pages import fetch, segment
from .payment import current_checkout, new_key, summary

CARD_FIELDS = {"payment_method": "payment_method", "card": "payment_method", "receipt_email": "receipt_email"}
TRY_AGAIN = "Bill Pay could not reach the payment service. Your card was not charged. Please try again shortly."


def account_email():
    return fetch("invoice", "/account")["profile"].get("email") or ""


def submit(body):
    """(payment, None) or (None, BackendError | None for 'unreachable'). Ends the checkout on success."""
    state = current_checkout()
    try:
        payment = call("payment", "POST", "/payments", body, headers={"Idempotency-Key": state["key"]})
    except BackendError as error:
        if error.code != "idempotency_key_in_use":  # the first request may still charge: keep its key
            new_key()
        return None, error
    except Unreachable:
        return None, None  # outcome unknown: the same key again can only return the first result
    session.pop("checkout", None)
    session["last_payment"] = payment["id"]
    return payment, None


def refusal(error):
    """The page-level message for an error; field errors are shown next to their fields instead."""
    if error is None:
        return TRY_AGAIN
    if error.code == "amount_exceeds_balance" or any(name.startswith("allocations") for name in error.fields):
        return f"{error.message} Go back to Make A Payment to change the amounts."
    return error.message


def without_checkout():
    """Submit after the payment went through (a second click, or Back): show the payment, never pay again."""
    if session.get("last_payment"):
        return redirect(url_for("portal.pay_confirmation", payment_id=session["last_payment"]))
    flash("Choose the invoices to pay first.", "info")
    return redirect(url_for("portal.pay"))


@portal.route("/pay/card", methods=["GET", "POST"])
@login_required
def pay_card():
    if not current_checkout():
        return without_checkout()
    form = CardPaymentForm()
    message, status = None, 200
    if form.validate_on_submit():
        body = {
            "allocations": current_checkout()["allocations"],
            "payment_method": form.payment_method.data,
            "receipt_email": form.receipt_email.data or None,
            "save_card": form.save_card.data,
        }
        payment, error = submit(body)
        if payment:
            return redirect(url_for("portal.pay_confirmation", payment_id=payment["id"]))
        for name, problem in (error.fields if error else {}).items():
            if name in CARD_FIELDS:
                getattr(form, CARD_FIELDS[name]).errors = [problem]
        message = None if error and set(error.fields) & set(CARD_FIELDS) else refusal(error)
        status = error.status if error else 503
    elif form.is_submitted():
        status = 400
    else:
        form.receipt_email.data = account_email()
    total, pairs = summary()
    return render_template("pay_card.html", form=form, total=total, pairs=pairs, message=message), status


@portal.route("/pay/saved/<profile_id>", methods=["GET", "POST"])
@login_required
def pay_saved(profile_id):
    if not current_checkout():
        return without_checkout()
    profile = next((p for p in fetch("payment", "/payment-profiles")["items"] if p["id"] == profile_id), None)
    if profile is None:
        flash("That saved payment method was not found. Please choose another.", "error")
        return redirect(url_for("portal.pay_method"))
    total, pairs = summary()
    bank = profile.get("kind") == "us_bank_account"
    form = SavedBankAccountPaymentForm() if bank else SavedCardPaymentForm()
    debit = one_time_debit(profile_id, total) if bank else None
    message, status = None, 200
    if form.validate_on_submit():
        body = {
            "allocations": current_checkout()["allocations"],
            "profile_id": profile_id,
            "receipt_email": form.receipt_email.data or None,
        }
        if bank:
            body["ach_authorization"] = form.ach_version.data
        payment, error = submit(body)
        if payment:
            return redirect(url_for("portal.pay_confirmation", payment_id=payment["id"]))
        if error and "receipt_email" in error.fields:
            form.receipt_email.errors = [error.fields["receipt_email"]]
        message, status = refusal(error), (error.status if error else 503)
    elif form.is_submitted():
        status = 400
    else:
        form.receipt_email.data = account_email()
    return render_template(
        "pay_saved.html", form=form, profile=profile, total=total, pairs=pairs, message=message, debit=debit
    ), status


def one_time_debit(profile_id, total):
    """The NACHA authorization of a one-time debit of `total` from a saved bank account: {version, text}."""
    return fetch("payment", f"/payment-profiles/{segment(profile_id)}/debit-authorization", amount=str(total))


@portal.get("/pay/confirmation/<payment_id>")
@login_required
def pay_confirmation(payment_id):
    payment = fetch("payment", f"/payments/{segment(payment_id)}")
    return render_template("payment_detail.html", payment=payment, confirmation=True)
