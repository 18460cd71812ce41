"""Manage Profiles: the account's saved cards. Add (a token from the processor's own card fields), remove, make
default."""

from flask import flash, redirect, render_template, url_for

from . import portal
from .backend import BackendError, call, login_required
from .forms import EmptyForm, ProfileForm
from .pages import fetch, segment
from .payment_submit import CARD_FIELDS


@portal.route("/profiles", methods=["GET", "POST"])
@login_required
def profiles():
    form = ProfileForm()
    message, status = None, 200
    if form.validate_on_submit():
        body = {"payment_method": form.payment_method.data, "make_default": form.make_default.data}
        try:
            added = call("payment", "POST", "/payment-profiles", body)
        except BackendError as error:
            for name, problem in error.fields.items():
                if name in CARD_FIELDS:
                    getattr(form, CARD_FIELDS[name]).errors = [problem]
            message = None if set(error.fields) & set(CARD_FIELDS) else error.message
            status = error.status
        else:
            flash(f"{added['brand']} ending {added['last4']} was saved.", "info")
            return redirect(url_for("portal.profiles"))
    elif form.is_submitted():
        status = 400
    items = fetch("payment", "/payment-profiles")["items"]
    return render_template("profiles.html", form=form, profiles=items, message=message, action_form=EmptyForm()), status


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
    return _profile_action(profile_id, "", "DELETE", "The card was removed.")


@portal.post("/profiles/<profile_id>/default")
@login_required
def default_profile(profile_id):
    return _profile_action(profile_id, "/default", "POST", "That card is now your default.")
