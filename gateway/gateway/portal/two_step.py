"""Two-Step Sign-In: set up an authenticator app (its QR code, then a code to confirm), the recovery codes shown
once, new recovery codes, and turning it off (with the passcode or a code)."""

import segno
from flask import flash, redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length, Optional

from . import portal
from .backend import BackendError, call, login_required
from .forms import EmptyForm
from .pages import fetch

CODE_LENGTH = Length(max=40)


class SetupCodeForm(FlaskForm):
    code = StringField("Code from the app", validators=[InputRequired("Enter the 6-digit code."), CODE_LENGTH])


class NewCodesForm(FlaskForm):
    current_code = StringField("Code from the app", validators=[InputRequired("Enter the 6-digit code."), CODE_LENGTH])


class TurnOffForm(FlaskForm):
    passcode = PasswordField("Current passcode", validators=[Optional(), Length(max=200)])
    off_code = StringField("Or a code from the app, or a recovery code", validators=[Optional(), CODE_LENGTH])

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if bool(self.passcode.data) == bool(self.off_code.data):
            self.passcode.errors = ["Enter your current passcode, or else a code."]
            return False
        return True


def qr_code(uri):
    """The otpauth:// address as inline SVG: drawn with attributes only, so the strict CSP lets it show."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff")
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1))


def _page(status, turn_off=None, new_codes=None, error=None, code=200):
    forms = {"start_form": EmptyForm(), "turn_off": turn_off or TurnOffForm(), "new_codes": new_codes or NewCodesForm()}
    return render_template("two_step.html", status=status, error=error, **forms), code


@portal.get("/two-step")
@login_required
def two_step():
    return _page(fetch("auth", "/auth/totp"))


@portal.post("/two-step/setup")
@login_required
def two_step_setup():
    if EmptyForm().validate_on_submit():
        try:
            session["totp_setup"] = call("auth", "POST", "/auth/totp/setup")
        except BackendError as error:
            flash(error.message, "error")
            return redirect(url_for("portal.two_step"))
        return redirect(url_for("portal.two_step_confirm"))
    return redirect(url_for("portal.two_step"))


@portal.route("/two-step/confirm", methods=["GET", "POST"])
@login_required
def two_step_confirm():
    setup = session.get("totp_setup")
    if not setup:
        return redirect(url_for("portal.two_step"))
    form, error = SetupCodeForm(), None
    if form.validate_on_submit():
        try:
            codes = call("auth", "POST", "/auth/totp/confirm", {"code": form.code.data})["recovery_codes"]
        except BackendError as error_answer:
            error = error_answer.message
        else:
            session.pop("totp_setup", None)
            return render_template("two_step_codes.html", codes=codes, just_enabled=True)
    page = render_template(
        "two_step_setup.html", form=form, error=error, qr=qr_code(setup["otpauth_uri"]), key=_grouped(setup["secret"])
    )
    return page, 422 if error else (400 if form.errors else 200)


@portal.post("/two-step/recovery-codes")
@login_required
def two_step_new_codes():
    form = NewCodesForm()
    if not form.validate_on_submit():
        return _page(fetch("auth", "/auth/totp"), new_codes=form, code=400)
    try:
        codes = call("auth", "POST", "/auth/totp/recovery-codes", {"code": form.current_code.data})["recovery_codes"]
    except BackendError as error:
        return _page(fetch("auth", "/auth/totp"), new_codes=form, error=error.message, code=error.status)
    return render_template("two_step_codes.html", codes=codes, just_enabled=False)


@portal.post("/two-step/turn-off")
@login_required
def two_step_turn_off():
    form = TurnOffForm()
    if not form.validate_on_submit():
        return _page(fetch("auth", "/auth/totp"), turn_off=form, code=400)
    proof = {"passcode": form.passcode.data} if form.passcode.data else {"code": form.off_code.data}
    try:
        call("auth", "POST", "/auth/totp/remove", proof)
    except BackendError as error:
        return _page(fetch("auth", "/auth/totp"), turn_off=form, error=error.message, code=error.status)
    flash("Two-step sign-in is off. The login asks for your passcode only.", "info")
    return redirect(url_for("portal.two_step"))


def _grouped(secret):
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
