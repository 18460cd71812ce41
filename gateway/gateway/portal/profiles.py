"""Manage Profiles: the account's saved cards and bank accounts. Add a card (a token from the processor's own card
fields) or a bank account (a SetupIntent the processor's own dialog collected and the subscriber confirmed under the
debit authorization: Stripe.js collectBankAccountForSetup and confirmUsBankAccountSetup), remove, make default."""

from urllib.parse import urlsplit

from flask import flash, jsonify, redirect, render_template, session, url_for

from . import portal
from .backend import BackendError, Unreachable, call, login_required
from .formatting import method_name
from .forms import BankAccountProfileForm, EmptyForm, ProfileForm
from .pages import fetch, segment
from .payment_submit import CARD_FIELDS

BANK_ACCOUNT = "us_bank_account"
# Stripe's bank login (Financial Connections, behind collectBankAccountForSetup) needs the page's origin as Referer
# (its deployment checklist); the origin alone, never a path, and only over HTTPS
BANK_LOGIN_HEADERS = {"Referrer-Policy": "strict-origin"}
TO_VERIFY = "bank_account_verify_url"  # the session's note of a connected bank account awaiting microdeposits
AWAITING_VERIFICATION = (
    "Your bank account is connected but must be verified before you can pay from it: the payment processor is "
    "sending it two small deposits, with an e-mail, within 1 to 2 business days. Once you verify them, the bank "
    "account is saved here."
)


def split_profiles(items):
    """(saved cards, saved bank accounts) of payment_service's profile list."""
    return [p for p in items if p.get("kind") != BANK_ACCOUNT], [p for p in items if p.get("kind") == BANK_ACCOUNT]


def _add(form, message_for):
    """A card: (redirect, None) once saved, else (None, (page message, status)) with field errors set on the form."""
    body = {"payment_method": form.payment_method.data, "make_default": form.make_default.data}
    try:
        added = call("payment", "POST", "/payment-profiles", body)
    except BackendError as error:
        for name, problem in error.fields.items():
            if name in CARD_FIELDS:
                form.payment_method.errors = [problem]
        message = None if set(error.fields) & set(CARD_FIELDS) else error.message
        return None, (message, error.status)
    flash(message_for(added), "info")
    return redirect(url_for("portal.profiles")), None


def _page(card_form, bank_form, card_message=None, bank_message=None, status=200):
    cards, banks = split_profiles(fetch("payment", "/payment-profiles")["items"])
    page = render_template(
        "profiles.html",
        form=card_form,
        bank_form=bank_form,
        profiles=cards,
        bank_accounts=banks,
        message=card_message,
        bank_message=bank_message,
        verify_url=session.pop(TO_VERIFY, None),
        action_form=EmptyForm(),
    )
    return page, status, BANK_LOGIN_HEADERS


@portal.route("/profiles", methods=["GET", "POST"])
@login_required
def profiles():
    form = ProfileForm()
    if form.validate_on_submit():
        done, refused = _add(form, lambda added: f"{method_name(added)} ending {added['last4']} was saved.")
        return done or _page(form, BankAccountProfileForm(formdata=None), refused[0], status=refused[1])
    return _page(form, BankAccountProfileForm(formdata=None), status=400 if form.is_submitted() else 200)


@portal.post("/profiles/bank-account")
@login_required
def add_bank_account():
    form = BankAccountProfileForm()
    if form.validate_on_submit():
        body = {"setup_intent": form.setup_intent.data, "make_default": form.make_default.data}
        if form.ach_version.data:
            body["ach_authorization"] = form.ach_version.data
        try:
            added = call("payment", "POST", "/payment-profiles", body)
        except BackendError as error:
            field = form.ach_agree if "ach_authorization" in error.fields else form.setup_intent
            field.errors = [error.message]
            return _page(ProfileForm(formdata=None), form, bank_message=error.message, status=error.status)
        if added.get("status") == "awaiting_verification":
            _note_verification(added.get("verify_url"))
        else:
            flash(f"{method_name(added)} ending {added['last4']} was saved.", "info")
        return redirect(url_for("portal.profiles"))
    return _page(ProfileForm(formdata=None), form, status=400)


@portal.post("/profiles/bank-account/setup")
@login_required
def start_bank_account_setup():
    """JSON for the page's script (CSRF-checked like every portal POST): the client_secret of a new SetupIntent for
    the processor's script to collect the bank account with, and the debit authorization to show before confirming."""
    try:
        started = call("payment", "POST", "/payment-profiles/bank-account-setup")
    except BackendError as error:
        return jsonify(error={"code": error.code, "message": error.message}), error.status
    return jsonify(
        setup_intent=started["id"],
        client_secret=started["client_secret"],
        debit_authorization=started["debit_authorization"],
        email=_email_on_file(),
    )


def _note_verification(verify_url):
    flash(AWAITING_VERIFICATION, "info")
    # the processor's own page (the sandbox's is plain http on this machine), never a javascript: or data: link
    if isinstance(verify_url, str) and urlsplit(verify_url).scheme in ("https", "http"):
        session[TO_VERIFY] = verify_url


def _email_on_file():
    """The account's e-mail address for the processor's billing_details (Stripe e-mails its mandate there), when
    invoice_service answers; the bank account can be connected without it."""
    try:
        return call("invoice", "GET", "/account")["profile"].get("email") or None
    except (BackendError, Unreachable):
        return None


def _profile_action(profile_id, path_suffix, method, done):
    if EmptyForm().validate_on_submit():
        try:
            call("payment", method, f"/payment-profiles/{segment(profile_id)}{path_suffix}")
        except BackendError as error:
            flash(error.message, "error")
        else:
            flash(done, "info")
    return redirect(url_for("portal.profiles"))


@portal.post("/profiles/<profile_id>/remove")
@login_required
def remove_profile(profile_id):
    return _profile_action(profile_id, "", "DELETE", "The payment method was removed.")


@portal.post("/profiles/<profile_id>/default")
@login_required
def default_profile(profile_id):
    return _profile_action(profile_id, "/default", "POST", "That payment method is now your default.")
