"""The signed-in subscriber behind the session cookie: log in, keep the token fresh, log out."""

import contextlib
import time

from flask import session

from billpay_common.http import ServiceUnavailable, UpstreamError

from .clients import service


class SignInError(UpstreamError):
    """auth_service refused the login (or failed): what the login page shows."""


def login(username, password, client_addr):
    """Ask auth_service; on success start a fresh session (new id) holding the token."""
    response = service("auth").post(
        "/auth/login", {"username": username, "password": password}, headers={"X-Forwarded-For": client_addr}
    )
    if response.status != 200:
        raise SignInError.from_response(response, default_message="Login failed.")
    body = response.json()
    start_session(body)
    return body


def start_session(token_body):
    claims = _claims(token_body["access_token"])
    session.clear()
    session.regenerate()
    session.update(
        account=claims["sub"],
        name=claims.get("name", ""),
        token=token_body["access_token"],
        token_exp=claims["exp"],
        token_ttl=token_body["expires_in"],
    )


def _claims(token):
    import jwt  # the gateway only reads claims; the services verify signatures themselves

    return jwt.decode(token, options={"verify_signature": False})


def signed_in():
    return bool(session.get("token")) and session.get("token_exp", 0) > time.time()


def current_token():
    """The session's token, refreshed once less than half of its life is left."""
    if not signed_in():
        return None
    if session["token_exp"] - time.time() < session.get("token_ttl", 900) / 2:
        try:
            response = service("auth").post("/auth/refresh", headers={"Authorization": f"Bearer {session['token']}"})
        except ServiceUnavailable:
            return session["token"]
        if response.status == 200:
            body = response.json()
            session.update(token=body["access_token"], token_exp=_claims(body["access_token"])["exp"])
    return session["token"]


def logout():
    token = session.get("token")
    session.clear()
    if token:
        # the session is gone either way; the token dies on its own within 15 minutes
        with contextlib.suppress(ServiceUnavailable):
            service("auth").post("/auth/logout", headers={"Authorization": f"Bearer {token}"})
