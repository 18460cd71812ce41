"""The console's sign-in (username, password and authenticator code) and sign-out."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length, Regexp

from billpay_common.http import ServiceUnavailable

from ..extensions import limiter
from . import console, staff


class SignInForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired("Enter your staff username."), Length(max=40)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password."), Length(max=200)])
    code = StringField(
        "Authenticator code",
        validators=[InputRequired("Enter the 6-digit code."), Regexp(r"^\s*\d{6}\s*$", message="Six digits.")],
    )


def sign_in_limit():
    return current_app.config["CONSOLE_SIGN_IN_RATE_LIMIT"]


@console.get("/")
def home():
    if not staff.signed_in():
        return redirect(url_for("console.sign_in"))
    return render_template("console/home.html")


@console.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, scope="console-sign-in", methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        try:
            staff.sign_in(form.username.data, form.password.data, form.code.data.strip(), request.remote_addr or "")
        except staff.Refused as error:
            return render_template("console/sign_in.html", form=form, error=error.message), error.status
        except ServiceUnavailable:
            error = "Sign-in is not available right now. Please try again shortly."
            return render_template("console/sign_in.html", form=form, error=error), 503
        return redirect(url_for("console.home"))
    return render_template("console/sign_in.html", form=form, error=None), 400 if form.errors else 200


@console.post("/sign-out")
def sign_out():
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("console.sign_in"))
