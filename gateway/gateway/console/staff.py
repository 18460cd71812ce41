"""The signed-in staff member behind the console's session: sign-in at auth_service, the calls to the ops APIs
with the staff token, and the role each page needs (checked here for the page, and again by the service)."""

import functools
import time

import jwt
from flask import abort, flash, redirect, render_template, request, session, url_for

from billpay_common.http import ServiceClient, ServiceUnavailable, UpstreamError, checked
from billpay_common.staff_auth import effective_roles

from ..clients import service


class Refused(UpstreamError):
    """A service refused the staff member's request: its words are shown on the page."""


def sign_in(username, password, code, client_addr):
    """auth_service checks all three (and its own per-address limit); a fresh console session holds the token."""
    response = service("auth").post(
        "/staff/sign-in",
        {"username": username, "password": password, "code": code},
        headers={"X-Forwarded-For": client_addr},
    )
    answer = checked(response, "auth_service", Refused, default_message="Sign-in failed.").json()
    claims = jwt.decode(answer["access_token"], options={"verify_signature": False})  # the services verify it
    session.clear()
    session.regenerate()
    session.update(
        staff=claims["sub"], staff_token=answer["access_token"], staff_exp=claims["exp"], roles=answer["roles"]
    )


def signed_in():
    return bool(session.get("staff_token")) and session.get("staff_exp", 0) > time.time()


def has_role(role):
    return role in effective_roles(session.get("roles") or ())


def role_required(role):
    """A console page for staff holding `role`: sign-in first, a 403 page naming the role otherwise."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not signed_in():
                if session.get("staff"):
                    session.clear()
                    flash("Your console session has ended. Please sign in again.", "info")
                return redirect(url_for("console.sign_in"))
            if not has_role(role):
                page = render_template("console/forbidden.html", role=role)
                return page, 403
            return view(*args, **kwargs)

        return wrapper

    return decorator


def call(name, method, path, json_body=None, body=None, headers=None, timeout=None):
    """JSON from service `name` with the staff token; Refused for a 4xx (a 401 ends the console session)."""
    client = service(name) if timeout is None else ServiceClient(service(name).base_url, timeout)
    all_headers = {"Authorization": f"Bearer {session.get('staff_token', '')}", **(headers or {})}
    response = client.request(method, path, json_body=json_body, body=body, headers=all_headers)
    if response.status == 401:
        session.clear()
        abort(redirect(url_for("console.sign_in")))
    return checked(response, name, Refused, default_message="That did not work.").json()


def read(name, path):
    """GET for a page: a refusal becomes the console's error page with the service's words."""
    try:
        return call(name, "GET", path)
    except Refused as error:
        abort(error.status if 400 <= error.status < 500 else 502, description=error.message)
    except ServiceUnavailable:
        abort(503, description=f"{name} is not answering. Try again shortly.")


def act(name, method, path, json_body=None, done=None):
    """A change from a form: flashes `done` (or the service's refusal); returns the answer, or None if refused."""
    try:
        answer = call(name, method, path, json_body)
    except Refused as error:
        flash(error.message, "error")
        return None
    except ServiceUnavailable:
        flash(f"{name} is not answering. Nothing was changed; try again shortly.", "error")
        return None
    if done:
        flash(done(answer) if callable(done) else done, "info")
    return answer if answer is not None else {}


def back(default_endpoint, **values):
    """Where a form's action returns: the page it was posted from, if it is a console page."""
    target = request.form.get("back", "")
    if target.startswith("/console/") and "//" not in target:
        return redirect(target)
    return redirect(url_for(default_endpoint, **values))
