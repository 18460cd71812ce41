"""Login and Logout."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for

from billpay_common.http import ServiceUnavailable

from .. import signin
from ..extensions import limiter
from ..proxy import login_limit
from . import portal
from .forms import EmptyForm, LoginCodeForm, LoginForm

UNAVAILABLE = "Login is not available right now. Please try again shortly."


def _safe_next(target):
    parts = urlsplit(target or "")
    return target if target and not parts.scheme and not parts.netloc and target.startswith("/") else None


@portal.get("/")
def home():
    return redirect(url_for("portal.billing") if signin.signed_in() else url_for("portal.login"))


@portal.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, scope="login", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            answer = signin.login(form.username.data, form.password.data, request.remote_addr or "")
        except signin.SignInError as error:
            form.password.data = ""
            return render_template("login.html", form=form, error=error.message), error.status
        except ServiceUnavailable:
            return render_template("login.html", form=form, error=UNAVAILABLE), 503
        if answer.get("code_required"):
            session.regenerate()  # a session id fixed before the passcode must not hold the half-done login
            session.update(login_challenge=answer["challenge"], login_next=_safe_next(request.args.get("next")))
            return redirect(url_for("portal.login_code"))
        return redirect(_safe_next(request.args.get("next")) or url_for("portal.billing"))
    status = 400 if form.errors else 200
    return render_template("login.html", form=form, error=None), status


@portal.route("/login/code", methods=["GET", "POST"])
@limiter.limit(login_limit, scope="login-code", methods=["POST"])
def login_code():
    """The second step when two-step sign-in is on: the code from the authenticator app, or a recovery code."""
    if not session.get("login_challenge"):
        return redirect(url_for("portal.login"))
    form = LoginCodeForm()
    if form.validate_on_submit():
        next_page = session.get("login_next")
        try:
            signin.login_with_code(session["login_challenge"], form.code.data, request.remote_addr or "")
        except signin.SignInError as error:
            if error.code == "challenge_expired":
                session.pop("login_challenge", None)
                flash(error.message, "info")
                return redirect(url_for("portal.login"))
            return render_template("login_code.html", form=form, error=error.message), error.status
        except ServiceUnavailable:
            return render_template("login_code.html", form=form, error=UNAVAILABLE), 503
        return redirect(next_page or url_for("portal.billing"))
    return render_template("login_code.html", form=form, error=None), 400 if form.errors else 200


@portal.post("/logout")
def logout():
    if EmptyForm().validate_on_submit():
        signin.logout()
        flash("You have logged out.", "info")
    return redirect(url_for("portal.login"))
