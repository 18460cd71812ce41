"""The signed-in subscriber behind the session cookie: log in, keep the token fresh, log out."""

import contextlib
import re
import time

from flask import current_app, request, session

from billpay_common.http import ServiceUnavailable, UpstreamError

from .clients import service


class SignInError(UpstreamError):
    """auth_service refused the login (or failed): what the login page shows."""


def login(username, password, client_addr):
    """Ask auth_service; on success start a fresh session (new id) holding the token."""
    response = service("auth").post(
        "/auth/login", {"username": username, "password": password}, headers={"X-Forwarded-For": client_addr}
    )
    if response.status not in (200, 202):
        raise SignInError.from_response(response, default_message="Login failed.")
    body = response.json()
    if response.status == 202:  # two-step sign-in: no session until the code is right too
        return body
    start_session(body)
    return body


def login_with_code(challenge, code, client_addr):
    """The login's second step: the challenge of the first one and a code; on success a fresh session."""
    response = service("auth").post(
        "/auth/login/code", {"challenge": challenge, "code": code}, headers={"X-Forwarded-For": client_addr}
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
        elif response.status == 401:
            # ended elsewhere (logout, new passcode, office reset) or past its absolute lifetime
            session.clear()
            return None
    return session["token"]


def change_passcode(current, new):
    """auth_service ends every session of the account and answers with a token for a new one, kept here."""
    token = current_token()
    if token is None:
        return None
    response = service("auth").post(
        "/auth/passcode", {"current": current, "new": new}, headers={"Authorization": f"Bearer {token}"}
    )
    if response.status != 200:
        raise SignInError.from_response(response, default_message="The passcode was not changed.")
    start_session(response.json())
    return True


def logout():
    token = session.get("token")
    session.clear()
    if token:
        # the session is gone either way; auth_service ends the subscriber's other sessions too
        with contextlib.suppress(ServiceUnavailable):
            service("auth").post("/auth/logout", headers={"Authorization": f"Bearer {token}"})


def forgot_limit():
    return current_app.config["FORGOT_PASSCODE_RATE_LIMIT"]


def forgot_account_limit():
    return current_app.config["FORGOT_PASSCODE_ACCOUNT_RATE_LIMIT"]


def typed_account():
    """The rate-limit key of a forgot-passcode request: the account number typed (form or JSON), unknown or not."""
    body = request.get_json(silent=True)
    typed = request.form.get("account") or (body.get("account") if isinstance(body, dict) else None) or ""
    return "account:" + re.sub(r"[\s\-]", "", str(typed))[:40]
