"""The second step of a login with two-step sign-in on: the passcode was right, so the answer is a short-lived
challenge; the code (or a recovery code) posted with it then gets the token. Wrong codes count toward the same
lockout as wrong passcodes, and only a full login clears the count."""

import hashlib
import secrets
from datetime import timedelta

from billpay_common.clock import utcnow
from billpay_common.errors import TooManyRequests, Unauthorized

from . import mfa, services, sessions, totp
from .access import audit
from .extensions import db
from .models import PortalUser
from .totp_models import LoginChallenge

CHALLENGE_SECONDS = 300
CODE_NEEDED = "Enter the 6-digit code from your authenticator app, or one of your recovery codes."
TIMED_OUT = "Your login has timed out. Please log in again."


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def start_challenge(user):
    """Adds the challenge to the session (the caller commits); returns the first step's answer."""
    db.session.query(LoginChallenge).filter(
        LoginChallenge.account == user.account, LoginChallenge.expires_at <= utcnow()
    ).delete()
    token = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(seconds=CHALLENGE_SECONDS)
    db.session.add(LoginChallenge(token_hash=_hash(token), account=user.account, expires_at=expires))
    return {"code_required": True, "challenge": token, "expires_in": CHALLENGE_SECONDS, "message": CODE_NEEDED}


def login_with_code(challenge_token, code, client_addr):
    challenge = db.session.get(LoginChallenge, _hash(challenge_token), with_for_update=True)
    if challenge is None or challenge.used_at is not None or challenge.expires_at <= utcnow():
        raise Unauthorized(TIMED_OUT, code="challenge_expired")
    user = db.session.get(PortalUser, challenge.account)
    factor = mfa.enabled_factor(challenge.account)
    if user is None or not user.active or factor is None:
        raise Unauthorized(TIMED_OUT, code="challenge_expired")
    if user.locked_until and user.locked_until > utcnow():
        services._record(user.account, "locked", client_addr)
        raise TooManyRequests(services._locked_message(user.locked_until), code="account_locked")
    recovery = not totp.looks_like_totp(code)
    outcome = mfa.spend_code(factor, code)
    if outcome != "ok":
        db.session.rollback()
        services._count_failure(user)
        services._record(user.account, "reused_code" if outcome == "used" else "wrong_code", client_addr)
        raise Unauthorized(mfa.USED_CODE if outcome == "used" else mfa.WRONG_CODE, code="invalid_code")
    challenge.used_at = utcnow()
    user.failed_attempts, user.locked_until = 0, None
    if recovery:
        audit(
            "subscriber", "recovery_code_used", user.account, f"{mfa.status(user.account)['recovery_codes_left']} left"
        )
    services._record(user.account, "recovery_code" if recovery else "success", client_addr)
    return sessions.issue_token(user.account, user.name)
