"""Sign-in sessions: tokens that carry their login's time, refresh within the absolute lifetime, and ending
every session of a subscriber at once (a "not before" time every service checks with the token)."""

import logging
import time
import uuid

import jwt
import redis
from flask import current_app

from billpay_common.errors import Unauthorized, Unavailable

from . import keys
from .extensions import db
from .models import PortalUser

log = logging.getLogger(__name__)
ACCESS_ENDED = "Your portal access has ended. Please call the accounting office."


def issue_token(account, name, session_start=None):
    """A token for the session that started at `session_start` (now, at a login); it never outlives the
    session's absolute lifetime."""
    kid, private_key = keys.active_key()
    now = round(time.time(), 3)  # sub-second iat: a login right after a reset must be newer than the reset
    started = session_start if session_start is not None else int(now)
    ends = started + current_app.config["SESSION_ABSOLUTE_LIFETIME_SECONDS"]
    expires = min(now + current_app.config["ACCESS_TOKEN_TTL_SECONDS"], ends)
    claims = {
        "sub": account,
        "name": name,
        "iat": now,
        "auth_time": started,
        "exp": expires,
        "jti": uuid.uuid4().hex,
        "iss": current_app.config["TOKEN_ISSUER"],
        "aud": current_app.config["TOKEN_AUDIENCE"],
    }
    token = jwt.encode(claims, private_key, algorithm="EdDSA", headers={"kid": kid})
    return {"access_token": token, "token_type": "Bearer", "expires_in": max(0, round(expires - now))}


def _verifier():
    return current_app.extensions["billpay_tokens"]


def revoke_token(claims):
    _verifier().revoke(claims)


def refresh(claims):
    """A fresh token for a still-valid one of the same session; the old one is revoked. Refused once the
    session has reached its absolute lifetime."""
    user = db.session.get(PortalUser, claims["sub"])
    if user is None or not user.active:
        raise Unauthorized(ACCESS_ENDED, code="access_revoked")
    started = int(claims.get("auth_time", claims["iat"]))
    if time.time() >= started + current_app.config["SESSION_ABSOLUTE_LIFETIME_SECONDS"]:
        raise Unauthorized("Your session has ended. Please log in again.", code="session_ended")
    token = issue_token(user.account, user.name, session_start=started)
    revoke_token(claims)
    return token


def end_all_sessions(account, token_lifetime=None):
    """Every token of `account` (or staff username) issued until now is refused by every service from now on.
    Call it before the use case commits: if Redis cannot record it, the change is not made either."""
    lifetime = token_lifetime or current_app.config["ACCESS_TOKEN_TTL_SECONDS"]
    lasts = lifetime + 60  # outlives every token issued before it
    try:
        _verifier().end_sessions(account, lasts)
    except redis.RedisError as error:
        log.warning("sessions of an account not ended, Redis unreachable: %s", type(error).__name__)
        db.session.rollback()
        raise Unavailable("Sign-in cannot be changed right now. Please try again shortly.") from error
