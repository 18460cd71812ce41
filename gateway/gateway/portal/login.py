"""Login and Logout."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for

from billpay_common.http import ServiceUnavailable

from .. import signin
from ..extensions import limiter
from ..proxy import login_limit
from . import portal
from .forms import EmptyForm, LoginForm


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
            signin.login(form.username.data, form.password.data, request.remote_addr or "")
        except signin.SignInError as error:
            form.password.data = ""
            return render_template("login.html", form=form, error=error.message), error.status
        except ServiceUnavailable:
            return render_template(
                "login.html", form=form, error="Login is not available right now. Please try again shortly."
            ), 503
        return redirect(_safe_next(request.args.get("next")) or url_for("portal.billing"))
    status = 400 if form.errors else 200
    return render_template("login.html", form=form, error=None), status


@portal.post("/logout")
def logout():
    if EmptyForm().validate_on_submit():
        signin.logout()
        flash("You have logged out.", "info")
    return redirect(url_for("portal.login"))
