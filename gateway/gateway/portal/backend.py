"""Calls the portal makes to the services as the signed-in subscriber."""

import functools

from flask import flash, redirect, request, session, url_for

from billpay_common.http import ServiceUnavailable, UpstreamError, checked

from .. import signin
from ..clients import service


class BackendError(UpstreamError):
    """A service answered with an error a subscriber should read."""


class SignedOut(Exception):
    pass


class Unreachable(Exception):
    pass


def forwarded_for():
    """The subscriber's address as the gateway saw it (after its own TRUSTED_PROXY_COUNT, never a header the
    client sent), for the services' per-address limits (payment_service trusts exactly this one proxy)."""
    return {"X-Forwarded-For": request.remote_addr or ""}


def call(name, method, path, json_body=None, headers=None):
    """JSON (or raw bytes for non-JSON) from service `name` as the signed-in subscriber."""
    token = signin.current_token()
    if token is None:
        raise SignedOut()
    try:
        response = checked(
            service(name).request(
                method,
                path,
                json_body=json_body,
                headers={"Authorization": f"Bearer {token}", **forwarded_for(), **(headers or {})},
            ),
            name,
            BackendError,
            default_message="That did not work.",
        )
    except ServiceUnavailable as error:
        raise Unreachable(str(error)) from error
    except BackendError as error:
        if error.status == 401:
            raise SignedOut() from None
        raise
    if response.headers.get("Content-Type", "").startswith("application/json"):
        return response.json()
    return response


def login_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not signin.signed_in():
            if session.get("account"):
                session.clear()
                flash("Your session has expired. Please log in again.", "info")
            return redirect(url_for("portal.login", next=request.path))
        try:
            return view(*args, **kwargs)
        except SignedOut:
            session.clear()
            flash("Your session has expired. Please log in again.", "info")
            return redirect(url_for("portal.login"))

    return wrapper
