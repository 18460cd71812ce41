"""Passcode pages: Change Passcode (signed in), Forgot passcode? and the e-mailed set-passcode link."""

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from billpay_common.http import ServiceUnavailable

from .. import signin
from ..clients import service
from ..extensions import limiter
from . import portal
from .backend import login_required

UNAVAILABLE = "This is not available right now. Please try again shortly."


class NewPasscodeFields(FlaskForm):
    new = PasswordField("New passcode", validators=[InputRequired("Enter the new passcode."), Length(max=200)])
    confirm = PasswordField(
        "New passcode again",
        validators=[InputRequired("Enter the new passcode again."), EqualTo("new", "The two new passcodes differ.")],
    )


class ChangePasscodeForm(NewPasscodeFields):
    current = PasswordField(
        "Current passcode", validators=[InputRequired("Enter your current passcode."), Length(max=200)]
    )


class ForgotPasscodeForm(FlaskForm):
    account = StringField("Account number", validators=[InputRequired("Enter your account number."), Length(max=40)])


class SetPasscodeForm(NewPasscodeFields):
    token = HiddenField(validators=[InputRequired(), Length(max=100)])


@portal.route("/passcode", methods=["GET", "POST"])
@login_required
def change_passcode():
    form = ChangePasscodeForm()
    if form.validate_on_submit():
        try:
            if signin.change_passcode(form.current.data, form.new.data) is None:
                return redirect(url_for("portal.login"))
        except signin.SignInError as error:
            return render_template("passcode_change.html", form=form, error=error.message), error.status
        except ServiceUnavailable:
            return render_template("passcode_change.html", form=form, error=UNAVAILABLE), 503
        flash("Your passcode is changed. Every other sign-in to your account has ended.", "info")
        return redirect(url_for("portal.billing"))
    return render_template("passcode_change.html", form=form, error=None), 400 if form.errors else 200


@portal.route("/forgot-passcode", methods=["GET", "POST"])
@limiter.shared_limit(signin.forgot_limit, scope="forgot-passcode", methods=["POST"])
@limiter.shared_limit(
    signin.forgot_account_limit, scope="forgot-passcode-account", key_func=signin.typed_account, methods=["POST"]
)
def forgot_passcode():
    form = ForgotPasscodeForm()
    if form.validate_on_submit():
        try:
            answer = service("auth").post(
                "/auth/passcode/forgot",
                {"account": form.account.data},
                headers={"X-Forwarded-For": request.remote_addr or ""},
            )
        except ServiceUnavailable:
            answer = None
        if answer is None or answer.status != 202:
            return render_template("passcode_forgot.html", form=form, error=UNAVAILABLE), 503
        return render_template("passcode_forgot_sent.html", message=answer.json()["message"])
    return render_template("passcode_forgot.html", form=form, error=None), 400 if form.errors else 200


@portal.route("/set-passcode", methods=["GET", "POST"])
def set_passcode():
    form = SetPasscodeForm()
    if request.method == "GET":
        form.token.data = request.args.get("token", "")
    elif form.validate_on_submit():
        try:
            answer = service("auth").post("/auth/passcode/set", {"token": form.token.data, "new": form.new.data})
        except ServiceUnavailable:
            return render_template("passcode_set.html", form=form, error=UNAVAILABLE), 503
        if answer.status == 204:
            flash("Your new passcode is set. Log in with it.", "info")
            return redirect(url_for("portal.login"))
        error = signin.SignInError.from_response(answer, default_message="The passcode was not set.")
        return render_template("passcode_set.html", form=form, error=error.message), error.status
    return render_template("passcode_set.html", form=form, error=None), 400 if form.errors else 200
